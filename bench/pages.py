"""Benchmark: each page's throughput as a share of a bare Django view, same server, same run.

    nice .venv/bin/python bench/pages.py                      # rencai serve's defaults
    .venv/bin/python bench/pages.py --duration 10 --rounds 3 --server granian
    .venv/bin/python bench/pages.py --worker-class sync --workers 5 --only / /help/

Starts Rencai on the demo data (SQLite under var/bench/pages, or DATABASE_URL) and the bare
Django site of bench/baseline_site.py under the same server settings (gunicorn or granian,
same workers/threads), then loads them with wrk (2 threads, 32 connections), interleaved
baseline / page, `--rounds` times, and prints the median requests per second of each page and
its share of the baseline's median. Logged-in pages use a session of the demo applicant
(status page, draft page, their dashboard) and of the demo district official with the second
factor passed (the acceptance worklist). Targets (issue #15): public pages >= 40 %,
logged-in pages >= 15 %, API reads >= 30 %. A benchmark, not a test: the machine's other
load shows in the numbers; compare figures of one run only.
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

import pyotp
import requests

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench" / "pages"
PY = sys.executable
PASSWORD = "Rencai@2026!"
OFFICIAL = "demo_tianhe"

PUBLIC = ["/", "/help/", "/help/offices/", "/notice/", "/units/?q=%E7%A4%BA%E8%8C%83"]
API = ["/api/units?q=%E7%A4%BA%E8%8C%83"]
TARGETS = {"public": 0.40, "logged-in": 0.15, "api": 0.30}

# Gives the demo official a known TOTP secret and the demo applicant a draft (the bench's own
# database only), and lists the demo cases with their applicants.
SETUP = """
import pyotp
from rencai.accounts.models import User
from rencai.cases.models import Case
from rencai.orgs.models import Unit
u = User.objects.get(login_name=%r)
if not u.totp_secret:
    u.totp_secret = pyotp.random_base32()
    u.save(update_fields=["totp_secret"])
print("secret", u.totp_secret)
applicant = User.objects.get(login_name="demo_applicant")
if not Case.objects.filter(applicant=applicant).exists():
    from rencai.cases.services import application_start
    unit = Unit.objects.order_by("pk").first()
    application_start(applicant=applicant, unit=unit, category=Case.Category.choices[0][0])
for c in Case.objects.select_related("applicant").order_by("pk"):
    print("case", c.number, c.status, c.applicant.login_name)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    env = {**os.environ, "RENCAI_VAR": str(VAR)}
    env.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'db.sqlite3'}")
    return env


def server_argv(app: str, port: int, args) -> list[str]:
    if args.server == "granian":
        return [
            PY, "-m", "granian", "--interface", "wsgi", app, "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(args.workers),
            "--blocking-threads", str(args.threads), "--no-access-log",
        ]  # fmt: skip
    return [
        PY, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--threads", str(args.threads), "--worker-class", args.worker_class,
        "--access-logfile", "/dev/null", "--timeout", "60",
    ]  # fmt: skip


def _start(argv: list[str], port: int, env: dict, cwd: Path):
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise SystemExit(f"{argv[2:4]} did not start")


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url).text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def login(base: str, login: str, totp_secret: str = "") -> requests.Session:
    s = requests.Session()
    url = base + "/accounts/login/"
    data = {"username": login, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(s, url)}
    r = s.post(url, data=data, headers={"Referer": url})
    if not any(k.endswith("rencai_session") for k in s.cookies.get_dict()):
        raise SystemExit(f"login as {login} failed: {r.status_code}")
    if totp_secret:
        url = base + "/office/2fa/"
        code = pyotp.TOTP(totp_secret).now()
        r = s.post(url, data={"code": code, "csrfmiddlewaretoken": _csrf(s, url)},
                   headers={"Referer": url})  # fmt: skip
        if "/2fa/" in r.url:
            raise SystemExit(f"second factor for {login} failed: {r.status_code}")
    return s


def cookie_header(s: requests.Session) -> str:
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


