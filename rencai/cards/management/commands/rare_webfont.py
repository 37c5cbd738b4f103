from django.core.management.base import BaseCommand

from rencai.cards import webfont


class Command(BaseCommand):
    help = (
        "Rebuild the rare-character web font (WOFF2 slices of the card's Extension fonts) and "
        "its @font-face section in site.css. 生成生僻字网页字体"
    )

    def handle(self, *args, **options):
        sizes = webfont.build(log=self.stdout.write)
        self.stdout.write(
            f"wrote {len(sizes)} files, {sum(sizes.values()):,} bytes, to {webfont.OUT_DIR}"
        )
