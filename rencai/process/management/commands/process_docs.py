"""Write docs/processes/<key>.md for every declared process (or --check them)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rencai.process import declare
from rencai.process.docs import process_markdown


class Command(BaseCommand):
    help = "Generate docs/processes/<key>.md from the process declarations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if a file is stale")

    def handle(self, *args, check=False, **options):
        folder = Path(settings.BASE_DIR) / "docs" / "processes"
        folder.mkdir(parents=True, exist_ok=True)
        stale = []
        for p in declare.processes():
            path = folder / f"{p.key}.md"
            text = process_markdown(p)
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    stale.append(str(path))
                continue
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {path}")
        if stale:
            raise CommandError("stale: " + ", ".join(stale) + " (run `rencai process-docs`)")
