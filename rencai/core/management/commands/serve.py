import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from rencai.core.demo import demo_accounts_present, demo_banner


def default_url() -> str:
    """Where `rencai serve` listens by default (HOST and PORT from the environment)."""
    return f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}/"


class Command(BaseCommand):
    help = "Serve Rencai with gunicorn (several workers and threads), optionally with the worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--with-worker", action="store_true", help="also run `rencai worker`")

    def handle(self, *args, port, host, workers, threads, with_worker, **options):
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nRencai 人才引进入户申办 — {url}\n"))
        if not settings.PRODUCTION and demo_accounts_present():
            self.stdout.write(demo_banner())
        background = None
        if with_worker:
            background = subprocess.Popen([sys.executable, "-m", "rencai.cli", "worker"])  # noqa: S603
            self.stdout.write(f"后台任务进程已启动 worker started (pid {background.pid})\n")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "rencai.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--timeout",
            "60",
        ]
        try:
            subprocess.run(command, check=False)  # noqa: S603
        except KeyboardInterrupt:
            pass
        finally:
            if background is not None:
                background.terminate()
                background.wait(timeout=10)
