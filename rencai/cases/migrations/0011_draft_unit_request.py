"""Issue #11: a draft may name the applicant's pending 新增单位 request instead of a unit.

Numbered 0011 after 0010_history_chain; the merge renumbers if another branch took it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    rencai_safety = (
        "expand only: the new column is nullable without a default and dropping NOT NULL "
        "on cases_case.unit_id is a catalogue change (no rewrite, a brief lock); old code "
        "keeps writing a unit. The check constraint and the partial index each scan "
        "cases_case once under a write lock (about a second per million rows; every "
        "existing row has a unit, so the check passes): run the upgrade in a quiet hour"
    )

    dependencies = [
        ("cases", "0010_history_chain"),
        ("catalog", "0002_name_en"),
        ("changes", "0004_reviewed_request_labels"),
        ("documents", "0001_initial"),
        ("orgs", "0006_office_contact_customised"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="unit_request",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="draft_cases",
                to="changes.changerequest",
                verbose_name="待审核的新增单位申请",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="orgs.unit",
                verbose_name="引进单位",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("unit_request__isnull", False)),
                fields=["unit_request"],
                name="case_unit_request",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("unit__isnull", False), ("unit_request__isnull", True)),
                    models.Q(
                        ("unit__isnull", True), ("unit_request__isnull", False), ("status", "draft")
                    ),
                    _connector="OR",
                ),
                name="case_unit_or_pending_request",
            ),
        ),
    ]
