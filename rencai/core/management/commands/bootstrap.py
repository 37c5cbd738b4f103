from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from rencai.core.demo import demo_accounts_present, demo_banner
from rencai.core.management.commands.serve import default_url


class Command(BaseCommand):
    help = "Migrate, load reference data and (outside production) demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true")
        parser.add_argument(
            "--no-banner", action="store_true", help="`make run`: `rencai serve` prints it next"
        )

    def handle(self, *args, no_demo=False, no_banner=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # the database cache (no REDIS_URL)
        self.stdout.write("数据库已迁移 database migrated")
        call_command("loaddata_reference")
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        elif not no_demo:
            call_command("demo")
        if not settings.PRODUCTION and not no_banner and demo_accounts_present():
            # The same banner `rencai serve` prints, so the logins are on screen
            # whichever way the site is started.
            self.stdout.write(self.style.SUCCESS(f"\nRencai 人才引进入户申办 — {default_url()}\n"))
            self.stdout.write(demo_banner())
