from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load reference data and (outside production) demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, no_demo=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移 database migrated")
        call_command("loaddata_reference")
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        elif not no_demo:
            call_command("demo")