def pages_to_load(site: str, secret: str, cases: list) -> list[tuple[str, str, str]]:
    """(path, cookie, kind) for every page measured; cases: (number, status, login) of the
    demo cases. The status page is a case under review seen by its applicant; the draft page
    and the dashboard are the demo applicant's, whose draft the set-up created."""
    pages = [(p, "", "public") for p in PUBLIC] + [(p, "", "api") for p in API]
    reviewed = [(n, who) for n, status, who in cases if status == "under_review"]
    if reviewed:
        number, who = reviewed[-1]
        cookie = cookie_header(login(site, who))
        pages.append((f"/cases/{number}/", cookie, "logged-in"))
        pages.append((f"/api/cases/{number}", cookie, "api"))
    cookie = cookie_header(login(site, "demo_applicant"))
    drafts = [n for n, status, who in cases if status == "draft" and who == "demo_applicant"]
    if drafts:
        pages.append((f"/cases/{drafts[0]}/edit/", cookie, "logged-in"))
    pages.append(("/accounts/", cookie, "logged-in"))
    official = login(site, OFFICIAL, secret)
    pages.append(("/office/queue/acceptance/", cookie_header(official), "logged-in"))
    return pages


def check_pages(site: str, pages: list[tuple[str, str, str]]) -> None:
    """Every measured URL must answer 200 with its page, not a redirect (to the login, the
    second factor) or an error page: wrk counts a 302 as a success."""
    for path, cookie, _kind in pages:
        r = requests.get(
            site + path, headers={"Cookie": cookie} if cookie else {}, allow_redirects=False
        )
        title = re.search(r"<title>([^<]*)</title>", r.text)
        what = title.group(1).strip() if title else r.headers.get("Content-Type", "")
        print(f"  {r.status_code} {path}: {what[:60]} ({len(r.content):,} bytes)")
        if r.status_code != 200:
            raise SystemExit(f"{path} answered {r.status_code} {r.headers.get('Location', '')}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="0: what rencai serve picks")
    parser.add_argument("--threads", type=int, default=0, help="0: what rencai serve picks")
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn: gthread or sync")
    parser.add_argument("--only", nargs="*", help="measure only these paths (prefix match)")
    parser.add_argument("--port", type=int, default=0, help="Rencai's port; the baseline's is +1")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not (args.workers and args.threads):
        sys.path.insert(0, str(ROOT))
        from rencai.core.serving import default_concurrency

        workers, threads = default_concurrency()
        args.workers, args.threads = args.workers or workers, args.threads or threads
    if args.fresh:
        shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True, exist_ok=True)
    env = _env()
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    subprocess.run([PY, "-m", "rencai.cli", "bootstrap", "--no-banner"], **run)
    lines = subprocess.run(
        [PY, "manage.py", "shell", "-c", SETUP % OFFICIAL], **run
    ).stdout.splitlines()
    secret = next(line.split()[1] for line in lines if line.startswith("secret "))
    cases = [tuple(line.split()[1:4]) for line in lines if line.startswith("case ")]
    port_app, port_base = (args.port, args.port + 1) if args.port else (_free_port(), _free_port())
    app = _start(server_argv("rencai.wsgi:application", port_app, args), port_app, env, ROOT)
    base_env = {**os.environ, "PYTHONPATH": str(ROOT / "bench")}
    base_argv = server_argv("baseline_site:application", port_base, args)
    base = _start(base_argv, port_base, base_env, ROOT / "bench")
    try:
        site = f"http://127.0.0.1:{port_app}"
        pages = pages_to_load(site, secret, cases)
        if args.only:
            pages = [p for p in pages if any(p[0].startswith(o) for o in args.only)]
        check_pages(site, pages)
        baseline, results = [], {p: [] for p, _c, _k in pages}
        for _round in range(args.rounds):
            for path, cookie, _kind in pages:
                baseline.append(_wrk(f"http://127.0.0.1:{port_base}/", args.duration))
                results[path].append(_wrk(site + path, args.duration, cookie))
        bare = statistics.median(baseline)
        print(f"\nbare Django: {bare:,.0f} req/s (median of {len(baseline)})")
        print(f"{'page':<48} {'req/s':>8} {'share':>7}  target")
        for path, _cookie, kind in pages:
            rps = statistics.median(results[path])
            ok = "ok" if rps / bare >= TARGETS[kind] else "BELOW"
            print(f"{path:<48} {rps:>8,.0f} {rps / bare:>7.1%}  {TARGETS[kind]:.0%} {kind} {ok}")
        what = f"{args.server} {args.workers} workers x {args.threads} threads"
        if args.server == "gunicorn":
            what += f" ({args.worker_class})"
        print(f"load average {os.getloadavg()[0]:.1f}; {what}; {env['DATABASE_URL'][:10]}")
    finally:
        for proc in (app, base):
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
