"""Hash chain and append-only triggers on the case history (as on the audit log).

Numbered 0010: 0007–0009 come from other branches; the merge renumbers if needed.
"""

from django.db import migrations, models

CASE_EVENT_COLUMNS = [
    "id", "case_id", "at", "actor_id", "acting_as", "role", "action", "from_status",
    "to_status", "status_text", "reason", "office_id", "version", "chain_seq", "prev_hash",
    "entry_hash",
]  # fmt: skip


def seal_existing(apps, schema_editor):
    from rencai.audit import chain

    chain.seal(
        chain.CHAINS["cases"],
        using=schema_editor.connection.alias,
        model=apps.get_model("cases", "CaseEvent"),
        head_model=apps.get_model("audit", "ChainHead"),
    )


def install_triggers(apps, schema_editor):
    from rencai.audit import triggers

    triggers.install(schema_editor.connection, "cases_caseevent", CASE_EVENT_COLUMNS)


def drop_triggers(apps, schema_editor):
    from rencai.audit import triggers

    with schema_editor.connection.cursor() as cursor:
        for statement in triggers.drop_sql(schema_editor.connection.vendor, "cases_caseevent"):
            cursor.execute(statement)


class Migration(migrations.Migration):
    rencai_safety = (
        "as audit.0003: existing history rows are chained one UPDATE each; run it in a maintenance window on a large table"
    )
    dependencies = [
        ("cases", "0009_unit_consent"),
        ("audit", "0003_audit_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="entry_hash",
            field=models.CharField(
                blank=True, db_default="", max_length=64, verbose_name="本条哈希"
            ),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="prev_hash",
            field=models.CharField(
                blank=True, db_default="", max_length=64, verbose_name="前一条哈希"
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
