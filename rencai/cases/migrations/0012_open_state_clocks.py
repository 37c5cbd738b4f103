"""Every open state has a clock (issue #14): drafts, returned cases and office review
steps (dept_review, under_review) that have none get the one the workflow table now
starts (workflow.DRAFT_CLOCK, CORRECTION_CLOCK, STEP_CLOCK). The clocks start at the
upgrade, not when the case entered its state: an upgrade must not remind, or withdraw,
thousands of old drafts on its first sweep."""

import os

from django.db import migrations

#: state -> (setting, default working days, the action the clock fires)
CLOCKS = {
    "draft": ("RENCAI_DRAFT_WORKDAYS", 20, "draft_remind"),
    "returned": ("RENCAI_CORRECTION_WORKDAYS", 10, "correction_remind"),
    "dept_review": ("RENCAI_REVIEW_STEP_WORKDAYS", 5, "step_remind"),
    "under_review": ("RENCAI_REVIEW_STEP_WORKDAYS", 5, "step_remind"),
}


def forward(apps, schema_editor):
    from django.conf import settings

    from rencai.core import clock
    from rencai.workdays.calendar import deadline_for

    Case = apps.get_model("cases", "Case")
    now = clock.now()
    for state, (setting, default, action) in CLOCKS.items():
        waiting = Case.objects.filter(status=state, due_at__isnull=True)
        if not waiting.exists():  # a new database: nothing to do, the calendar unread
            continue
        days = int(getattr(settings, setting, None) or os.environ.get(setting) or default)
        deadline = deadline_for(now, days)
        waiting.update(
            due_at=deadline.fires_at, due_date=deadline.due_date,
            due_provisional=deadline.provisional, due_action=action,
        )  # fmt: skip


def backward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for state, (_setting, _default, action) in CLOCKS.items():
        Case.objects.filter(status=state, due_action=action).update(
            due_at=None, due_date=None, due_provisional=False, due_action=""
        )


class Migration(migrations.Migration):
    rencai_safety = (
        "data only, no schema change: one UPDATE per state of the open cases without a "
        "clock (row locks only; the partial index case_due gains those rows)"
    )
    dependencies = [("cases", "0011_draft_unit_request"), ("workdays", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
