"""A stable per-message delivery id for the provider, and the claim token of the lease."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    rencai_safety = (
        "the AlterField only adds a Python-side default (no SQL on PostgreSQL); both columns are nullable or have a database default"
    )
    dependencies = [
        ("notify", "0002_slim_hot_path_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="claimed_by",
            field=models.CharField(blank=True, db_default="", max_length=32),
        ),
        # No default while adding (it would give every existing row the same id): rows
        # without one get theirs at their next send attempt (services._take).
        migrations.AddField(
            model_name="outboxmessage",
            name="delivery_id",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="delivery_id",
            field=models.UUIDField(blank=True, default=uuid.uuid4, editable=False, null=True),
        ),
    ]
