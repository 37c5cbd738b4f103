"""`rencai load-holidays FILE.csv`: load one year's State Council holiday schedule.

The CSV has the columns date,is_workday,note (a header line is optional). date is
YYYY-MM-DD; is_workday is 1/0, true/false, yes/no, 是/否 or 班/休. List every day off
of the holiday periods and every make-up working day (调休上班). The rows become
WorkdayOverride rows, the year is marked official, and provisional deadlines are
recomputed (never moved earlier).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.core.errors import DomainError
from rencai.workdays.services import ScheduleRow, official_schedule_load

TRUE = {"1", "true", "yes", "y", "t", "是", "班", "上班", "工作日"}
FALSE = {"0", "false", "no", "n", "f", "否", "休", "放假", "休息"}


def parse_schedule(text: str) -> list[ScheduleRow]:
    rows: list[ScheduleRow] = []
    for number, cells in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in cells]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        try:
            day = date.fromisoformat(cells[0])
        except ValueError as exc:
            if number == 1:
                continue  # header
            raise DomainError(
                format_lazy(
                    gettext_lazy("第{number}行：日期 {cells!r} 不是 YYYY-MM-DD。"),
                    number=number,
                    cells=cells[0],
                ),
                field="date",
            ) from exc
        if len(cells) < 2 or cells[1].lower() not in TRUE | FALSE:
            value = cells[1] if len(cells) > 1 else ""
            raise DomainError(
                format_lazy(
                    gettext_lazy("第{number}行：is_workday {value!r} 应为 1/0（上班/放假）。"),
                    number=number,
                    value=value,
                ),
                field="is_workday",
            )
        note = cells[2] if len(cells) > 2 else ""
        rows.append(ScheduleRow(date=day, is_workday=cells[1].lower() in TRUE, note=note[:200]))
    return rows


class Command(BaseCommand):
    help = "加载某一年的国务院节假日安排（CSV: date,is_workday,note），并重新计算临时期限。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件，列为 date,is_workday,note")
        parser.add_argument("--year", type=int, help="文件应属的年份（可选，用于核对）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"无法读取 {path}: {exc}") from exc
        try:
            result = official_schedule_load(rows=parse_schedule(text), year=options["year"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已加载{result.year}年国务院节假日安排：新增 {result.created} 条，"
            f"更新 {result.updated} 条；重新计算临时期限 {result.recomputed} 个。"
        )
