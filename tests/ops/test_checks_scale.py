"""`rencai check --deploy` names what a city-scale PostgreSQL lacks (rencai.ops.checks_scale)."""

from __future__ import annotations

import pytest
from django.db import connection

from rencai.ops import checks_scale

GB = 2**30
GOOD = {
    "shared_buffers": (8 * GB, "1048576"),
    "effective_cache_size": (16 * GB, "2097152"),
    "shared_preload_libraries": (None, "pg_stat_statements, pg_prewarm"),
    "pg_prewarm.autoprewarm": (None, "on"),
}


def test_a_deployment_with_room_and_autoprewarm_gets_no_warning():
    assert checks_scale.problems_for(4_000_000, 3 * GB, GOOD) == []


def test_small_buffers_are_named_with_the_value_in_force_and_the_value_wanted():
    found = {**GOOD, "shared_buffers": (128 * 2**20, "16384")}
    (warning,) = checks_scale.problems_for(4_000_000, 3 * GB, found)
    assert warning.id == "ops.W010"
    assert "shared_buffers = 128 MB" in warning.msg and "3,072 MB" in warning.msg
    assert "4,000,000 units" in warning.msg
    assert "shared_buffers = 3,072 MB or more" in warning.hint


def test_without_pg_prewarm_preloaded_a_restart_starts_cold():
    found = {**GOOD, "shared_preload_libraries": (None, "pg_stat_statements")}
    del found["pg_prewarm.autoprewarm"]  # not listed by pg_settings when not loaded
    (warning,) = checks_scale.problems_for(4_000_000, 3 * GB, found)
    assert warning.id == "ops.W012"
    assert "shared_preload_libraries = pg_stat_statements" in warning.msg
    assert (
        "not loaded" in warning.msg and "Add pg_prewarm to shared_preload_libraries" in warning.hint
    )


def test_autoprewarm_switched_off_is_named():
    found = {**GOOD, "pg_prewarm.autoprewarm": (None, "off")}
    assert [w.id for w in checks_scale.problems_for(4_000_000, 3 * GB, found)] == ["ops.W012"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads pg_settings")
def test_the_check_reads_the_server_settings(monkeypatch):
    monkeypatch.setattr(checks_scale, "MIN_UNITS", -1)  # any registry counts as city-scale
    monkeypatch.setattr(checks_scale, "HEADROOM", 10**6)  # more than any server has
    units, wanted, found = checks_scale._facts()
    assert wanted > 0 and found["shared_buffers"][0] > 0
    assert "shared_preload_libraries" in found
    ids = {w.id for w in checks_scale.check_unit_search_memory()}
    assert {"ops.W010", "ops.W011"} <= ids
    preloaded = "pg_prewarm" in found["shared_preload_libraries"][1]
    assert ("ops.W012" in ids) is not preloaded


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no such settings")
def test_sqlite_gets_no_postgresql_warning():
    assert checks_scale.check_unit_search_memory() == []
