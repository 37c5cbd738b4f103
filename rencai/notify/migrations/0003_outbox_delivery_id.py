"""A stable per-message delivery id for the provider, and the claim token of the lease."""

import uuid

from django.db import migrations, models


def fill_delivery_ids(apps, schema_editor):
    OutboxMessage = apps.get_model("notify", "OutboxMessage")
    for pk in OutboxMessage.objects.filter(delivery_id=None).values_list("pk", flat=True):
        OutboxMessage.objects.filter(pk=pk).update(delivery_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_slim_hot_path_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=32),
        ),
        # Nullable first: a default on AddField would give every existing row the same id.
        migrations.AddField(
            model_name="outboxmessage",
            name="delivery_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_delivery_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboxmessage",
            name="delivery_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
