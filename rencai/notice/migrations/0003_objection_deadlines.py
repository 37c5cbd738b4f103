"""Objections get a checking deadline (issue #14): every open objection keeps its row and
gets the deadline it would have had, 5 working days (RENCAI_OBJECTION_WORKDAYS) after it
was filed, with the reminder armed; an already overdue one is reminded at the next sweep."""

from django.db import migrations


def forward(apps, schema_editor):
    from django.conf import settings

    from rencai.workdays.calendar import deadline_for

    days = int(getattr(settings, "RENCAI_OBJECTION_WORKDAYS", 5))  # notice.process.CHECK_DAYS

    Objection = apps.get_model("notice", "Objection")
    for obj in Objection.objects.filter(status="open", due_at__isnull=True).iterator():
        deadline = deadline_for(obj.filed_at, days)
        Objection.objects.filter(pk=obj.pk).update(
            due_at=deadline.fires_at, due_date=deadline.due_date,
            due_provisional=deadline.provisional, due_action="remind",
        )  # fmt: skip


def backward(apps, schema_editor):
    apps.get_model("notice", "Objection").objects.filter(due_action="remind").update(
        due_at=None, due_date=None, due_provisional=False, due_action=""
    )


class Migration(migrations.Migration):
    rencai_safety = "data only: fills the deadline columns of open objections (a small table)"
    dependencies = [("notice", "0002_process_engine")]
    operations = [migrations.RunPython(forward, backward)]
