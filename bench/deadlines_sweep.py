"""Benchmark: the deadline sweep (`rencai.cases.services.deadlines_fire`) at scale.

    # SQLite (default file var/bench/sweep.sqlite3)
    .venv/bin/python bench/deadlines_sweep.py --load
    # PostgreSQL (database created if missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencai_bench_sweep \\
        .venv/bin/python bench/deadlines_sweep.py --load

`--load` (re)creates the data: 1,000,000 open cases (`--total`), of which 10,000
(`--due`) are due for automatic acceptance, 300,000 wait with a future deadline and
the rest are under review with none. Rows go in by COPY (PostgreSQL) or executemany
(SQLite), with the minimum of related rows (one folder per case, a few applicants,
one unit). Without `--load` the existing data is reused.

Each round puts the due cases back (awaiting acceptance, due yesterday, history/audit/
outbox rows of earlier rounds deleted) and times one `deadlines_fire(batch=10_000)`:
all due cases fired, each with its history row, audit entry and SMS. Then it times the
idle sweep (nothing due) 200 times. Targets: sweep <= 2 s, idle <= 5 ms (p50).
This is a benchmark, not a test: the machine's other load shows in the wall-clock
numbers, so it also prints the sweep's CPU time (for SQLite that includes the database
engine, which runs in-process) and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "var" / "bench"
BENCH.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH / 'sweep.sqlite3'}")
os.environ.setdefault("RENCAI_VAR", str(BENCH / "var"))
(BENCH / "var").mkdir(exist_ok=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")


def _ensure_pg_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING UTF8')


_ensure_pg_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from rencai.accounts.models import User  # noqa: E402
from rencai.cases.models import Case, CaseEvent, ChainStep  # noqa: E402
from rencai.cases.services import deadlines_fire  # noqa: E402
from rencai.core import clock  # noqa: E402
from rencai.documents.models import Folder  # noqa: E402
from rencai.orgs.models import District, Office, Unit  # noqa: E402
from rencai.orgs.reference import offices_load  # noqa: E402

CHUNK = 50_000


def _insert(model, columns: list[str], rows) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Folder, Case):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )


def load(total: int, due: int, waiting: int) -> None:
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        for model in (CaseEvent, Case, Folder):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    offices_load()
    office = Office.objects.get(code="district-440106")
    if not ChainStep.objects.filter(office=office, purpose="review").exists():
        for order, name in enumerate(["经办", "复核", "审批"], 1):
            ChainStep.objects.create(office=office, purpose="review", order=order, name=name)
    unit, _ = Unit.objects.get_or_create(
        code="91440101MA5BENCH0X",
        defaults=dict(
            name="基准测试有限公司", nature=Unit.Nature.PRIVATE, level=Unit.Level.DISTRICT,
            district=District.objects.get(code="440106"),
        ),
    )  # fmt: skip
    # One applicant per case: a person has at most one open application (issue #9,
    # constraint case_one_open_per_applicant). Unusable passwords: no hashing cost.
    have = set(
        User.objects.filter(login_name__startswith="benchc").values_list("login_name", flat=True)
    )
    User.objects.bulk_create(
        [
            User(login_name=f"benchc{n}", password="!", real_name=f"基准{n}",
                 mobile=f"139{n:08d}")
            for n in range(total) if f"benchc{n}" not in have
        ],
        batch_size=5000,
    )  # fmt: skip
    by_login = dict(
        User.objects.filter(login_name__startswith="benchc").values_list("login_name", "pk")
    )
    applicants = [by_login[f"benchc{n}"] for n in range(total)]
    now = clock.now()
    first = 1
    _insert(
        Folder, ["id", "owner_kind", "created_at"],
        ((first + i, "case", now) for i in range(total)),
    )  # fmt: skip
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = ["id"] + [f.column for f in fields]
    defaults = {}
    for f in fields:
        defaults[f.attname] = None if f.null else (f.get_default() if f.has_default() else "")
    defaults.update(
        category="title", unit_id=unit.pk, route="direct", acceptance_office_id=office.pk,
        holding_office_id=office.pk, created_at=now - timedelta(days=20),
        updated_at=now, submitted_at=now - timedelta(days=10),
    )  # fmt: skip
    yesterday, later = now - timedelta(days=1), now + timedelta(days=3)

    def rows():
        for i in range(total):
            values = dict(defaults)
            applicant = applicants[i % len(applicants)]
            values.update(
                number=f"RB{i:09d}", applicant_id=applicant, created_by_id=applicant,
                folder_id=first + i,
            )  # fmt: skip
            if i < due + waiting:
                values.update(
                    status="awaiting_acceptance", due_action="auto_accept",
                    due_at=yesterday if i < due else later + timedelta(seconds=i),
                    due_date=(yesterday if i < due else later).date(),
                )  # fmt: skip
            else:
                values.update(status="under_review", accepted_at=now - timedelta(days=5))
            yield [first + i] + [values[f.attname] for f in fields]

    with transaction.atomic():
        _insert(Case, columns, rows())
    _reset_sequences()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded {total:,} cases ({due:,} due) in {time.perf_counter() - t0:.1f} s")


def reset_due(due: int) -> None:
    yesterday = clock.now() - timedelta(days=1)
    ids = list(Case.objects.order_by("id").values_list("id", flat=True)[:due])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent")
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("DELETE FROM notify_outboxmessage")
        Case.objects.filter(id__in=ids).update(
            status="awaiting_acceptance", version=1, chain_step=None, accepted_at=None,
            due_at=yesterday, due_date=yesterday.date(), due_action="auto_accept",
        )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--waiting", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.load:
        load(args.total, args.due, args.waiting)
    print(f"cases: {Case.objects.count():,}")
    sweeps, cpu = [], []
    for _ in range(args.rounds):
        reset_due(args.due)
        t0, c0 = time.perf_counter(), time.process_time()
        fired = deadlines_fire(batch=args.due)
        sweeps.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert fired == args.due, fired
        assert CaseEvent.objects.count() == args.due
    idle = []
    for _ in range(200):
        t0 = time.perf_counter()
        assert deadlines_fire(batch=500) == 0
        idle.append(time.perf_counter() - t0)
    idle.sort()
    print(
        f"sweep of {args.due:,} due cases: p50 {statistics.median(sweeps):.3f} s "
        f"(min {min(sweeps):.3f}, max {max(sweeps):.3f}, {args.rounds} rounds; target <= 2 s); "
        f"this process's CPU p50 {statistics.median(cpu):.3f} s"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"idle sweep: p50 {statistics.median(idle) * 1000:.2f} ms, "
        f"p95 {idle[int(len(idle) * 0.95)] * 1000:.2f} ms (target <= 5 ms)"
    )


if __name__ == "__main__":
    main()
