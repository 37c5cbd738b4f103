from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load or refresh reference data (offices, catalogues, help articles). Idempotent."

    def handle(self, *args, **options):
        for path in settings.RENCAI_REFERENCE_LOADERS:
            summary = import_string(path)()
            self.stdout.write(f"参考数据 reference: {summary}")
