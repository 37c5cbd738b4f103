from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rencai.notify.docs import notifications_markdown

DEFAULT = Path(settings.BASE_DIR) / "docs" / "notifications.md"


class Command(BaseCommand):
    help = "Regenerate docs/notifications.md (every SMS and e-mail template). 生成通知模板文档"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT))
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, output, check=False, **options):
        path = Path(output)
        text = notifications_markdown()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `manage.py notifications_docs`")
            self.stdout.write(f"{path} is current")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
