from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rencai.core.demo import demo_load


class Command(BaseCommand):
    help = "Create demo accounts for every role (development only). Idempotent."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is refused in production (RENCAI_ENV=production).")
        self.stdout.write(demo_load())
