"""Hash chain on the audit log, the chain heads, and the append-only triggers."""

from django.db import migrations, models

AUDIT_COLUMNS = [
    "id", "at", "actor_id", "acting_as", "ip", "event", "outcome", "object_type", "object_id",
    "detail", "chain_seq", "prev_hash", "entry_hash",
]  # fmt: skip


def seal_existing(apps, schema_editor):
    from rencai.audit import chain

    using = schema_editor.connection.alias
    chain.seal(
        chain.CHAINS["audit"],
        using=using,
        model=apps.get_model("audit", "AuditEvent"),
        head_model=apps.get_model("audit", "ChainHead"),
    )


def install_triggers(apps, schema_editor):
    from rencai.audit import triggers

    triggers.install(schema_editor.connection, "audit_auditevent", AUDIT_COLUMNS)


def drop_triggers(apps, schema_editor):
    from rencai.audit import triggers

    with schema_editor.connection.cursor() as cursor:
        for statement in triggers.drop_sql(schema_editor.connection.vendor, "audit_auditevent"):
            cursor.execute(statement)


class Migration(migrations.Migration):
    rencai_safety = (
        "the chain of existing entries is computed row by row (one UPDATE each): on a large production audit table run it in a maintenance window; new columns have database defaults, so old code keeps inserting meanwhile"
    )
    dependencies = [
        ("audit", "0002_slim_hot_path_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("name", models.CharField(max_length=60, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default="0" * 64, max_length=64)),
                ("anchor_seq", models.BigIntegerField(default=0)),
                ("anchor_hash", models.CharField(default="0" * 64, max_length=64)),
                ("key_id", models.CharField(blank=True, max_length=16)),
            ],
            options={"verbose_name": "审计链头", "verbose_name_plural": "审计链头"},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(blank=True, db_default="", max_length=64, verbose_name="本条哈希"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, db_default="", max_length=64, verbose_name="前一条哈希"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
