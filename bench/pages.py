"""Benchmark: each page's throughput as a share of a bare Django view, same server, same run.

    nice .venv/bin/python bench/pages.py            # SQLite demo data under var/bench/pages
    .venv/bin/python bench/pages.py --duration 15 --rounds 3 --workers 3 --threads 4

Starts Rencai (gunicorn, the settings `rencai serve` uses) on the demo data and the bare
Django site of bench/baseline_site.py (same gunicorn settings) side by side, then loads them
with wrk (2 threads, 32 connections), interleaved baseline / page, `--rounds` times, and
prints the median requests per second of each page and its share of the baseline's median.
The logged-in pages use a session of the demo applicant (and of the demo district official,
second factor passed). Targets (issue #15): public pages >= 40 %, logged-in pages >= 15 %,
API reads >= 30 %. A benchmark, not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench" / "pages"
PY = sys.executable

PUBLIC = ["/", "/help/", "/help/offices/", "/notice/", "/units/?q=%E7%A4%BA%E8%8C%83"]
API = ["/api/units?q=%E7%A4%BA%E8%8C%83"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    return {**os.environ, "RENCAI_VAR": str(VAR), "DATABASE_URL": f"sqlite:///{VAR / 'db.sqlite3'}"}


def _gunicorn(app: str, port: int, workers: int, threads: int, env: dict, cwd: Path):
    argv = [
        PY, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--threads", str(threads), "--access-logfile", "/dev/null", "--timeout", "60",
    ]  # fmt: skip
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # noqa: E501
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise SystemExit(f"{app} did not start")


def _login(base: str, login: str, password: str) -> str:
    s = requests.Session()
    page = s.get(base + "/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    r = s.post(
        base + "/accounts/login/",
        data={"username": login, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
    )  # fmt: skip
    if "rencai_session" not in s.cookies:
        raise SystemExit(f"login as {login} failed: {r.status_code}")
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items())


def _wrk(url: str, duration: int, cookie: str = "") -> float:
    argv = ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", url]
    if cookie:
        argv[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"  warning: {non2xx.group(1)} non-2xx answers from {url}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.fresh:
        shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True, exist_ok=True)
    env = _env()
    subprocess.run(
        [PY, "-m", "rencai.cli", "bootstrap", "--no-banner"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )  # noqa: E501
    port_app, port_base = _free_port(), _free_port()
    app = _gunicorn("rencai.wsgi:application", port_app, args.workers, args.threads, env, ROOT)
    base_env = {**os.environ, "PYTHONPATH": str(ROOT / "bench")}
    base = _gunicorn(
        "baseline_site:application", port_base, args.workers, args.threads, base_env, ROOT / "bench"
    )  # noqa: E501
    try:
        site = f"http://127.0.0.1:{port_app}"
        applicant = _login(site, "demo_applicant", "Rencai@2026!")
        pages = [(p, "") for p in PUBLIC + API]
        case = requests.get(site + "/api/cases/", headers={"Cookie": applicant}, timeout=5)
        numbers = [c["number"] for c in case.json()] if case.ok else []
        if numbers:
            pages.append((f"/cases/{numbers[0]}/", applicant))
            pages.append((f"/api/cases/{numbers[0]}/status", applicant))
        pages.append(("/accounts/", applicant))
        baseline, results = [], {p: [] for p, _c in pages}
        for _round in range(args.rounds):
            for path, cookie in pages:
                baseline.append(_wrk(f"http://127.0.0.1:{port_base}/", args.duration))
                results[path].append(_wrk(site + path, args.duration, cookie))
        bare = statistics.median(baseline)
        print(f"\nbare Django: {bare:,.0f} req/s (median of {len(baseline)})")
        print(f"{'page':<48} {'req/s':>8} {'share':>7}")
        for path, runs in results.items():
            rps = statistics.median(runs)
            print(f"{path:<48} {rps:>8,.0f} {rps / bare:>7.1%}")
        print(
            f"load average {os.getloadavg()[0]:.1f}; {args.workers} workers x {args.threads} threads"
        )
    finally:
        for proc in (app, base):
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
