"""`rencai check --deploy`: what a city-scale PostgreSQL lacks for the unit search to stay
fast when its pages are not in memory (after a restart, or once other tables pushed them
out). The unit registry's table and search indexes should fit in shared_buffers, the planner
should know the OS cache (effective_cache_size), and a restart should not start from empty
buffers (pg_prewarm's autoprewarm reloads the blocks it listed at shutdown). Measured in
bench/README.md ("cold"). Each warning names the setting, the value in force and the value
wanted."""

from __future__ import annotations

from django.core.checks import Warning
from django.db import DatabaseError, connection

MIN_UNITS = 500_000  # below this the registry fits anyway
HEADROOM = 1.25
SETTINGS_SQL = (
    "SELECT name, CASE WHEN unit IS NULL THEN NULL ELSE setting::bigint * pg_size_bytes(unit)"
    " END, setting FROM pg_settings WHERE name IN ('shared_buffers', 'effective_cache_size',"
    " 'shared_preload_libraries', 'pg_prewarm.autoprewarm')"
)


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _facts():
    """(units, bytes wanted, {setting: (bytes or None, text)}) or None (not city-scale)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'orgs_unit'")
        row = cursor.fetchone()
        if row is None or row[0] < MIN_UNITS:
            return None
        cursor.execute("SELECT pg_total_relation_size('orgs_unit')")
        wanted = int(cursor.fetchone()[0] * HEADROOM)
        cursor.execute(SETTINGS_SQL)
        found = {name: (size, text) for name, size, text in cursor.fetchall()}
    return row[0], wanted, found


def check_unit_search_memory(app_configs=None, **kwargs):
    if connection.vendor != "postgresql":
        return []
    try:
        facts = _facts()
    except DatabaseError:
        return []
    return [] if facts is None else problems_for(*facts)


def problems_for(units: int, wanted: int, found: dict) -> list[Warning]:
    """The warnings for a registry of `units` needing `wanted` bytes, given the settings in
    force ({name: (bytes or None, text)}, as pg_settings gives them)."""
    problems = []
    for name in ("shared_buffers", "effective_cache_size"):
        have = found.get(name, (0, ""))[0] or 0
        if have < wanted:
            problems.append(
                Warning(
                    f"单位搜索：PostgreSQL {name} = {_mb(have)}，小于单位库表及索引所需 "
                    f"{_mb(wanted)} (unit table + search indexes, {units:,} units).",
                    hint=f"Set {name} = {_mb(wanted)} or more in postgresql.conf and restart "
                    "PostgreSQL (docs/operations.md, PostgreSQL); cold searches read from disk "
                    "otherwise.",
                    id="ops.W010" if name == "shared_buffers" else "ops.W011",
                )
            )
    libraries = [
        part.strip().strip('"')
        for part in found.get("shared_preload_libraries", (0, ""))[1].split(",")
    ]
    autoprewarm = found.get("pg_prewarm.autoprewarm", (None, "not loaded"))[1]
    if "pg_prewarm" not in libraries or autoprewarm == "off":
        current = found.get("shared_preload_libraries", (0, ""))[1] or "''"
        problems.append(
            Warning(
                f"单位搜索：PostgreSQL 重启后缓存为空：shared_preload_libraries = {current}，"
                f"未启用 pg_prewarm 自动预热 (pg_prewarm.autoprewarm = {autoprewarm}).",
                hint="Add pg_prewarm to shared_preload_libraries (keep pg_prewarm.autoprewarm = on)"
                " in postgresql.conf and restart PostgreSQL: the blocks in shared_buffers are "
                "listed at shutdown and read back at start, so the first searches after a restart"
                " do not each read the registry from disk (bench/README.md, cold run).",
                id="ops.W012",
            )
        )
    return problems
