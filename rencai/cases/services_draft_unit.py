"""A draft before its employer is registered (issue #11).

The applicant whose employer is not in the units registry submits a 新增单位信息 request
(rencai.changes) and may start the application at once, naming that pending request
instead of a unit (`Case.unit_request`; the constraint case_unit_or_pending_request
allows it on a draft only). They fill in the form and upload the attachments meanwhile;
送审 is refused until the unit exists (guard `unit_registered`). Approving the request
runs the change process's effect `draft_unit_fill` (registered here by the cases app,
named on the approve row in rencai/changes/processes.py): the draft's unit is filled in,
in the approval's own transaction, and the applicant is told by SMS.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.audit.services import audit_record
from rencai.cases.models import Case
from rencai.core.errors import DomainError

#: The picker's value for a pending request ("pending:BG2026-000012"): a unit's value is
#: its id or code, which never starts so.
PENDING_PREFIX = "pending:"
EFFECT = "draft_unit_fill"
SMS_PREFIX = "【广州人才引进】"


def _kind():
    from rencai.changes.models import ChangeRequest

    return ChangeRequest.Kind.UNIT_NEW


def pending_unit_requests(applicant):
    """The person's own 新增单位信息 requests still under review (newest first)."""
    from rencai.changes.models import ChangeRequest
    from rencai.process.models import ReviewStatus

    if applicant is None or not getattr(applicant, "pk", None):
        return ChangeRequest.objects.none()
    return (
        ChangeRequest.objects.filter(requester=applicant, kind=_kind(), status=ReviewStatus.PENDING)
        .select_related("office", "district")
        .order_by("-submitted_at", "-id")
    )


def pending_unit_request_for(applicant, number: str, *, lock: bool = False):
    """The applicant's pending request `number`, or a DomainError naming the field."""
    qs = pending_unit_requests(applicant).filter(number=number)
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.first()
    if found is None:
        raise DomainError(
            _(
                "引进单位：所选的新增单位申请不存在、不是您本人提交的或已审核完毕，请重新搜索选择单位。"
            ),
            field="unit",
            code="unit_request_gone",
        )
    return found


def draft_unit_refusal(case: Case) -> str:
    """Why a draft without a registered unit cannot be submitted yet ("" if it has one)."""
    if case.unit_id is not None:
        return ""
    change = case.unit_request
    if change is None:  # the constraint forbids it; say something useful all the same
        return _("引进单位：请通过搜索选择已登记的单位后再送审。")
    if change.status == change.Status.REJECTED:
        return format_lazy(
            _(
                "您的新增单位信息申请{number}（{name}）未通过审核（{reason}），暂不能送审："
                "请在“引进单位”中重新搜索选择已登记的单位，或修改后重新提交新增单位申请。"
            ),
            number=change.number,
            name=change.name,
            reason=change.reason[:80],
        )
    return format_lazy(
        _(
            "引进单位“{name}”尚未登记：您的新增单位信息申请{number}正在由{office}审核，"
            "审核通过后系统自动填入该单位并短信通知您，之后才能送审。现在可以先填写资料、上传材料。"
        ),
        name=change.name,
        number=change.number,
        office=change.office.name,
    )


def case_drafts_of_request(change, user) -> list[Case]:
    """The open applications of `user` waiting for, or filled from, the request `change`
    (for the link back from the request page)."""
    if user is None or change.requester_id != getattr(user, "pk", None):
        return []
    match = Q(unit_request=change)
    if change.unit_id:
        match |= Q(unit_id=change.unit_id)
    return list(
        Case.objects.filter(match, applicant=user, status__in=Case.OPEN_STATUSES).order_by("id")
    )


# --- the change process's effect ---------------------------------------------------------


def draft_unit_fill(ctx) -> None:
    """After `change_apply` created the unit: every draft waiting for this request gets it
    (row-locked, in the approval's transaction), with an audit entry and an SMS."""
    from rencai.notify.services import sms_enqueue

    change = ctx.obj
    if change.kind != _kind() or change.unit_id is None:
        return
    drafts = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("applicant")
        .filter(unit_request=change)
        .order_by("id")
    )
    for case in drafts:
        if case.status != Case.Status.DRAFT:  # the constraint keeps this from happening
            continue
        case.unit, case.unit_request = change.unit, None
        case.save(update_fields=["unit", "unit_request", "updated_at"])
        audit_record(
            event="case.unit_filled", actor=ctx.actor, obj=case, request=ctx.request,
            detail=f"{case.number} {change.number} unit={change.unit.code}",
        )  # fmt: skip
        if case.applicant.mobile:
            sms_enqueue(
                mobile=case.applicant.mobile,
                body=(
                    f"{SMS_PREFIX}您的新增单位信息申请{change.number}已审核通过，"
                    f"入户申请{case.number}的引进单位已自动填为“{change.unit.name}”。"
                    "资料和材料齐全后即可登录系统送审。"
                ),
                key=f"case:{case.number}:unit-filled:{change.number}",
            )


def register_effect() -> None:
    """Called from CasesConfig.ready(): the change process runs `draft_unit_fill` on
    approval (the approve row names it; the engine looks effects up by name)."""
    from rencai.changes.processes import CHANGE as process

    process.effects[EFFECT] = draft_unit_fill
    process.descriptions[EFFECT] = "新增单位：等待该申请的入户申请草稿自动填入引进单位并短信通知"
