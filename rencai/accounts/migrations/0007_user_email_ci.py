"""An index on lower(email): 找回密码 by e-mail no longer reads every account. Built
CONCURRENTLY on PostgreSQL, so logins and registrations go on meanwhile."""

import django.db.models.functions.text
from django.db import migrations, models

from rencai.core.migration_ops import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("accounts", "0006_user_elder_mode"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="user",
            index=models.Index(django.db.models.functions.text.Lower("email"), name="user_email_ci"),
        ),
    ]
