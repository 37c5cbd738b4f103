"""The database cache's table (settings.CACHES without REDIS_URL), made by `migrate` so that
every way of setting up a database has it — a save that bumps a cache generation must never
meet a missing table. createcachetable skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    rencai_safety = "creates the database cache table if it is missing (a new table; nothing reads it before this release)"

    dependencies = [("ops", "0002_retention")]
    operations = [migrations.RunPython(cache_table, migrations.RunPython.noop)]
