"""Mixed load test (locust, headless, bounded): p95 per page and errors, against `rencai
serve` as shipped (workers and threads from the machine's cores). See bench/README.md.

    # demo data on SQLite, small: a quick look
    .venv/bin/python bench/load_mixed.py --cases 2000 --users 60 --duration 60
    # city scale: units imported first (bench/units_search.py --import), then 1M cases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencai_bench RENCAI_VAR=$PWD/var/bench/var \\
      .venv/bin/python bench/load_mixed.py --cases 1000000 --users 200 --duration 300

Target (issue #15): 200 users on 2 cores, every page p95 <= 200 ms, 0 errors. The user mix
is bench/locustfile.py; the accounts bench/load_accounts.py. Steps: load `--cases` cases with
bench/deadlines_sweep.py's loader if the database has fewer (COPY on PostgreSQL; it replaces
the cases, so it runs before the demo data), `rencai bootstrap` (migrations, reference and
demo data), the load accounts, then `rencai serve` (its error log kept in
RENCAI_VAR/load-server.log) and locust under `nice` (`--nice`), with users arriving at
`--spawn-rate` per second so the argon2 logins are spread over the ramp-up as a day's
logins are. Prints the load average before and after, p50/p95/p99 and failures per page,
the failures by message and the server log's errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench" / "load"
PY = sys.executable
TARGET_MS = 200
COUNT_CASES = "from rencai.cases.models import Case; print(Case.objects.count())"
LOAD_CASES = "import deadlines_sweep as d; d.load({n}, min(10_000, {n} // 100), {n} * 3 // 10)"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(args, env: dict) -> Path:
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    migrate = [PY, "manage.py", "migrate", "--verbosity", "0"]
    subprocess.run(migrate, **run)
    count = [PY, "manage.py", "shell", "--no-imports", "-c", COUNT_CASES]
    have = int(subprocess.run(count, **run).stdout.split()[-1])
    if args.cases and have < args.cases:
        print(f"loading {args.cases:,} cases (deadline benchmark's loader) …", flush=True)
        code = LOAD_CASES.format(n=args.cases)
        subprocess.run(["nice", "-n", "10", PY, "-c", code], **{**run, "cwd": ROOT / "bench"})
    subprocess.run([PY, "-m", "rencai.cli", "bootstrap", "--no-banner"], **run)
    seeded = subprocess.run(
        [PY, "bench/load_accounts.py", "--applicants", str(args.applicants),
         "--drafters", str(args.drafters), "--officials", str(args.officials)], **run,
    ).stdout.splitlines()[-1]  # fmt: skip
    path = Path(env["RENCAI_VAR"]) / "load-accounts.json"
    path.write_text(seeded, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=2, help="users arriving per second")
    parser.add_argument(
        "--duration", type=int, default=300, help="seconds of load, ramp-up included"
    )
    parser.add_argument("--cases", type=int, default=0, help="load this many cases if fewer")
    parser.add_argument("--applicants", type=int, default=120)
    parser.add_argument("--drafters", type=int, default=60)
    parser.add_argument("--officials", type=int, default=30)
    parser.add_argument("--nice", type=int, default=5, help="niceness of locust")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="rencai serve --workers")
    parser.add_argument("--threads", type=int, default=0, help="rencai serve --threads")
    args = parser.parse_args()
    env = {**os.environ, "RENCAI_VAR": os.environ.get("RENCAI_VAR", str(VAR))}
    env.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'db.sqlite3'}")
    env["RENCAI_TRUSTED_PROXIES"] = "127.0.0.1"  # locust plays the proxy: X-Forwarded-For
    Path(env["RENCAI_VAR"]).mkdir(parents=True, exist_ok=True)
    accounts = prepare(args, env)
    port = args.port or _port()
    log = Path(env["RENCAI_VAR"]) / "load-server.log"
    serve_argv = [PY, "-m", "rencai.cli", "serve", "--port", str(port),
                  "--access-logfile", "/dev/null", "--error-logfile", str(log)]  # fmt: skip
    for flag, value in (("--workers", args.workers), ("--threads", args.threads)):
        if value:
            serve_argv += [flag, str(value)]
    log.write_text("", encoding="utf-8")
    serve = subprocess.Popen(
        serve_argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    host = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            requests.get(host + "/healthz", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    prefix = Path(env["RENCAI_VAR"]) / "locust"
    before = os.getloadavg()
    try:
        subprocess.run(
            [
                "nice", "-n", str(args.nice), PY, "-m", "locust",
                "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", host,
                "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
                "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
            ],
            cwd=ROOT, env={**env, "RENCAI_LOAD_ACCOUNTS": str(accounts)},
            capture_output=True, text=True, timeout=args.duration + 300,
        )  # fmt: skip
    finally:
        after = os.getloadavg()
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=60)
    report(prefix, args, before, after, log)


def report(prefix: Path, args, before, after, log: Path) -> None:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    print(
        f"\n{args.users} users, {args.duration} s ({args.spawn_rate:g} arriving per second), "
        f"load average {before[0]:.1f} before, {after[0]:.1f} after (1 min), {os.cpu_count()} CPUs"
    )
    print(f"{'page':<46} {'reqs':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}  target")
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
            f"{name[:46]:<46} {row['Request Count']:>6} {fails:>5} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6}  {ok}"
        )
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if total:
        print(f"throughput {float(total['Requests/s']):.1f} req/s")
    with open(f"{prefix}_failures.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            print(f"failure: {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}")
    errors = [
        line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if "[ERROR]" in line or "Traceback" in line or "[CRITICAL]" in line
    ]  # fmt: skip
    print(f"server log ({log}): {len(errors)} error lines")
    for line in errors[:10]:
        print("  " + line[:200])
    verdict = "MET" if worst <= TARGET_MS and failures == 0 else "NOT MET"
    print(f"worst page p95 {worst:.0f} ms, {failures} errors: target {verdict}")
    print(json.dumps({"worst_p95_ms": worst, "errors": failures}))


if __name__ == "__main__":
    main()
