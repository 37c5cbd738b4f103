"""`rencai import-history FILE.csv`: load legacy settlements for 「已禁止再报」 (FAQ 一.3).

Columns: id_number,year,district_code,note (UTF-8, header row). ID numbers are validated
and stored only as a blind index and a masked number. Rows already loaded are skipped,
so the command can be run again; rejected rows go to FILE.rejects.csv with the reason.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rencai.cases.reapply import history_import

COLUMNS = ("id_number", "year", "district_code", "note")


class Command(BaseCommand):
    help = "Import historical settlements (禁止再报) from CSV: id_number,year,district_code,note"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--rejects", type=Path, default=None, help="where to write rejected rows"
        )

    def handle(self, *args, file: Path, rejects: Path | None = None, **options):
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ("id_number", "year") if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"表头缺少列：{', '.join(missing)}（应为 {','.join(COLUMNS)}）")
            report = history_import(rows=reader)
        rejects = rejects or file.with_name(file.stem + ".rejects.csv")
        if report.rejected:
            with rejects.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["line", *COLUMNS, "reason"])
                for line, row, reason in report.rejected:
                    writer.writerow([line, *(row.get(c) or "" for c in COLUMNS), reason])
        elif rejects.exists():
            rejects.unlink()
        self.stdout.write(
            f"导入 {report.added} 条，已存在 {report.existing} 条，拒绝 {len(report.rejected)} 条"
            + (f"（见 {rejects}）" if report.rejected else "")
        )
