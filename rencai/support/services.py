"""Writes of this app: open and move tickets, rate a step (a poor rating opens a work
order), answer a work order. Status changes go through rencai.process.engine."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.core.masking import ID_NUMBER_RE
from rencai.orgs.models import Office
from rencai.process import engine
from rencai.support import selectors
from rencai.support.models import Rating, Ticket, WorkOrder
from rencai.support.processes import TICKET, WORK_ORDER

TAGS = {
    "fast": _("办理快捷"),
    "clear": _("答复清楚"),
    "polite": _("态度好"),
    "slow": _("办理慢"),
    "unclear": _("答复不清楚"),
    "runaround": _("多次跑动/重复提交"),
}


def refuse_id_number(text: str, *, field: str, label: str) -> None:
    """Tickets never carry an ID number (FAQ 一.9: people e-mailed them to support)."""
    if ID_NUMBER_RE.search(text or ""):
        raise DomainError(
            _("%(label)s：请不要填写身份证号码，系统已自动带上您的申请信息。请删去号码后再提交。")
            % {"label": label},
            field=field,
        )


def _destination(case=None, context_obj=None) -> Office:
    """The office holding the case or request; else the data service centre."""
    from rencai.orgs.approvers import data_centre

    if case is not None and case.holding_office_id:
        return case.holding_office
    office = getattr(context_obj, "office", None)
    if isinstance(office, Office) and context_obj is not None:
        process = selectors.process_of(context_obj)
        if process is not None and context_obj.status not in process.terminal:
            return office
    return data_centre()


@transaction.atomic
def ticket_open(
    *, user, acting_as=None, topic: str, body: str, context: selectors.TicketContext | None = None,
    client_token: str = "", request=None,
) -> Ticket:  # fmt: skip
    """Open a ticket. A repeat of the same form (same `client_token`) returns the ticket
    the first submit made, so a double click opens one ticket."""
    client_token = (client_token or "")[:40]
    if client_token:
        done = Ticket.objects.filter(requester_id=user.pk, client_token=client_token).first()
        if done is not None:
            return done
    body = (body or "").strip()
    if not body:
        raise DomainError(_("问题描述：请简要说明遇到的问题。"), field="body")
    if topic not in Ticket.Topic.values:
        raise DomainError(_("问题类型：请选择问题类型。"), field="topic")
    refuse_id_number(body, field="body", label=_("问题描述"))
    case = context.case if context else None
    ticket = Ticket(
        requester=user, topic=topic, body=body[:2000], created_at=clock.now(),
        office=_destination(case, context.obj if context else None), case=case,
        client_token=client_token,
    )  # fmt: skip
    if context is not None:
        ticket.context_kind = context.kind[:60]
        ticket.context_number = context.number[:20]
        ticket.context_status = context.status_text[:200]
        ticket.context_holder = context.holder[:100]
        ticket.context_url = context.url[:200]
    try:
        return engine.start(
            process=TICKET, obj=ticket, action="open", actor=user, acting_as=acting_as,
            request=request,
        )  # fmt: skip
    except IntegrityError:  # two submits of one form at once: the constraint decides
        done = Ticket.objects.filter(requester_id=user.pk, client_token=client_token).first()
        if not client_token or done is None:
            raise
        return done


def ticket_act(
    *, ticket: Ticket, action: str, user, acting_as, reason: str = "",
    expected_version: int | None = None, target_office_id: int | None = None,
    case_version: int | None = None, request=None,
) -> Ticket:  # fmt: skip
    """A button on a ticket: reply / fix_reroute / fix_return (office), follow_up / close
    (the person). With `expected_version`, a repeat of the same press acts once."""
    refuse_id_number(reason, field="reason", label=_("答复/说明"))
    target = None
    if action == "fix_reroute" and target_office_id:
        target = Office.objects.filter(
            pk=target_office_id, kind=Office.Kind.DISTRICT_WINDOW, is_active=True
        ).first()
        if target is None:
            raise DomainError(_("改派受理机构：请选择一个区人社局。"), field="target_office")
    return engine.transition(
        process=TICKET, obj=ticket, action=action, actor=user, acting_as=acting_as,
        reason=reason, expected_version=expected_version, request=request,
        target_office=target, case_version=case_version,
    )  # fmt: skip


@transaction.atomic
def rating_submit(
    *, user, step: selectors.RatableStep, score: int, tags: list[str], comment: str = "",
    request=None,
) -> Rating:  # fmt: skip
    """One rating per step (constraint); a score of 2 or less opens a work order to the
    office that acted, in the same transaction."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise DomainError(_("评分：请选择1到5分。"), field="score")
    unknown = [t for t in tags if t not in TAGS]
    if unknown:
        raise DomainError(_("评价标签：请从列表中选择。"), field="tags")
    comment = (comment or "").strip()[:500]
    refuse_id_number(comment, field="comment", label=_("评价内容"))
    if step.rating is not None:
        raise Conflict(_("您已评价过该环节，每个环节只能评价一次。"), code="already_rated")
    rating = Rating(
        rater=user, office=step.office, step=step.label[:60], number=step.number[:20],
        score=score, tags=list(dict.fromkeys(tags)), comment=comment, created_at=clock.now(),
        case_event_id=step.case_event_id, process_event_id=step.process_event_id,
    )  # fmt: skip
    try:
        with transaction.atomic():
            rating.save()
            if rating.poor:
                engine.start(
                    process=WORK_ORDER, actor=None, action="open", request=request,
                    obj=WorkOrder(rating=rating, office=step.office, created_at=rating.created_at),
                )  # fmt: skip
    except IntegrityError as exc:  # a concurrent double submit: the constraint decides
        raise Conflict(_("您已评价过该环节，每个环节只能评价一次。"), code="already_rated") from exc
    from rencai.audit.services import audit_record

    audit_record(
        event="rating.submit", actor=user, obj=rating, request=request,
        detail=f"{rating.number} {rating.step} {score}",
    )  # fmt: skip
    return rating


def work_order_answer(
    *, order: WorkOrder, user, acting_as, answer: str, expected_version: int | None = None,
    request=None,
) -> WorkOrder:  # fmt: skip
    if order is None:
        raise NotFound(_("工单不存在。"))
    refuse_id_number(answer, field="reason", label=_("整改答复"))
    return engine.transition(
        process=WORK_ORDER, obj=order, action="answer", actor=user, acting_as=acting_as,
        reason=answer, expected_version=expected_version, request=request,
    )  # fmt: skip
