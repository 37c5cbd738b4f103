"""`rencai check --deploy`: what a city-scale PostgreSQL lacks for the unit search to stay
fast when its pages are not in memory (after a restart, or once other tables pushed them
out): the unit registry's table and search indexes should fit in shared_buffers, and the
planner should know the OS cache (effective_cache_size). Measured in bench/README.md
("cold"). Names the setting, the value in force and the value wanted."""

from __future__ import annotations

from django.core.checks import Warning
from django.db import DatabaseError, connection

MIN_UNITS = 500_000  # below this the registry fits anyway
HEADROOM = 1.25


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def check_unit_search_memory(app_configs=None, **kwargs):
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'orgs_unit'")
            row = cursor.fetchone()
            if row is None or row[0] < MIN_UNITS:
                return []
            cursor.execute("SELECT pg_total_relation_size('orgs_unit')")
            wanted = int(cursor.fetchone()[0] * HEADROOM)
            cursor.execute(
                "SELECT name, setting::bigint * pg_size_bytes(unit) FROM pg_settings "
                "WHERE name IN ('shared_buffers', 'effective_cache_size') AND unit IS NOT NULL"
            )
            found = dict(cursor.fetchall())
    except DatabaseError:
        return []
    problems = []
    for name in ("shared_buffers", "effective_cache_size"):
        have = found.get(name, 0)
        if have < wanted:
            problems.append(
                Warning(
                    f"单位搜索：PostgreSQL {name} = {_mb(have)}，小于单位库表及索引所需 "
                    f"{_mb(wanted)} (unit table + search indexes, {row[0]:,} units).",
                    hint=f"Set {name} = {_mb(wanted)} or more in postgresql.conf and restart "
                    "PostgreSQL (docs/operations.md, PostgreSQL); cold searches read from disk "
                    "otherwise.",
                    id="ops.W010" if name == "shared_buffers" else "ops.W011",
                )
            )
    return problems
