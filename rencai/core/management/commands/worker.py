from django.core.management.base import BaseCommand

from rencai.core import worker


class Command(BaseCommand):
    help = "Run the background worker (outbox delivery, deadlines). 后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every sweep once and exit")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, once=False, interval=2.0, batch=500, **options):
        if once:
            for name, count in worker.run_once(batch=batch).items():
                self.stdout.write(f"{name}: {count}")
            return
        worker.run_forever(interval=interval, batch=batch)
