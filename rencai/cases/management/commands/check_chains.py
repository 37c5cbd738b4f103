from django.core.management.base import BaseCommand

from rencai.cases.checks import departments_without_chain
from rencai.cases.routing import office_contact


class Command(BaseCommand):
    help = "List supervisory departments without an internal chain (内流程). 检查内流程配置"

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="exit 1 when any is missing")

    def handle(self, *args, fail=False, **options):
        missing = list(departments_without_chain())
        for office in missing:
            self.stdout.write(f"{office.code}\t{office.name}\t{office_contact(office)}")
        if not missing:
            self.stdout.write("所有主管部门均已配置内流程。")
        elif fail:
            raise SystemExit(1)
