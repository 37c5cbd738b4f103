"""Benchmark: verification requests through the worker sweep against the local gateway.

    .venv/bin/python bench/verification_sweep.py [--cases 2000] [--threads 16]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencai_bench_verify \\
        .venv/bin/python bench/verification_sweep.py

Creates (in a fresh database) N education cases waiting for acceptance whose applicants all have records in a
generated gateway seed, starts the development gateway (`python -m
rencai.verification.gateway`) as a separate process on a free port, queues one
submission request per case and times `verifications_run` until the queue is empty:
each request asks the credit, identity, education and social-insurance sources (4
signed HTTP calls), stores the answers, evaluates the rules and fires 系统秒批 through
`case_transition` (or records manual review for the 5 % sample). Target: >= 1,000
verifications a minute on 2 cores. Not a test: the machine's other load shows.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "var" / "bench"
BENCH.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH / 'verification.sqlite3'}")
os.environ.setdefault("RENCAI_VAR", str(BENCH / "var"))
(BENCH / "var").mkdir(exist_ok=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = _free_port()
os.environ["RENCAI_VERIFICATION_GATEWAY_URL"] = f"http://127.0.0.1:{PORT}"


def _ensure_pg_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)  # a fresh one each run
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:  # a fresh one each run
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING UTF8')


_ensure_pg_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from rencai.accounts.models import User  # noqa: E402
from rencai.cases.models import Case  # noqa: E402
from rencai.core import clock  # noqa: E402
from rencai.verification.models import VerificationRequest  # noqa: E402
from rencai.verification.reference import example_rules_load  # noqa: E402
from rencai.verification.services import verifications_run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=settings.RENCAI_VERIFICATION_THREADS)
    args = parser.parse_args()
    settings.RENCAI_VERIFICATION_THREADS = args.threads
    call_command("migrate", verbosity=0)
    from rencai.orgs.reference import offices_load
    from tests.cases.factories import build_world, place
    from tests.verification.factories import school_and_major

    offices_load()
    example_rules_load()
    from rencai.verification.models import CategoryPolicy

    # a fresh world each run (earlier runs' cases are closed: one open case per person)
    world = build_world()
    school, major = school_and_major()
    stamp = int(time.time()) % 10_000_000
    people, cases = [], []
    print(f"creating {args.cases} cases …", flush=True)  # noqa: T201
    from rencai.cases.services import case_create

    for n in range(args.cases):
        k = (stamp * 7 + n) % 6_720_000  # a valid birth date in every ID number
        body = f"440106{1980 + k % 20}{1 + k // 20 % 12:02d}{1 + k // 240 % 28:02d}{k // 6720:03d}"
        number = body + ric.calc_check_digit(body + "0")
        name = f"压测{n}"
        people.append({"id_body": body, "name": name, "social_insurance": {"*": 12},
                       "education": [{"kind": "diploma", "number": f"B{stamp}-{n}", "level": "bachelor"}]})  # fmt: skip
        user = User.objects.create_user(f"bench{stamp}_{n}", None, real_name=name, id_number=number)
        case = case_create(
            applicant=user, unit=world.private, category="education", education_level="bachelor",
            institution=school, major=major, graduation_date=clock.today(),
            diploma_number=f"B{stamp}-{n}",
        )  # fmt: skip
        cases.append(place(case, "awaiting_acceptance", submitted_at=clock.now()))
    VerificationRequest.objects.filter(case__in=cases).delete()  # the drafts' pre-checks
    now = clock.now()
    VerificationRequest.objects.bulk_create(
        [
            VerificationRequest(
                case=c, purpose="submission", key=f"bench:{c.pk}", run_after=now, created_at=now
            )
            for c in cases
        ]  # fmt: skip
    )
    seed = Path(tempfile.mkstemp(suffix=".json")[1])
    seed.write_text(json.dumps({"people": people}, ensure_ascii=False), encoding="utf-8")
    gateway = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "rencai.verification.gateway",
            "--port",
            str(PORT),
            "--seed",
            str(seed),
        ]
    )
    try:
        import requests

        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        started, cpu = time.perf_counter(), time.process_time()
        done = 0
        while n := verifications_run(batch=500):
            done += n
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        gateway.terminate()
        gateway.wait(10)
        seed.unlink()
    decided = Case.objects.filter(pk__in=[c.pk for c in cases])
    approved = decided.filter(status="in_notice").count()
    print(  # noqa: T201
        f"{connection_vendor()}: {done} verifications in {wall:.1f} s wall ({cpu:.1f} s CPU of "
        f"the worker) = {done / wall * 60:,.0f} a minute; {approved} 系统秒批, "
        f"{done - approved} manual (sample {CategoryPolicy.objects.get(category='education').sample_percent} %); "
        f"threads {args.threads}; load average {os.getloadavg()[0]:.1f}"
    )


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
