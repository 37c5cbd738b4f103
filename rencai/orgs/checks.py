"""Database checks for the unit search indexes (`manage.py check --database default`,
`rencai check-search`).

PostgreSQL: pg_trgm must be installed and must index CJK characters. pg_trgm splits
text into words with the database's LC_CTYPE; under the "C" / POSIX ctype it sees no
word characters in Chinese text and `show_trgm('广州市')` is empty, so the GIN index
silently matches nothing useful and every search becomes a full scan. Create the
database with a UTF-8 ctype, e.g. ``createdb -T template0 -l C.UTF-8 -E UTF8``.
SQLite: the FTS5 table and its three triggers must exist (a table rebuild by a
later migration drops triggers).
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections

from rencai.orgs.search_indexes import POSTGRES_INDEXES as PG_INDEXES

SQLITE_OBJECTS = {
    ("table", "orgs_unit_fts"),
    ("trigger", "orgs_unit_fts_ai"),
    ("trigger", "orgs_unit_fts_ad"),
    ("trigger", "orgs_unit_fts_au"),
}


def pg_trigrams(connection, text: str = "广州市") -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm(%s)", [text])
        return list(cursor.fetchone()[0])


def _pg_expected_indexes(connection) -> list[str]:
    """The search indexes the applied migrations created: until orgs 0005 has run (e.g.
    while `migrate` itself runs its checks before applying it) the single trigram index."""
    from django.db.migrations.recorder import MigrationRecorder

    if ("orgs", "0005_trigram_buckets") in MigrationRecorder(connection).applied_migrations():
        return PG_INDEXES
    return ["orgs_unit_search_grams_arr", "orgs_unit_search_text_trgm"]


def search_index_errors(connection) -> list[Error]:
    errors: list[Error] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                return [
                    Error(
                        "单位搜索：PostgreSQL 未安装 pg_trgm 扩展 (pg_trgm extension missing).",
                        hint="Run the orgs migrations as a role allowed to CREATE EXTENSION pg_trgm.",
                        id="orgs.E001",
                    )
                ]
            cursor.execute("SHOW lc_ctype")
            ctype = cursor.fetchone()[0]
        if not pg_trigrams(connection):
            errors.append(
                Error(
                    f"单位搜索：pg_trgm 不能为中文生成三元组（show_trgm('广州市') 为空，"
                    f"数据库 LC_CTYPE={ctype}）。中文名称搜索将无法使用索引。",
                    hint="Recreate the database with a UTF-8 LC_CTYPE: "
                    "createdb -T template0 -l C.UTF-8 -E UTF8 NAME",
                    id="orgs.E002",
                )
            )
        expected = _pg_expected_indexes(connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [expected])
            missing = sorted(set(expected) - {row[0] for row in cursor.fetchall()})
        if missing:
            errors.append(
                Error(
                    f"单位搜索：缺少 GIN 索引 {', '.join(missing)}。",
                    hint="rencai check-search --repair",
                    id="orgs.E003",
                )
            )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE name LIKE 'orgs\\_unit\\_fts%' ESCAPE '\\'"
            )
            present = {(t, n) for t, n in cursor.fetchall()}
        missing = sorted(name for kind, name in SQLITE_OBJECTS if (kind, name) not in present)
        if missing:
            errors.append(
                Error(
                    f"单位搜索：SQLite 全文索引对象缺失：{', '.join(missing)}。",
                    hint="rencai check-search --repair (recreates them and rebuilds the index)",
                    id="orgs.E004",
                )
            )
    return errors


@register(Tags.database)
def check_unit_search(app_configs=None, databases=None, **kwargs):
    errors: list[Error] = []
    for alias in databases or []:
        connection = connections[alias]
        from django.db.migrations.recorder import MigrationRecorder

        try:
            applied = MigrationRecorder(connection).applied_migrations()
        except DatabaseError:  # no database yet: nothing to check
            applied = {}
        if ("orgs", "0003_search_indexes") not in applied:
            continue
        errors.extend(search_index_errors(connection))
    return errors
