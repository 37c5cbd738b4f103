"""Filing and closing objections to a public notice.

Anyone may object while a case is in its notice (no account needed). Filing records the
objection and, if the notice is still running, moves the case as the *system*
(`objection_open`, actor None): the public is not a party to the case, so the
workflow table has no public role; this service is the only door, and it checks the
notice period under the case's row lock. The office then decides with
`objection_dismiss` (the notice resumes) or `objection_uphold` (back to review); those
rows' effects close each open objection through the engine (rencai.notice.process).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.audit.services import audit_record
from rencai.cases.models import Case
from rencai.cases.services import case_transition
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound, RateLimited
from rencai.core.masking import scrub
from rencai.notice.models import Objection
from rencai.notice.process import FINDING_MAX, OBJECTION
from rencai.process import engine

#: Cases whose notice page takes objections (a paused notice still takes more).
NOTICE_STATES = (Case.Status.IN_NOTICE, Case.Status.OBJECTION)
RATE_PER_HOUR = 5
RATE_PER_DAY = 20
TEXT_MAX = 2000


def _clean_contact(contact_name: str, contact_phone: str, contact_email: str, text: str):
    contact_name, contact_phone = contact_name.strip(), contact_phone.strip()
    contact_email, text = contact_email.strip(), text.strip()
    if not contact_name:
        raise DomainError(_("请填写联系人姓名（必填）"), field="contact_name")
    if len(contact_name) > 40:
        raise DomainError(_("联系人姓名不能超过40个字"), field="contact_name")
    if not contact_phone and not contact_email:
        raise DomainError(
            _("请至少填写一种联系方式：联系电话或电子邮箱（便于核查时联系您）"),
            field="contact_phone",
        )
    if contact_phone and not contact_phone.replace("-", "").isdigit():
        raise DomainError(_("联系电话只能包含数字和“-”，如 13912345678 或 020-12345678"),
                          field="contact_phone")  # fmt: skip
    if contact_phone and not 7 <= len(contact_phone) <= 20:
        raise DomainError(_("联系电话应为7至20位"), field="contact_phone")
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise DomainError(
                _("电子邮箱格式不正确，如 name@example.com"), field="contact_email"
            ) from None
    if not text:
        raise DomainError(_("请填写异议内容（必填）：说明对哪项信息有异议及理由"), field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(format_lazy(_("异议内容不能超过{limit}字"), limit=TEXT_MAX), field="text")
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
        raise NotFound(_("公示中没有该申请编号"))
    running = case.status == Case.Status.IN_NOTICE and case.due_at is not None and now < case.due_at
    if case.status not in NOTICE_STATES or (case.status == Case.Status.IN_NOTICE and not running):
        raise Conflict(
            format_lazy(
                _("申请{number}不在公示期内（公示期已结束或尚未开始），不能提出异议。"),
                number=case.number,
            ),
            code="notice_closed",
        )
    objection = Objection(
        case=case, contact_name=contact_name, contact_phone=contact_phone,
        contact_email=contact_email, text=text, ip=ip, filed_at=now,
    )  # fmt: skip
    engine.start(
        process=OBJECTION, obj=objection, action="objection_filed", actor=None, now=now,
        request=request,
    )  # fmt: skip
    if case.status == Case.Status.IN_NOTICE:
        case_transition(
            case=case, action="objection_open", actor=None, acting_as=None, now=now,
            reason=f"公示期间收到异议（异议编号{objection.pk}），公示暂停，待办理机构核查",
            request=request,
        )  # fmt: skip
    return objection


#: The objector is told only this: the case number, the outcome and the office's finding.
OUTCOME_TEXT = {
    Objection.Status.UPHELD: "异议成立，该申请退回重新审批",
    Objection.Status.DISMISSED: "异议不成立，该申请恢复公示",
}


def _open_objection(objection: Objection) -> Objection:
    locked = Objection.objects.select_for_update().select_related("case").get(pk=objection.pk)
    if locked.status != Objection.Status.OPEN:
        raise Conflict(
            format_lazy(
                _("异议#{pk}已处理（{status}），不能再修改核查意见。"),
                pk=locked.pk,
                status=locked.get_status_display(),
            ),
            code="objection_closed",
        )
    return locked


@transaction.atomic
def objection_finding_record(*, objection: Objection, actor, finding: str, request=None):
    """The holding office writes down what it found for ONE objection (核查意见). It is
    sent to that objector with the outcome when the office dismisses or upholds (the
    workflow actions on the case); an objection without its own finding gets the reason
    given for the decision. The caller checks the office holds the case."""
    finding = (finding or "").strip()
    if not finding:
        raise DomainError(_("核查意见：请填写对该异议的核查意见（必填）"), field="finding")
    if len(finding) > FINDING_MAX:
        raise DomainError(
            format_lazy(_("核查意见：不能超过{limit}字"), limit=FINDING_MAX), field="finding"
        )
    objection = _open_objection(objection)
    objection.resolution = scrub(finding)
    objection.save(update_fields=["resolution"])
    audit_record(
        event="notice.objection_finding", actor=actor, request=request, obj=objection,
        detail=f"{objection.case.number} 异议#{objection.pk}",
    )  # fmt: skip
    return objection


def objection_contact_reveal(*, objection: Objection, actor, request=None) -> Objection:
    """The objector's full contact, for a deliberate click by the holding office (the
    caller checks that): every reveal is audited, the values are not put in the audit."""
    audit_record(
        event="pii.objection_contact", actor=actor, request=request, obj=objection,
        detail=f"{objection.case.number} 异议#{objection.pk}",
    )  # fmt: skip
    return objection


def is_mobile(phone: str) -> bool:
    return len(phone) == 11 and phone.isdigit() and phone.startswith("1")


def tell_objector(objection: Objection, *, office_name: str) -> str:
    """Queue the outcome to the objector: SMS to a mobile, else e-mail; '' if neither."""
    from rencai.notify.services import outbox_enqueue, sms_enqueue

    outcome = OUTCOME_TEXT[objection.status]
    body = (
        f"【广州人才引进】您对公示申请{objection.case.number}提出的异议（异议编号"
        f"{objection.pk}）经{office_name}核查：{outcome}。核查意见：{objection.resolution}"
    )
    key = f"objection-outcome:{objection.pk}"
    if is_mobile(objection.contact_phone):
        sms_enqueue(mobile=objection.contact_phone, body=body, key=key)
        return "sms"
    if objection.contact_email:
        outbox_enqueue(
            channel="email", recipient=objection.contact_email, key=key, body=body,
            subject=f"公示异议核查结果（申请{objection.case.number}）",
        )  # fmt: skip
        return "email"
    return ""


def remind_office(objection: Objection) -> int:
    """The objection's checking time has passed: remind the office holding the case once
    (its reviewers by SMS or e-mail, else its mailbox). Returns how many were told."""
    from rencai.process.reviewed import office_remind

    office = objection.case.holding_office
    if office is None:
        return 0
    number = objection.case.number
    return office_remind(
        office,
        subject=f"公示异议逾期未核查：申请{number}",
        body=(
            f"申请{number}的公示异议（异议编号{objection.pk}）已超过核查期限"
            f"（{objection.due_date}），请尽快登录系统核查并作出决定。"
        ),
        short=f"申请{number}的公示异议#{objection.pk}已超过核查期限，请尽快登录系统核查。",
        key=f"objection-remind:{objection.pk}",
    )
