"""Objections move onto rencai.process (issue #14), keeping every row: the engine's columns,
and each objection's history rebuilt as process.ProcessEvent rows (filed, resolved)."""

from django.db import migrations, models


def forward(apps, schema_editor):
    Objection = apps.get_model("notice", "Objection")
    Event = apps.get_model("process", "ProcessEvent")
    for obj in Objection.objects.select_related("case").order_by("pk").iterator():
        Event.objects.create(
            process="notice", object_id=obj.pk, at=obj.filed_at, acting_as="系统", role="system",
            action="objection_filed", from_status="", to_status="open", version=1,
        )  # fmt: skip
        if obj.status != "open":
            Event.objects.create(
                process="notice", object_id=obj.pk, at=obj.resolved_at or obj.filed_at,
                actor_id=obj.resolved_by_id, role="office", action=f"objection_{obj.status}",
                from_status="open", to_status=obj.status, reason=obj.resolution,
                office_id=obj.case.holding_office_id, version=2,
            )  # fmt: skip
            Objection.objects.filter(pk=obj.pk).update(version=2)


def backward(apps, schema_editor):
    apps.get_model("process", "ProcessEvent").objects.filter(process="notice")._raw_delete(
        schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    rencai_safety = (
        "objections are a small table (a few per notice); adds nullable/defaulted columns"
    )
    dependencies = [
        ("process", "0001_initial"),
        ("notice", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="due_action",
            field=models.CharField(blank=True, max_length=30, verbose_name="到期操作"),
        ),
        migrations.AddField(
            model_name="objection",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="期限触发时间"),
        ),
        migrations.AddField(
            model_name="objection",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="办理期限"),
        ),
        migrations.AddField(
            model_name="objection",
            name="due_provisional",
            field=models.BooleanField(default=False, verbose_name="期限待节假日安排确认"),
        ),
        migrations.AddField(
            model_name="objection",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.AlterField(
            model_name="objection",
            name="status",
            field=models.CharField(
                choices=[("open", "核查中"), ("dismissed", "异议不成立"), ("upheld", "异议成立")],
                default="open",
                max_length=30,
                verbose_name="处理结果",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
