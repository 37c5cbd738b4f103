"""`rencai serve [--with-worker]`: gunicorn, and optionally the background worker beside it.

This process supervises both: a worker that dies is started again (with backoff, so a
worker that cannot start does not spin), gunicorn exiting ends the whole service, and
SIGTERM / SIGINT stop gunicorn (gracefully) and the worker before we exit — no orphans. On
Linux the children also get SIGTERM if this process itself is killed (PR_SET_PDEATHSIG)."""

import os
import shutil
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from rencai.core.demo import demo_accounts_present, demo_banner
from rencai.core.serving import default_concurrency

BACKOFF_FIRST = 1.0  # seconds before the first restart of a dead worker
BACKOFF_MAX = 60.0
STABLE_AFTER = 60.0  # a worker that ran this long starts again without delay
STOP_GRACE = 35.0  # gunicorn drains requests for up to 30 s (graceful_timeout), then SIGKILL
POLL = 0.2


def default_url() -> str:
    """Where `rencai serve` listens by default (HOST and PORT from the environment)."""
    return f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}/"


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies (Linux only)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509


def _stop(*processes: subprocess.Popen | None) -> None:
    alive = [p for p in processes if p is not None and p.poll() is None]
    for process in alive:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for process in alive:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Command(BaseCommand):
    help = "Serve Rencai with gunicorn (several workers and threads), optionally with the worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        workers, threads = default_concurrency()
        parser.add_argument(
            "--workers",
            type=int,
            default=workers,
            help=f"server processes (WEB_CONCURRENCY; default 2 per core + 1: {workers})",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=threads,
            help=f"threads per process (WEB_THREADS; default {threads})",
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run `rencai worker`, restarted if it dies",
        )
        parser.add_argument(
            "--access-logfile", default="-", help="gunicorn access log ('-': stdout)"
        )
        parser.add_argument("--error-logfile", default="-", help="gunicorn error log ('-': stderr)")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()  # a supervisor reading our output sees restarts as they happen

    def handle(self, *args, port, host, workers, threads, with_worker, **options):
        url = f"http://{host}:{port}/"
        self.say(self.style.SUCCESS(f"\nRencai 人才引进入户申办 — {url}\n"))
        if not settings.PRODUCTION and demo_accounts_present():
            self.say(demo_banner())
        # request metrics of the previous run's (dead) gunicorn workers: start counting anew
        metrics_dir = settings.VAR_DIR / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(mode=0o700)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        stopping = False

        def stop(signum, _frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        gunicorn = _start(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "rencai.wsgi:application",
                "--config",
                "python:rencai.gunicorn_conf",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--access-logfile",
                options["access_logfile"],
                "--error-logfile",
                options["error_logfile"],
                "--timeout",
                "60",
            ]  # fmt: skip
        )
        worker_command = [sys.executable, "-m", "rencai.cli", "worker"]
        # Development: the data-sharing gateway the verifiers ask (rencai.verification).
        gateway = None
        local_gateway = f"http://127.0.0.1:{settings.RENCAI_GATEWAY_PORT}"
        if with_worker and settings.RENCAI_VERIFICATION_GATEWAY_URL.rstrip("/") == local_gateway:
            gateway = _start([sys.executable, "-m", "rencai.cli", "gateway"])
            self.say(
                f"数据共享网关（开发）data-sharing gateway: {settings.RENCAI_VERIFICATION_GATEWAY_URL}\n"
            )
        worker = started_at = None
        restart_at = time.monotonic()
        backoff = BACKOFF_FIRST
        try:
            while not stopping and gunicorn.poll() is None:
                if with_worker and worker is not None and worker.poll() is not None:
                    ran = time.monotonic() - started_at
                    backoff = BACKOFF_FIRST if ran >= STABLE_AFTER else backoff
                    self.say(
                        f"后台任务进程已退出 worker exited (pid {worker.pid}, code "
                        f"{worker.returncode}); restarting in {backoff:.0f} s\n"
                    )
                    restart_at = time.monotonic() + backoff
                    backoff = min(backoff * 2, BACKOFF_MAX)
                    worker = None
                if with_worker and worker is None and time.monotonic() >= restart_at:
                    worker = _start(worker_command)
                    started_at = time.monotonic()
                    self.say(f"后台任务进程已启动 worker started (pid {worker.pid})\n")
                time.sleep(POLL)
        finally:
            _stop(gunicorn, worker, gateway)
        if not stopping and gunicorn.returncode:
            sys.exit(gunicorn.returncode)
