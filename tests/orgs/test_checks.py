"""The search-index checks: pg_trgm must index CJK; SQLite FTS objects must exist."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rencai.orgs import checks
from rencai.orgs.checks import check_unit_search, search_index_errors

pytestmark = pytest.mark.django_db


def test_search_indexes_ok_and_system_check_clean():
    assert search_index_errors(connection) == []
    assert check_unit_search(databases=["default"]) == []
    call_command("check_search")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_pg_trigram_indexes_cjk():
    assert checks.pg_trigrams(connection)  # show_trgm('广州市') is not empty on a UTF-8 ctype


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_pg_check_fails_loudly_without_cjk_trigrams(monkeypatch):
    # What a database created with LC_CTYPE=C looks like: show_trgm('广州市') = {}.
    monkeypatch.setattr(checks, "pg_trigrams", lambda connection, text="广州市": [])
    errors = search_index_errors(connection)
    assert [e.id for e in errors] == ["orgs.E002"]
    assert "show_trgm" in errors[0].msg and "C.UTF-8" in errors[0].hint
    with pytest.raises(CommandError):
        call_command("check_search")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_pg_c_ctype_database_really_has_no_cjk_trigrams():
    """The premise of the check, on a real database created with LC_CTYPE "C"."""
    import uuid

    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    name = f"rencai_ctype_c_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    try:
        admin.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
        with psycopg.connect(**{**params, "dbname": name}, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            assert conn.execute("SELECT show_trgm('广州市')").fetchone()[0] == []
            assert conn.execute("SELECT show_trgm('abc')").fetchone()[0] != []
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_missing_trigger_detected_and_repaired():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER orgs_unit_fts_ai")
    errors = search_index_errors(connection)
    assert [e.id for e in errors] == ["orgs.E004"] and "orgs_unit_fts_ai" in errors[0].msg
    with pytest.raises(CommandError):
        call_command("check_search")
    call_command("check_search", "--repair")
    assert search_index_errors(connection) == []
