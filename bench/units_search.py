"""Unit search benchmark (not a test). See bench/README.md.

    # 1. data set (once)
    .venv/bin/rencai gen-units 3000000 var/bench/units-3m.csv
    # 2. SQLite
    DATABASE_URL=sqlite:///$PWD/var/bench/units-3m.sqlite3 RENCAI_VAR=$PWD/var/bench/var \\
        nice .venv/bin/python bench/units_search.py --import var/bench/units-3m.csv
    # 3. PostgreSQL
    createdb -h 127.0.0.1 -U postgres -T template0 -l C.UTF-8 -E UTF8 rencai_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencai_bench RENCAI_VAR=$PWD/var/bench/var \\
        nice .venv/bin/python bench/units_search.py --import var/bench/units-3m.csv

    # 4. cold (as root): drop the OS page cache first; for PostgreSQL restart a cluster of
    # its own in between (stop, drop, start; --wait-prewarm waits for autoprewarm)
    DATABASE_URL=... nice .venv/bin/python bench/units_search.py --cold
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/rencai_bench ... \
        nice .venv/bin/python bench/units_search.py --cold --restart 15/bench --wait-prewarm

Without --import the script only runs the queries against what is loaded. The
queries go through the real selector `rencai.orgs.selectors.unit_search` (first page,
with the 20 result rows, districts and former names loaded), 200 per kind by default.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from rencai.orgs.models import Unit  # noqa: E402
from rencai.orgs.names import normalize_name  # noqa: E402
from rencai.orgs.selectors import unit_search  # noqa: E402


def index_sizes() -> dict[str, int]:
    """Bytes per index/search structure of the unit tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            try:
                cursor.execute(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'orgs_unit%' "
                    "OR name LIKE 'sqlite_autoindex_orgs_unit%' GROUP BY name ORDER BY 2 DESC"
                )
                return dict(cursor.fetchall())
            except Exception:  # noqa: BLE001 - dbstat not compiled in
                db = Path(connection.settings_dict["NAME"])
                return {"database file": db.stat().st_size}
        cursor.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname LIKE 'orgs_unit%' "
            "ORDER BY 2 DESC"
        )
        return dict(cursor.fetchall())


def drop_os_cache() -> None:
    """Write dirty pages out and drop the OS page cache of the whole machine (needs root)."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
    except OSError as exc:
        sys.exit(f"--cold: cannot drop the OS page cache ({exc}); run as root")
    print("cold: OS page cache dropped (sync; echo 1 > /proc/sys/vm/drop_caches)")


def restart_cluster(cluster: str) -> None:
    """pg_ctlcluster VERSION NAME stop, drop the OS cache, start (Debian's cluster tools)."""
    version, name = cluster.split("/")
    subprocess.run(["pg_ctlcluster", version, name, "stop"], check=True)
    drop_os_cache()
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)
    print(f"cold: cluster {cluster} restarted")


def wait_for_prewarm(timeout: float = 900.0) -> None:
    """Wait until pg_prewarm's autoprewarm worker has loaded the blocks listed at shutdown."""
    started = time.monotonic()
    seen = False
    while time.monotonic() - started < timeout:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autoprewarm worker'"
            )
            busy = cursor.fetchone()[0]
        if busy:
            seen = True
        elif seen or time.monotonic() - started > 10:
            break
        time.sleep(0.5)
    print(f"cold: autoprewarm done after {time.monotonic() - started:.1f} s (worker seen: {seen})")


