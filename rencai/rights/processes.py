"""The rights request as data for rencai.process (a reviewed request, rencai.process.reviewed:
pending → approved | rejected, one overdue reminder 催办). Number QX…; the unit's
approving department decides within 3 working days; approving grants the rights."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import RoleGrant
from rencai.audit.services import audit_record
from rencai.process.declare import NEW, Transition
from rencai.process.reviewed import (
    ACTIONS,
    DESCRIPTIONS,
    OFFICE,
    REQUESTER,
    ROLES,
    S,
    deadline,
    decided_rows,
    reviewed,
)
from rencai.process.reviewed_notices import decided_sms, overdue_reminder
from rencai.rights.models import UnitAdminRequest

NUMBER_PREFIX = "QX"
WORKDAYS = 3


def grant(ctx) -> None:
    """Approved: the applicant becomes a unit admin of the unit (an active grant is kept)."""
    obj, official = ctx.obj, ctx.actor
    existing = RoleGrant.objects.filter(
        user=obj.applicant, unit=obj.unit, role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
    ).first()
    if existing is None:
        existing = RoleGrant(
            user=obj.applicant, role=RoleGrant.Role.UNIT_ADMIN, unit=obj.unit,
            granted_by=official, granted_at=ctx.now,
        )  # fmt: skip
        existing.full_clean()
        existing.save()
        audit_record(
            event="role.grant", actor=official, request=ctx.request, obj=existing,
            detail=f"unit_admin unit={obj.unit.code} user={obj.applicant_id} {obj.number}",
        )  # fmt: skip
    obj.grant = existing


decided_message = decided_sms(
    person="applicant", key="unit-admin",
    approved=lambda ctx: f"您申请的“{ctx.obj.unit.name}”单位系统管理员权限（{ctx.obj.number}）"
    "已开通，登录后在“切换身份”中切换为该单位即可办理。",
    rejected=lambda ctx: f"您申请的“{ctx.obj.unit.name}”单位系统管理员权限（{ctx.obj.number}）"
    f"未获批准，原因：{ctx.reason[:80]}。",
)  # fmt: skip
#: The approving department's mailbox.
remind = overdue_reminder(
    person="applicant", key="unit-admin", unsent="no_email",
    what=lambda obj: "单位系统管理员权限申请", about=lambda obj: f"单位：{obj.unit.name}",
    where="审批",
)  # fmt: skip

# fmt: off
UNIT_ADMIN = reviewed(
    key="unit_admin", label=_("单位系统管理员权限申请"), model=UnitAdminRequest,
    requester="applicant", detail_url="rights:detail",
    effects={"grant": grant, "remind": remind},
    roles={**ROLES, OFFICE: _("审批部门工作人员")},
    actions={**ACTIONS, "request": _("提交申请"), "approve": _("批准")},
    number_prefix=NUMBER_PREFIX,
    reason_message=_("审批意见：不通过时必须填写原因，申请人会看到。"),
    transitions=(
        Transition(NEW, "request", REQUESTER, S.PENDING, deadline=deadline(WORKDAYS)),
        *decided_rows(("grant",)),
    ),
    notifications={"decided": decided_message},
    descriptions={**DESCRIPTIONS, "grant": "开通单位系统管理员权限"},
    fields=("grant",),
    title=lambda obj: _("%(kind)s：%(unit)s")
    % {"kind": UnitAdminRequest._meta.verbose_name, "unit": obj.unit.name},
    doc="市属单位由市直主管部门审批，区属单位由所在区人社局审批（常见问题 二.1、二.2）。",
)
# fmt: on
