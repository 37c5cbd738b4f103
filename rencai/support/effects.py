"""Guards, effects and notifications of the ticket and work-order processes.

The fixes (reroute, return for correction) run the case's own transition inside the
ticket's transaction: if the case refuses (a guard, a stale version), the ticket does not
move either, and the case event made is linked from the ticket."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rencai.core.errors import DomainError
from rencai.notify.services import outbox_enqueue, sms_enqueue

# --- tickets ---------------------------------------------------------------------------


def answered(ctx) -> None:
    ctx.obj.answered_at = ctx.now


def reopened(ctx) -> None:
    ctx.obj.answered_at = None


def remind(ctx) -> None:
    ctx.obj.reminded_at = ctx.now
    office = ctx.obj.office
    if office.email:
        outbox_enqueue(
            channel="email", recipient=office.email, key=f"ticket-remind-{ctx.obj.number}-{ctx.obj.version}",
            subject=_("咨询/反馈逾期催办：%(n)s") % {"n": ctx.obj.number},
            body=_("咨询/反馈%(n)s已超过答复期限，请尽快登录系统答复。") % {"n": ctx.obj.number},
        )  # fmt: skip
    else:
        ctx.outcome = "no_recipient"


def _fix(ctx, action: str, target_office=None) -> None:
    from rencai.cases.services import case_transition

    ticket = ctx.obj
    if ticket.case_id is None:
        raise DomainError(_("处理操作：该咨询没有关联的申请，不能直接改派或退回。"), field="fix")
    case = case_transition(
        case=ticket.case, action=action, actor=ctx.actor, acting_as=ctx.acting_as,
        reason=ctx.reason, expected_version=ctx.extra.get("case_version"),
        target_office=target_office, request=ctx.request,
    )  # fmt: skip
    from rencai.cases.models import CaseEvent

    ticket.fix_action = action
    ticket.fix_event = CaseEvent.objects.filter(case_id=case.pk).order_by("-version").first()
    ticket.answered_at = ctx.now
    ctx.detail = f"{case.number} {action}"


def fix_reroute(ctx) -> None:
    target = ctx.extra.get("target_office")
    if target is None:
        raise DomainError(_("改派受理机构：请选择一个区人社局。"), field="target_office")
    _fix(ctx, "reroute", target_office=target)


def fix_return(ctx) -> None:
    _fix(ctx, "return")


def has_case(ctx) -> str | None:
    return None if ctx.obj.case_id else _("该咨询没有关联的申请。")


def opened(ctx) -> None:
    """Tell the office (e-mail, when it has one) that a ticket is waiting."""
    ticket = ctx.obj
    if ticket.office.email:
        outbox_enqueue(
            channel="email", recipient=ticket.office.email, key=f"ticket-open-{ticket.number}-{ticket.version}",
            subject=_("新的咨询/反馈：%(n)s") % {"n": ticket.number},
            body=_("收到咨询/反馈%(n)s（%(topic)s），请登录系统答复。")
            % {"n": ticket.number, "topic": ticket.get_topic_display()},
        )  # fmt: skip


def replied(ctx) -> None:
    """The answer to the person: in the app (the ticket page), by SMS and by e-mail."""
    ticket, person = ctx.obj, ctx.obj.requester
    text = _("您的咨询/反馈%(n)s已有答复，请登录广州人才家园查看。") % {"n": ticket.number}
    if ticket.due_date:  # processes.CLOSE_DAYS
        text += _("如需继续反馈，请于%(date)s前提出，逾期系统自动办结。") % {
            "date": ticket.due_date.strftime("%Y-%m-%d")
        }
    key = f"ticket-reply-{ticket.number}-{ticket.version}"
    if person.mobile:
        sms_enqueue(mobile=person.mobile, body=text, key=key)
    if person.email:
        outbox_enqueue(
            channel="email", recipient=person.email, key=key + "-mail",
            subject=_("咨询/反馈%(n)s已答复") % {"n": ticket.number},
            body=f"{text}\n\n{ctx.reason}",
        )  # fmt: skip


# --- work orders -----------------------------------------------------------------------


def order_answered(ctx) -> None:
    ctx.obj.answer = ctx.reason
    ctx.obj.answered_at = ctx.now
    ctx.obj.answered_by = ctx.actor


def order_remind(ctx) -> None:
    ctx.obj.reminded_at = ctx.now
    office = ctx.obj.office
    if not office.email:
        ctx.outcome = "no_recipient"
        return
    outbox_enqueue(
        channel="email", recipient=office.email, key=f"wo-remind-{ctx.obj.number}",
        subject=_("差评整改工单逾期：%(n)s") % {"n": ctx.obj.number},
        body=_("差评整改工单%(n)s已超过答复期限，请尽快答复。") % {"n": ctx.obj.number},
    )  # fmt: skip


def order_answered_sms(ctx) -> None:
    rater = ctx.obj.rating.rater
    if rater.mobile:
        sms_enqueue(
            mobile=rater.mobile, key=f"wo-answer-{ctx.obj.number}",
            body=_("您对%(step)s的评价已由%(office)s答复，请登录广州人才家园查看。")
            % {"step": ctx.obj.rating.step, "office": ctx.obj.office.name},
        )  # fmt: skip
