"""Change and rights requests move onto rencai.process (issue #14), keeping every row.

Adds the engine's columns (version, due_action), copies the number sequences into
process.NumberSequence, rebuilds each request's history as process.ProcessEvent rows
(submitted, reminded, decided) and restarts the reminder clock of pending, unreminded ones.
"""

from django.db import migrations, models

PROCESSES = (("ChangeRequest", "change", "requester", "submit"),
             ("UnitAdminRequest", "unit_admin", "applicant", "request"))  # fmt: skip


def forward(apps, schema_editor):
    Old = apps.get_model("changes", "RequestNumberSequence")
    New = apps.get_model("process", "NumberSequence")
    for row in Old.objects.all():
        New.objects.update_or_create(prefix=row.prefix, year=row.year, defaults={"last": row.last})
    Event = apps.get_model("process", "ProcessEvent")
    for model_name, key, requester, start in PROCESSES:
        model = apps.get_model("changes", model_name)
        for obj in model.objects.order_by("pk").iterator():
            events = [("", "pending", start, obj.submitted_at, getattr(obj, f"{requester}_id"),
                       "requester", "")]  # fmt: skip
            if obj.reminded_at:
                events.append(("pending", "pending", "remind", obj.reminded_at, None, "system", ""))
            if obj.status != "pending":
                action = "approve" if obj.status == "approved" else "reject"
                events.append(("pending", obj.status, action, obj.decided_at or obj.submitted_at,
                               obj.decided_by_id, "office", obj.reason))  # fmt: skip
            for version, (src, dst, action, at, actor, role, reason) in enumerate(events, 1):
                Event.objects.create(
                    process=key, object_id=obj.pk, number=obj.number, at=at, actor_id=actor,
                    acting_as="系统" if actor is None else "", role=role, action=action,
                    from_status=src, to_status=dst, reason=reason or "",
                    office_id=obj.office_id if role == "office" else None, version=version,
                )  # fmt: skip
            pending_clock = obj.status == "pending" and obj.reminded_at is None
            model.objects.filter(pk=obj.pk).update(
                version=len(events), due_action="remind" if pending_clock else ""
            )


def backward(apps, schema_editor):
    New = apps.get_model("process", "NumberSequence")
    Old = apps.get_model("changes", "RequestNumberSequence")
    for row in New.objects.filter(prefix__in=("BG", "QX")):
        Old.objects.update_or_create(prefix=row.prefix, year=row.year, defaults={"last": row.last})
    apps.get_model("process", "ProcessEvent").objects.filter(
        process__in=("change", "unit_admin")
    )._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    rencai_safety = (
        "change and rights requests are small tables (hundreds of rows a year); the column "
        "changes and the history backfill take well under a second"
    )
    dependencies = [
        ("changes", "0002_change_request_reminder"),
        ("process", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="changerequest",
            name="due_action",
            field=models.CharField(blank=True, max_length=30, verbose_name="到期操作"),
        ),
        migrations.AddField(
            model_name="changerequest",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.AddField(
            model_name="unitadminrequest",
            name="due_action",
            field=models.CharField(blank=True, max_length=30, verbose_name="到期操作"),
        ),
        migrations.AddField(
            model_name="unitadminrequest",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="期限触发时间"),
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="办理期限"),
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="due_provisional",
            field=models.BooleanField(default=False, verbose_name="期限待节假日安排确认"),
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "待审核"),
                    ("approved", "审核通过"),
                    ("rejected", "审核不通过"),
                ],
                default="pending",
                max_length=30,
                verbose_name="状态",
            ),
        ),
        migrations.AlterField(
            model_name="unitadminrequest",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="期限触发时间"),
        ),
        migrations.AlterField(
            model_name="unitadminrequest",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="办理期限"),
        ),
        migrations.AlterField(
            model_name="unitadminrequest",
            name="due_provisional",
            field=models.BooleanField(default=False, verbose_name="期限待节假日安排确认"),
        ),
        migrations.AlterField(
            model_name="unitadminrequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "待审核"),
                    ("approved", "审核通过"),
                    ("rejected", "审核不通过"),
                ],
                default="pending",
                max_length=30,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveConstraint(
            model_name="requestnumbersequence",
            name="changes_sequence_prefix_year",
        ),
        migrations.DeleteModel(name="RequestNumberSequence"),
    ]
