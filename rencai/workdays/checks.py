"""System check: warn administrators when a provisional calendar year is less than 90 days away."""

from __future__ import annotations

from django.core.checks import Warning
from django.db import DatabaseError


def check_official_schedule_loaded(app_configs=None, databases=None, **kwargs):
    from rencai.workdays.selectors import provisional_warnings

    try:
        messages = provisional_warnings()
    except DatabaseError:  # tables not migrated yet: the check has nothing to say
        return []
    return [
        Warning(
            message,
            hint="从国务院办公厅通知整理 CSV（date,is_workday,note），执行 "
            "`rencai load-holidays FILE.csv`，或在管理后台录入“工作日调整”并确认官方年份。",
            id="workdays.W001",
        )
        for message in messages
    ]