def settings_in_force() -> dict[str, str]:
    """The database settings that decide the cold numbers, printed with the results."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            found = {"sqlite_version": cursor.execute("SELECT sqlite_version()").fetchone()[0]}
            for pragma in ("page_size", "cache_size", "mmap_size", "journal_mode"):
                found[pragma] = str(cursor.execute(f"PRAGMA {pragma}").fetchone()[0])
            return found
        cursor.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('server_version', 'shared_buffers', 'effective_cache_size', "
            "'shared_preload_libraries', 'pg_prewarm.autoprewarm') ORDER BY name"
        )
        return dict(cursor.fetchall())


def sample_units(rng: random.Random, n: int) -> list[Unit]:
    hi = Unit.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, hi) for _ in range(n * 2)]
    units = list(Unit.objects.filter(id__in=ids))
    rng.shuffle(units)
    return units[:n]


def substring(rng: random.Random, name: str, k: int) -> str:
    text = normalize_name(name)
    if len(text) < k:
        return text
    start = rng.randrange(len(text) - k + 1)
    return text[start : start + k]


def build_queries(n: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    units = sample_units(rng, n)
    return {
        "name 2 chars": [substring(rng, u.name, 2) for u in units],
        "name 4 chars": [substring(rng, u.name, 4) for u in units],
        "code full": [u.code for u in units],
        "code prefix": [u.code[: rng.choice((6, 8, 10, 12))] for u in units],
        "pinyin initials": [u.name_pinyin_initials[: rng.choice((3, 4, 6))] for u in units],
        "hot 2 chars": [
            rng.choice(["广州", "有限", "公司", "州市", "科技", "天河"]) for _ in units
        ],
    }


def run(queries: dict[str, list[str]]) -> None:
    for q in ["广州", "有限公司", "gzs", "91440106"]:  # warm caches
        unit_search(q=q)
    print(
        f"{'kind':<16} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'avg hits':>9}"
    )
    for kind, items in queries.items():
        times, hits = [], []
        for q in items:
            started = time.perf_counter()
            page = unit_search(q=q)
            times.append((time.perf_counter() - started) * 1000)
            hits.append(page.total)
        times.sort()

        def pct(p: float, times=times) -> float:
            return times[min(len(times) - 1, int(p * len(times)))]

        print(
            f"{kind:<16} {len(items):>4} {statistics.median(times):>8.2f} {pct(0.95):>8.2f} "
            f"{pct(0.99):>8.2f} {times[-1]:>8.2f} {statistics.mean(hits):>9.1f}"
        )


def print_sizes() -> None:
    print(f"units: {Unit.objects.count():,}")
    for name, size in index_sizes().items():
        print(f"  {name:<45} {size / 2**20:>9.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--import", dest="csv", type=Path, help="migrate and import this CSV first")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cold", action="store_true", help="drop the OS page cache before the first query (root)"
    )
    parser.add_argument(
        "--restart",
        metavar="VERSION/NAME",
        help="with --cold: restart this PostgreSQL cluster "
        "(pg_ctlcluster stop, drop the OS cache, start); not a cluster others use",
    )
    parser.add_argument(
        "--wait-prewarm",
        action="store_true",
        help="after --restart: wait for pg_prewarm's autoprewarm worker before measuring",
    )
    args = parser.parse_args()
    if args.cold:  # before the first connection of this (fresh) process
        if args.restart:
            restart_cluster(args.restart)
        else:
            drop_os_cache()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    if args.wait_prewarm and connection.vendor == "postgresql":
        wait_for_prewarm()
    for name, value in settings_in_force().items():
        print(f"  {name} = {value}")
    if args.csv:
        call_command("migrate", verbosity=0)
        call_command("loaddata_reference", verbosity=0)
        started = time.perf_counter()
        call_command("import_units", str(args.csv), "--defer-index", "--batch-size", "10000")
        print(f"import: {time.perf_counter() - started:.1f} s (with --defer-index)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE orgs_unit")
                cursor.execute("VACUUM ANALYZE orgs_unitnamehistory")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    if not args.cold:
        print_sizes()
    started = time.perf_counter()
    queries = build_queries(args.queries, args.seed)
    print(f"sampling {args.queries} units: {time.perf_counter() - started:.1f} s")
    run(queries)
    if args.cold:  # after the queries: COUNT(*) and dbstat read the whole table
        print_sizes()
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
