"""Filing and closing objections to a public notice.

Anyone may object while a case is in its notice (no account needed). Filing records the
objection and, if the notice is still running, moves the case as the *system*
(`objection_open`, actor None): the public is not a party to the case, so the
workflow table has no public role; this service is the only door, and it checks the
notice period under the case's row lock. The office then decides with
`objection_dismiss` (the notice resumes) or `objection_uphold` (back to review); those
rows' effects close the open objections (`objections_close`).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from rencai.audit.services import audit_record
from rencai.cases.models import Case
from rencai.cases.services import case_transition
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound, RateLimited
from rencai.core.masking import scrub
from rencai.notice.models import Objection

#: Cases whose notice page takes objections (a paused notice still takes more).
NOTICE_STATES = (Case.Status.IN_NOTICE, Case.Status.OBJECTION)
RATE_PER_HOUR = 5
RATE_PER_DAY = 20
TEXT_MAX = 2000


def _clean_contact(contact_name: str, contact_phone: str, contact_email: str, text: str):
    contact_name, contact_phone = contact_name.strip(), contact_phone.strip()
    contact_email, text = contact_email.strip(), text.strip()
    if not contact_name:
        raise DomainError("请填写联系人姓名（必填）", field="contact_name")
    if len(contact_name) > 40:
        raise DomainError("联系人姓名不能超过40个字", field="contact_name")
    if not contact_phone and not contact_email:
        raise DomainError(
            "请至少填写一种联系方式：联系电话或电子邮箱（便于核查时联系您）", field="contact_phone"
        )
    if contact_phone and not contact_phone.replace("-", "").isdigit():
        raise DomainError("联系电话只能包含数字和“-”，如 13912345678 或 020-12345678",
                          field="contact_phone")  # fmt: skip
    if contact_phone and not 7 <= len(contact_phone) <= 20:
        raise DomainError("联系电话应为7至20位", field="contact_phone")
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise DomainError(
                "电子邮箱格式不正确，如 name@example.com", field="contact_email"
            ) from None
    if not text:
        raise DomainError("请填写异议内容（必填）：说明对哪项信息有异议及理由", field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(f"异议内容不能超过{TEXT_MAX}字", field="text")
    return contact_name, contact_phone, contact_email, text


def _rate_limit(ip: str | None, now) -> None:
    if not ip:
        return
    recent = Objection.objects.filter(ip=ip)
    if recent.filter(filed_at__gte=now - timedelta(hours=1)).count() >= RATE_PER_HOUR:
        raise RateLimited(
            f"提交过于频繁：同一网络每小时最多提出{RATE_PER_HOUR}次异议，请稍后再试。"
        )
    if recent.filter(filed_at__gte=now - timedelta(days=1)).count() >= RATE_PER_DAY:
        raise RateLimited(f"提交过于频繁：同一网络每天最多提出{RATE_PER_DAY}次异议。")


@transaction.atomic
def objection_file(
    *,
    number: str,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    text: str,
    ip: str | None = None,
    request=None,
) -> Objection:
    """Record an objection to case `number`; pause its notice if it is running."""
    contact_name, contact_phone, contact_email, text = _clean_contact(
        contact_name, contact_phone, contact_email, text
    )
    now = clock.now()
    _rate_limit(ip, now)
    case = Case.objects.select_for_update().filter(number=number).first()
    if case is None:
        raise NotFound("公示中没有该申请编号")
    running = case.status == Case.Status.IN_NOTICE and case.due_at is not None and now < case.due_at
    if case.status not in NOTICE_STATES or (case.status == Case.Status.IN_NOTICE and not running):
        raise Conflict(
            f"申请{case.number}不在公示期内（公示期已结束或尚未开始），不能提出异议。",
            code="notice_closed",
        )
    objection = Objection(
        case=case, contact_name=contact_name, contact_phone=contact_phone,
        contact_email=contact_email, text=text, ip=ip, filed_at=now,
    )  # fmt: skip
    objection.full_clean()
    objection.save()
    audit_record(
        event="notice.objection_filed", request=request, obj=objection,
        detail=f"{case.number} 异议#{objection.pk}",
    )  # fmt: skip
    if case.status == Case.Status.IN_NOTICE:
        case_transition(
            case=case, action="objection_open", actor=None, acting_as=None, now=now,
            reason=f"公示期间收到异议（异议编号{objection.pk}），公示暂停，待办理机构核查",
            request=request,
        )  # fmt: skip
    return objection


def objections_close(*, case: Case, upheld: bool, actor, reason: str, now) -> int:
    """Close the case's open objections with the office's decision (workflow effect)."""
    status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    return Objection.objects.filter(case=case, status=Objection.Status.OPEN).update(
        status=status, resolved_at=now, resolved_by=actor, resolution=scrub(reason)[:2000]
    )
