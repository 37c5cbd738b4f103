"""Write the committed OpenAPI document (docs/openapi.json); --check fails when it is stale."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

DEFAULT = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_text() -> str:
    from rencai.api.urls import api

    with translation.override(settings.LANGUAGE_CODE):
        schema = api.get_openapi_schema(path_prefix="/api/")
    return json.dumps(schema, indent=2, ensure_ascii=False, default=str) + "\n"


class Command(BaseCommand):
    help = "Regenerate docs/openapi.json from the API. 生成 OpenAPI 文档"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT))
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, output, check=False, **options):
        path = Path(output)
        text = openapi_text()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `rencai openapi-docs`")
            self.stdout.write(f"{path} is current")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
