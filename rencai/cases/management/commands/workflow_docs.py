from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rencai.cases.docs import workflow_markdown

DEFAULT = Path(settings.BASE_DIR) / "docs" / "workflow.md"


class Command(BaseCommand):
    help = "Regenerate docs/workflow.md from the workflow table. 生成流程文档"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT))
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, output, check=False, **options):
        path = Path(output)
        text = workflow_markdown()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `rencai workflow-docs`")
            self.stdout.write(f"{path} is current")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
