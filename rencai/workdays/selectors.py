"""Reads about the calendar's coverage (for the admin, the system check and status pages)."""

from __future__ import annotations

from datetime import date, timedelta

from rencai.core import clock
from rencai.workdays import calendar

LOOKAHEAD_DAYS = 90


def provisional_years_ahead(*, today: date | None = None, days: int = LOOKAHEAD_DAYS) -> list[int]:
    """Years between today and today+`days` that still use the provisional calendar."""
    today = clock.today() if today is None else today
    cal = calendar.snapshot()
    end = today + timedelta(days=days)
    return [y for y in range(today.year, end.year + 1) if cal.is_provisional_year(y)]


def provisional_warnings(*, today: date | None = None) -> list[str]:
    """One administrator-facing line per provisional year coming within the look-ahead window."""
    return [
        f"请加载{year}年国务院节假日安排：{year}年的期限目前按临时日历计算"
        f"（周末 + 法定节日），官方安排公布后请执行 rencai load-holidays {year}.csv。"
        for year in provisional_years_ahead(today=today)
    ]
