"""Database triggers that keep chained tables append-only, whatever writes to them.

UPDATE is refused except the one that seals a row (chain columns set once, every other
column unchanged); DELETE is refused except by `audit-archive`, which allows it for the
archived prefix of the chain within its own transaction: on PostgreSQL through a
transaction-local setting (`rencai.archive_upto_<table>`), on SQLite through a function
this process registers on its connections (any other client lacks it, so its DELETE
fails too). PostgreSQL's TRUNCATE is not a row operation: the application's database role
must not own these tables (docs/operations.md); audit-verify still sees a truncated chain.

Installed by the migrations and again after every `migrate` (post_migrate), because
SQLite drops a table's triggers whenever Django rebuilds the table to alter it.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connections

from rencai.audit.chain import CHAIN_COLUMNS, CHAINS

_local = threading.local()
GUC_PREFIX = "rencai.archive_upto_"

PG_FUNCTION = r"""
CREATE OR REPLACE FUNCTION rencai_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    upto text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
           AND (to_jsonb(NEW) - 'chain_seq' - 'prev_hash' - 'entry_hash')
             = (to_jsonb(OLD) - 'chain_seq' - 'prev_hash' - 'entry_hash') THEN
            RETURN NEW;  -- sealing: the chain columns are written once, nothing else
        END IF;
        RAISE EXCEPTION '%: append-only, UPDATE refused', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    upto := current_setting('rencai.archive_upto_' || TG_TABLE_NAME, true);
    IF upto IS NOT NULL AND upto <> '' AND OLD.chain_seq IS NOT NULL
       AND OLD.chain_seq <= upto::bigint THEN
        RETURN OLD;  -- audit-archive, for the prefix it has just written to a file
    END IF;
    RAISE EXCEPTION '%: append-only, DELETE refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""


def _names(table: str) -> tuple[str, str]:
    return f"{table}_no_update", f"{table}_no_delete"


def install_sql(vendor: str, table: str, columns: list[str]) -> list[str]:
    """Statements that (re)create the triggers on `table`; `columns`: every column."""
    no_update, no_delete = _names(table)
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS "{no_update}" ON "{table}"',
            f'CREATE TRIGGER "{no_update}" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION rencai_append_only()",
        ]
    if vendor == "sqlite":
        same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns if c not in CHAIN_COLUMNS)
        return [
            f'DROP TRIGGER IF EXISTS "{no_update}"',
            f'DROP TRIGGER IF EXISTS "{no_delete}"',
            f'CREATE TRIGGER "{no_update}" BEFORE UPDATE ON "{table}" '
            f"WHEN NOT (OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL AND {same}) "
            f"BEGIN SELECT RAISE(ABORT, '{table}: append-only, UPDATE refused'); END",
            f'CREATE TRIGGER "{no_delete}" BEFORE DELETE ON "{table}" '
            f"WHEN NOT rencai_chain_delete_allowed('{table}', OLD.chain_seq) "
            f"BEGIN SELECT RAISE(ABORT, '{table}: append-only, DELETE refused'); END",
        ]
    return []


def drop_sql(vendor: str, table: str) -> list[str]:
    no_update, no_delete = _names(table)
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{no_update}" ON "{table}"']
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{no_update}"', f'DROP TRIGGER IF EXISTS "{no_delete}"']
    return []


def install(connection, table: str, columns: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor, table, columns):
            cursor.execute(statement)


def install_all(*, using: str = "default", **kwargs) -> None:
    """post_migrate: the triggers on every chained table, with its current columns."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    for spec in CHAINS.values():
        model = spec.model()
        table = model._meta.db_table
        if table not in existing:
            continue
        with connection.cursor() as cursor:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
        if "chain_seq" in columns:  # not when migrated back to before the chain
            install(connection, table, columns)


# --- The archive's permission to delete ------------------------------------------------


def _sqlite_delete_allowed(table, seq) -> bool:
    if getattr(_local, "flushing", False):
        return True
    upto = getattr(_local, "upto", {}).get(table)
    return upto is not None and seq is not None and seq <= upto


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created: the function the SQLite DELETE trigger asks."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "rencai_chain_delete_allowed", 2, _sqlite_delete_allowed
        )


@contextmanager
def delete_permit(model, upto: int, *, using: str = "default"):
    """Inside a transaction: allow DELETE of rows with chain_seq ≤ upto (archive only)."""
    connection = connections[using]
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [GUC_PREFIX + table, str(upto)])
        yield
        # Not in a `finally`: after an error the transaction is rolled back, which ends
        # the setting anyway (and a statement in an aborted transaction would fail).
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [GUC_PREFIX + table])
        return
    permits = _local.__dict__.setdefault("upto", {})
    permits[table] = upto
    try:
        yield
    finally:
        permits.pop(table, None)


@contextmanager
def flushing():
    """`flush` empties the whole database (tests, development): on PostgreSQL it is a
    TRUNCATE, which row triggers do not see; SQLite's DELETE FROM is let through the same."""
    _local.flushing = True
    try:
        yield
    finally:
        _local.flushing = False
