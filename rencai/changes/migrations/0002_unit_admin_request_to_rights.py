"""The unit-admin rights request is rencai.rights' now (its 0001): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('changes', '0001_squashed_0004_reviewed_request_labels'),
        ('rights', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='UnitAdminRequest')],
            database_operations=[],
        ),
    ]
