"""`manage.py check --database default` / `rencai check-chains`: departments without a chain."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError

from rencai.cases.models import ChainStep
from rencai.orgs.models import Office


def departments_without_chain():
    configured = ChainStep.objects.filter(
        purpose=ChainStep.Purpose.DEPARTMENT, is_active=True
    ).values("office_id")
    return Office.objects.filter(kind=Office.Kind.SUPERVISORY, is_active=True).exclude(
        pk__in=configured
    )


def offices_with_chain_without_staff():
    """Offices with an active chain but no active official: their cases would wait for
    nobody (rencai.cases.actors)."""
    from rencai.accounts.models import RoleGrant

    staffed = RoleGrant.objects.filter(
        role=RoleGrant.Role.OFFICIAL, revoked_at__isnull=True, user__is_active=True
    ).values("office_id")
    with_chain = ChainStep.objects.filter(is_active=True).values("office_id")
    return Office.objects.filter(is_active=True, pk__in=with_chain).exclude(pk__in=staffed)


def check_department_chains(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    try:
        missing = list(departments_without_chain())
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    return [
        checks.Warning(
            f"主管部门“{office.name}”（{office.code}）未配置内流程：其单位的申请将被拒绝送审。",
            hint=(
                "先在“机构”中登记该部门的咨询电话或电子邮箱，再在“流程步骤”中为其添加"
                "至少一个步骤（用途：主管部门内流程）。"
            ),
            obj=office.code,
            id="cases.W001",
        )
        for office in missing
    ]
