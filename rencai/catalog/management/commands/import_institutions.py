from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rencai.catalog.reference import INSTITUTIONS_CSV, INSTITUTIONS_SOURCE, institutions_import


class Command(BaseCommand):
    help = (
        "导入高等学校名单（教育部名单格式，按学校标识码新增或更新）。"
        " Import institutions from a CSV of the MOE list's shape; default: the shipped 2017 list."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="CSV file (moe_code,name,competent_authority,location,level,remarks)",
        )
        parser.add_argument("--source", default="", help="来源说明 source label stored on each row")

    def handle(self, *args, file=None, source="", **options):
        path = Path(file) if file else INSTITUTIONS_CSV
        if not path.is_file():
            raise CommandError(f"文件不存在 file not found: {path}")
        label = source or (INSTITUTIONS_SOURCE if not file else f"导入 import: {path.name}")
        try:
            report = institutions_import(path=path, source=label)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        for reason in report.rejected[:50]:
            self.stderr.write(reason)
        self.stdout.write(f"高等学校 institutions: {report}")
        self.stdout.write(f"参考数据 reference: {report.dataset}")
