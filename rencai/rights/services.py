"""Writes on unit-admin rights (单位系统管理员权限, FAQ 二.1, 二.2): request, decide, revoke.

Requests run on rencai.process (process `unit_admin`, rencai.rights.processes)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import RoleGrant
from rencai.audit.services import audit_record
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.orgs import approvers as rules
from rencai.orgs.models import Office
from rencai.process import engine
from rencai.process.models import ReviewStatus
from rencai.process.reviewed import decision, sms, sweeper
from rencai.process.selectors import admin_unit_ids, official_office_ids
from rencai.process.submit import REQUIRED, Submission, pending, service
from rencai.rights.models import UnitAdminRequest
from rencai.rights.processes import UNIT_ADMIN

REASON_MAX = 500


def _may_request(v) -> None:
    """Units that need no unit admin are refused (FAQ 二.1); the office must be the one
    that approves the unit's rights (FAQ 二.2)."""
    unit, office = v["unit"], v["office"]
    if refusal := rules.unit_admin_refusal(unit):
        raise DomainError(refusal, field="unit", code="unit_admin_not_needed")
    approvers = rules.unit_admin_approvers(unit)
    if office is None or office.pk not in {o.pk for o in approvers}:
        right = approvers[0]
        city = right.kind == Office.Kind.SUPERVISORY
        why = "市属单位请选择其市直主管部门" if city else "区属单位请选择所属区的人社局"
        message = f"审批部门：{why}，“{unit.name}”的审批部门是{right.name}。"
        raise DomainError(message, field="office", code="wrong_office")
    if unit.pk in admin_unit_ids(user=v["applicant"]):
        raise Conflict(
            f"您已是“{unit.name}”的单位系统管理员，可在“切换身份”中切换为该单位。", field="unit"
        )


def _start(*, kind, required, applicant, request, **values) -> UnitAdminRequest:
    admin_request = UnitAdminRequest(applicant=applicant, submitted_at=clock.now(), **values)
    return engine.start(
        process=UNIT_ADMIN, obj=admin_request, action="request", actor=applicant,
        request=request,
    )  # fmt: skip


#: A personal account applies for unit-admin rights of `unit`, to the department that
#: approves them: `unit_admin_request_create(*, applicant, unit, office, note="", request=None)`.
UNIT_ADMIN_REQUEST = Submission(
    kind="unit_admin",
    fields={"unit": REQUIRED, "office": REQUIRED, "note": ""},
    steps=(
        _may_request,
        pending(lambda: UnitAdminRequest.objects.filter(status=ReviewStatus.PENDING),
                lambda v: f"您对“{v['unit'].name}”的权限申请已在审批中，请联系{v['office'].name}审批。",
                field="unit", where=lambda v: {"applicant": v["applicant"], "unit": v["unit"]}),
    ),
    record=lambda v: {"unit": v["unit"], "office": v["office"], "note": (v["note"] or "").strip()[:1000]},
)  # fmt: skip
unit_admin_request_create = service(
    UNIT_ADMIN_REQUEST, _start, {"applicant": REQUIRED, "request": None}
)


unit_admin_request_approve = decision(UNIT_ADMIN, "approve", obj="admin_request", actor="official")
unit_admin_request_reject = decision(UNIT_ADMIN, "reject", obj="admin_request", actor="official")
#: Remind the approving department once when a rights request passes its deadline.
unit_admin_reminders_sweep = sweeper(UNIT_ADMIN)


def unit_admin_can_revoke(*, user, grant: RoleGrant) -> bool:
    if not user.is_authenticated or grant.role != RoleGrant.Role.UNIT_ADMIN:
        return False
    if user.is_superuser:
        return True
    mine = official_office_ids(user=user)
    offices = {o.pk for o in rules.unit_admin_approvers(grant.unit)}
    offices |= set(UnitAdminRequest.objects.filter(grant=grant).values_list("office_id", flat=True))
    return bool(mine & offices)


@transaction.atomic
def unit_admin_revoke(*, grant: RoleGrant, actor, reason: str, request=None) -> RoleGrant:
    """Revoke unit-admin rights (the approving department or a superuser); audited."""
    reason = (reason or "").strip()[:REASON_MAX]
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("unit", "user")
        .filter(pk=grant.pk)
        .first()
    )
    if grant is None or not unit_admin_can_revoke(user=actor, grant=grant):
        raise NotFound(_("授权不存在。"))
    if grant.revoked_at is not None:
        raise Conflict(_("该权限已撤销。"))
    if not reason:
        raise DomainError(_("撤销原因：请填写，被撤销的管理员会看到。"), field="reason")
    grant.revoked_at = clock.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(
        event="role.revoke",
        actor=actor,
        request=request,
        obj=grant,
        detail=f"unit_admin unit={grant.unit.code} user={grant.user_id} {reason}",
    )
    sms(
        grant.user.mobile,
        f"您的“{grant.unit.name}”单位系统管理员权限已被撤销，原因：{reason[:80]}。",
        key=f"unit-admin:grant{grant.pk}:revoked",
    )
    return grant
