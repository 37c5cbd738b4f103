"""Worklist paging with many cases in one office (not a test).

    DATABASE_URL=sqlite:///$PWD/var/bench/worklist.sqlite3 RENCAI_VAR=$PWD/var/bench/var \\
      .venv/bin/python bench/worklist_paging.py --cases 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencai_bench_worklist RENCAI_VAR=... \\
      .venv/bin/python bench/worklist_paging.py --cases 1000000

Creates N cases (bulk_create, all held by 天河区人社局: 60 % waiting for acceptance with
deadlines spread over ±30 days, 40 % under review) unless the table already has them,
then times the real selector calls (rencai.backoffice.selectors): first page, a page
in the middle and the last page of the acceptance queue (keyset on (due_at, id)), the
same with a category filter, the review queue, and the capped queue counts.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

BATCH = 10_000


def load(n: int) -> None:
    from rencai.accounts.models import User
    from rencai.cases.models import Case
    from rencai.core import clock
    from rencai.documents.models import Folder
    from rencai.orgs.models import District, Office, Unit
    from rencai.orgs.reference import offices_load

    offices_load()
    have = Case.objects.count()
    if have >= n:
        print(f"{have} cases already loaded")
        return
    office = Office.objects.get(code="district-440106")
    unit, _ = Unit.objects.get_or_create(
        code="91440101MA59BENCH0",
        defaults={"name": "基准测试单位", "nature": "private", "level": "district",
                  "district": District.objects.get(code="440106")},
    )  # fmt: skip
    user = User.objects.filter(login_name="bench").first() or User.objects.create_user(
        "bench", "Bench@2026", real_name="基准"
    )
    rng = random.Random(7)
    now = clock.now()
    started = time.perf_counter()
    for start in range(have, n, BATCH):
        size = min(BATCH, n - start)
        with transaction.atomic():
            folders = Folder.objects.bulk_create([Folder(owner_kind="case") for _ in range(size)])
            # One applicant per case: one open application per person (issue #9).
            applicants = User.objects.bulk_create(
                [User(login_name=f"benchw{i}", password="!", real_name="基准")
                 for i in range(start, start + size)]
            )  # fmt: skip
            cases = []
            for i, folder in enumerate(folders, start):
                waiting = rng.random() < 0.6
                due = now + timedelta(minutes=rng.randint(-30 * 1440, 30 * 1440))
                submitted = now - timedelta(minutes=rng.randint(0, 365 * 1440))
                cases.append(
                    Case(
                        number=f"BX{i:010d}", applicant=applicants[i - start], created_by=user,
                        unit=unit,
                        folder=folder, category=rng.choice(["education", "title", "skill"]),
                        route="direct", acceptance_office=office, holding_office=office,
                        status="awaiting_acceptance" if waiting else "under_review",
                        due_at=due if waiting else None,
                        due_date=due.date() if waiting else None,
                        due_action="auto_accept" if waiting else "",
                        created_at=submitted, submitted_at=submitted,
                    )
                )  # fmt: skip
            Case.objects.bulk_create(cases)
        if (start // BATCH) % 10 == 0:
            print(f"  {start + size} cases, {time.perf_counter() - started:.0f} s", flush=True)
    print(f"loaded {n - have} cases in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load(args.cases)

    from rencai.accounts.models import RoleGrant
    from rencai.accounts.roles import ActingAs
    from rencai.backoffice import selectors
    from rencai.cases.models import Case
    from rencai.orgs.models import Office

    office = Office.objects.get(code="district-440106")
    grant = RoleGrant(role="official", office=office)
    acting = ActingAs(grant)
    acceptance = selectors.QUEUES["acceptance"]
    review = selectors.QUEUES["review"]
    base = Case.objects.filter(holding_office=office, status=acceptance.status)
    total = base.count()

    def cursor_at(queue, offset: int, **filters) -> str:
        qs = Case.objects.filter(holding_office=office, status=queue.status, **filters)
        row = qs.order_by(queue.sort_field, "id").values_list(queue.sort_field, "id")[offset]
        return selectors.Cursor(*row).encode()

    middle = cursor_at(acceptance, total // 2)
    last = cursor_at(acceptance, total - 10)
    title = selectors.Filters(category="title")
    middle_title = cursor_at(acceptance, total // 6, category="title")
    review_middle = cursor_at(review, Case.objects.filter(status=review.status).count() // 2)

    def page(queue, after="", filters=None):
        return lambda: selectors.worklist_page(
            acting_as=acting, queue=queue, filters=filters or selectors.Filters(), after=after
        )

    vendor = connection.vendor
    print(f"\n{vendor}: {Case.objects.count()} cases, {total} waiting for acceptance in one office")
    print(f"{'query':<44} {'median ms':>10} {'p95 ms':>8}")
    for label, fn in [
        ("acceptance: first page (50 rows)", page(acceptance)),
        ("acceptance: middle page (keyset)", page(acceptance, middle)),
        ("acceptance: last page (keyset)", page(acceptance, last)),
        ("acceptance + category: first page", page(acceptance, "", title)),
        ("acceptance + category: deep page", page(acceptance, middle_title, title)),
        ("review (sort submitted_at): middle page", page(review, review_middle)),
        ("queue counts (capped at 999)", lambda: selectors.worklist_counts(acting_as=acting)),
    ]:
        median, p95 = timed(fn, args.runs)
        print(f"{label:<44} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
