"""Mixed load test (locust, headless, bounded): p95 per page and errors, against `rencai
serve` as shipped (workers and threads from the machine's cores).

    .venv/bin/python bench/load_mixed.py                          # demo data, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencai_bench RENCAI_VAR=$PWD/var/bench/var \\
      .venv/bin/python bench/load_mixed.py --users 200 --duration 120

Target (issue #15): 200 users on 2 cores, every page p95 <= 200 ms, 0 errors. The user mix
is bench/locustfile.py. The database must hold the demo accounts (`rencai bootstrap`; the
script runs it) — for the city-scale run, load units and cases first (bench/units_search.py
--import, bench/worklist_paging.py --cases N) into the same database.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import TOTP_SETUP, VAR, _free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TARGET_MS = 200
PREPARE = (
    TOTP_SETUP
    + """
from rencai.orgs.models import Office
office = Office.objects.get(code="district-440106")
ids = list(Case.objects.filter(acceptance_office=office).values_list("number", flat=True)[:50])
print("office", json.dumps(ids))
pairs = list(Case.objects.exclude(status="draft").filter(applicant__login_name__startswith="demo_")
             .values_list("applicant__login_name", "number")[:50])
print("applicants", json.dumps(pairs))
"""
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=90, help="seconds of load")
    args = parser.parse_args()
    env = {**os.environ, "RENCAI_VAR": os.environ.get("RENCAI_VAR", str(VAR))}
    env.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'db.sqlite3'}")
    Path(env["RENCAI_VAR"]).mkdir(parents=True, exist_ok=True)
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    subprocess.run([PY, "-m", "rencai.cli", "bootstrap", "--no-banner"], **run)
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", "import json\n" + PREPARE % "demo_tianhe"], **run
    ).stdout.splitlines()
    field = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in out if " " in line}
    port = _free_port()
    serve = subprocess.Popen(
        [PY, "-m", "rencai.cli", "serve", "--port", str(port), "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    host = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(host + "/healthz", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    prefix = Path(env["RENCAI_VAR"]) / "locust"
    load_env = {
        **env,
        "RENCAI_LOAD_TOTP": field["secret"],
        "RENCAI_LOAD_OFFICE_CASES": field["office"],
        "RENCAI_LOAD_APPLICANTS": field["applicants"],
    }
    try:
        subprocess.run(
            [
                PY, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                "--host", host, "-u", str(args.users), "-r", str(args.spawn_rate),
                "-t", f"{args.duration}s", "--csv", str(prefix), "--only-summary",
                "--stop-timeout", "10",
            ],
            cwd=ROOT, env=load_env, capture_output=True, text=True, timeout=args.duration + 300,
        )  # fmt: skip
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    report(prefix, args)


def report(prefix: Path, args) -> None:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    print(f"\n{args.users} users, {args.duration} s, load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<36} {'reqs':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}  target")
    worst = 0.0
    failures = 0
    for row in rows:
        name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "all"
        p95 = float(row["95%"] or 0)
        fails = int(row["Failure Count"])
        if row["Name"] != "Aggregated":
            worst = max(worst, p95)
            failures += fails
        ok = "ok" if p95 <= TARGET_MS and not fails else "MISS"
        print(
            f"{name[:36]:<36} {row['Request Count']:>6} {fails:>5} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6}  {ok}"
        )
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if total:
        print(f"throughput {float(total['Requests/s']):.1f} req/s")
    verdict = "MET" if worst <= TARGET_MS and failures == 0 else "NOT MET"
    print(f"worst page p95 {worst:.0f} ms, {failures} errors: target {verdict}")
    print(json.dumps({"worst_p95_ms": worst, "errors": failures}))


if __name__ == "__main__":
    main()
