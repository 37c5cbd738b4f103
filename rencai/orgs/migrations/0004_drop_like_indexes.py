"""PostgreSQL: drop the varchar_pattern_ops ("_like") twins Django creates beside the
indexes of CharFields with db_index/unique. Unit search never uses LIKE 'prefix%' on
these columns (prefixes are range queries on the plain B-trees, see selectors.py), so
on 3M units they were 500 MB that every import row and every planner call paid for.

Names are Django's own (`_create_index_name`); later migrations drop indexes with
"DROP INDEX IF EXISTS", so a missing twin never breaks them. SQLite has no twins.
"""

from django.db import migrations

COLUMNS = [
    ("orgs_unit", "name"),
    ("orgs_unit", "code"),
    ("orgs_unit", "name_pinyin_initials"),
    ("orgs_unit", "org_code"),
    ("orgs_unitnamehistory", "name"),
]


def _like_indexes(schema_editor):
    for table, column in COLUMNS:
        yield table, column, schema_editor._create_index_name(table, [column], suffix="_like")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in _like_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    for table, column, name in _like_indexes(schema_editor):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {qn(table)} ({qn(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_search_indexes")]

    operations = [migrations.RunPython(drop, recreate)]
