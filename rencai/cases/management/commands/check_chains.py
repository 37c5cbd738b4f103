from django.core.management.base import BaseCommand

from rencai.cases.checks import departments_without_chain, offices_with_chain_without_staff
from rencai.cases.routing import office_contact
from rencai.orgs.contacts import receiving_offices_without_contact


class Command(BaseCommand):
    help = (
        "List supervisory departments without an internal chain (内流程) and offices that "
        "receive applications without a contact or with a chain but no staff. 检查内流程与联系方式"
    )

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="exit 1 when any is missing")

    def handle(self, *args, fail=False, **options):
        missing = list(departments_without_chain())
        for office in missing:
            self.stdout.write(f"{office.code}\t{office.name}\t{office_contact(office)}")
        if not missing:
            self.stdout.write("所有主管部门均已配置内流程。")
        unreachable = receiving_offices_without_contact()
        if unreachable:
            self.stdout.write(f"未登记联系方式的机构（{len(unreachable)}）：")
            for office in unreachable:
                self.stdout.write(f"{office.code}\t{office.name}\t无咨询电话、无电子邮箱")
        else:
            self.stdout.write("所有接收申请的机构均已登记联系方式。")
        unstaffed = list(offices_with_chain_without_staff())
        for office in unstaffed:
            self.stdout.write(f"{office.code}\t{office.name}\t已配置流程步骤，但没有在岗工作人员")
        if fail and (missing or unreachable or unstaffed):
            raise SystemExit(1)
