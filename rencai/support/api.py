"""Support tickets (咨询/反馈) and service ratings (好差评) API.

Mount with `api.add_router("/support", "rencai.support.api.router")`. Same services and
visibility as the pages: a ticket, case or step that is not yours is a 404; an ID number
in a text is refused as on the form; every write that moves a ticket carries
`expected_version` or an `Idempotency-Key` (a retry with the key returns the first answer).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Router

from rencai.accounts.roles import acting_as_for
from rencai.cases.api_once import once, version_or_key
from rencai.cases.selectors import case_get_for_page
from rencai.core.errors import DomainError, NotFound
from rencai.process import engine
from rencai.process.selectors import history
from rencai.support import selectors, services
from rencai.support.api_schemas import (
    OfficeTicketListOut,
    OfficeTicketOut,
    RatingIn,
    RatingOut,
    StepOut,
    TicketIn,
    TicketOut,
    TicketReplyIn,
    TicketSummaryOut,
    TicketVersionIn,
)
from rencai.support.processes import TICKET

router = Router(tags=["support 咨询/反馈与好差评"])

VERSION_REQUIRED = gettext_lazy(
    "expected_version：请提供咨询/反馈的当前版本号（查看咨询/反馈所得的 version），"
    "或在请求头中提供 Idempotency-Key，以免重复的请求办理两次"
)
FIXES = ("fix_reroute", "fix_return")


# --- output builders --------------------------------------------------------------------


def _summary(ticket) -> dict:
    return {
        "number": ticket.number,
        "topic": ticket.topic,
        "topic_label": str(ticket.get_topic_display()),
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "office": ticket.office.name,
        "created_at": ticket.created_at,
        "due_date": ticket.due_date if ticket.status == ticket.Status.OPEN else None,
        "answered_at": ticket.answered_at,
    }


def _reply(event) -> dict:
    if event.actor_id is None:
        who = str(gettext_lazy("系统"))
    elif event.role == "office":
        who = event.acting_as  # the office, never an official's own name
    else:
        who = str(gettext_lazy("提问人"))
    return {
        "at": event.at,
        "who": who,
        "role": event.role,
        "action": event.action,
        "action_label": TICKET.action_label(event.action),
        "status_text": event.status_text,
        "reason": event.reason,
    }


def _actions(request, ticket, acting_as) -> list[dict]:
    return [
        {"action": t.action, "label": TICKET.action_label(t), "reason_required": t.reason_required}
        for t in engine.actions_for(
            process=TICKET, obj=ticket, actor=request.user, acting_as=acting_as
        )
        if t.action not in FIXES or ticket.case_id
    ]


def _ticket(request, ticket, acting_as, *, office: bool = False) -> dict:
    context = None
    if ticket.context_number:
        context = {
            "kind": ticket.context_kind,
            "number": ticket.context_number,
            "status_text": ticket.context_status,
            "holder": ticket.context_holder,
        }
    out = {
        **_summary(ticket),
        "body": ticket.body,
        "version": ticket.version,
        "context": context,
        "fix_action": ticket.fix_action,
        "replies": [_reply(e) for e in history(process=TICKET, obj=ticket)],
        "actions": _actions(request, ticket, acting_as),
    }
    if office:
        out["requester"] = ticket.requester.real_name
        out["case_version"] = ticket.case.version if ticket.case_id else None
    return out


def _step(step) -> dict:
    rating = step.rating
    return {
        "key": step.key,
        "label": step.label,
        "number": step.number,
        "office": step.office.name,
        "at": step.at,
        "rated": rating is not None,
        "score": rating.score if rating else None,
    }


def _rating(rating, key: str) -> dict:
    order = getattr(rating, "work_order", None) if rating.poor else None
    return {
        "key": key,
        "step": rating.step,
        "number": rating.number,
        "office": rating.office.name,
        "score": rating.score,
        "tags": list(rating.tags),
        "comment": rating.comment,
        "created_at": rating.created_at,
        "work_order": order.number if order else None,
    }


def _move(request, response, ticket, *, action: str, payload, acting_as, office: bool, **extra):
    """One press of a ticket button through the engine, at most once."""
    version_or_key(request, payload.expected_version, message=VERSION_REQUIRED)

    def work():
        expected = payload.expected_version
        moved = services.ticket_act(
            ticket=ticket, action=action, user=request.user, acting_as=acting_as,
            reason=getattr(payload, "reason", ""), request=request,
            expected_version=ticket.version if expected is None else expected, **extra,
        )  # fmt: skip
        return 200, _ticket(request, moved, acting_as, office=office)

    return once(request, response, OfficeTicketOut if office else TicketOut, work)


def _context(request, payload: TicketIn):
    if payload.case and payload.request:
        raise DomainError(
            gettext_lazy("case / request：只能关联一件申请或一个事项，请只填写其中一项"),
            field="request",
        )
    if payload.case:
        return selectors.context_for_case(
            number=payload.case, user=request.user, acting_as=acting_as_for(request)
        )
    if payload.request:
        key, _sep, number = payload.request.partition(":")
        return selectors.context_for_request(process_key=key, number=number, user=request.user)
    return None


# --- the person -------------------------------------------------------------------------


@router.get("/tickets", response=list[TicketSummaryOut], summary="我的咨询/反馈 My tickets")
def ticket_list(request):
    """My tickets, newest first (at most 100)."""
    return [_summary(t) for t in selectors.tickets_mine(user=request.user)]


@router.post("/tickets", response={201: TicketOut}, summary="提交咨询/反馈 Open a ticket")
def ticket_create(request, payload: TicketIn, response: HttpResponse):
    """Open a ticket, about one of my cases (`case`: its number), one of my requests
    (`request`: "process:number", e.g. "change:BG2026000001") or nothing (the data service
    centre answers). The context (number, status, holder) is taken from the system; the
    text must not carry an ID number (400, field "body"). Someone else's case or request is
    a 404. With an `Idempotency-Key` a retry returns the first answer."""
    acting_as = acting_as_for(request)

    def work():
        ticket = services.ticket_open(
            user=request.user, acting_as=acting_as, topic=payload.topic, body=payload.body,
            context=_context(request, payload), request=request,
        )  # fmt: skip
        return 201, _ticket(request, ticket, acting_as)

    return once(request, response, TicketOut, work)


@router.get("/tickets/{number}", response=TicketOut, summary="查看咨询/反馈 Show a ticket")
def ticket_detail(request, number: str):
    """A ticket of mine with its replies and what I can do now (404 for anyone else's)."""
    ticket = selectors.ticket_for_requester(number=number, user=request.user)
    return _ticket(request, ticket, acting_as_for(request))


@router.post("/tickets/{number}/replies", response=TicketOut, summary="继续反馈 Reply to an answer")
def ticket_reply(request, number: str, payload: TicketReplyIn, response: HttpResponse):
    """继续反馈: reopen an answered ticket with more detail (409 while it awaits the
    office's answer). Carry `expected_version` or an `Idempotency-Key`."""
    ticket = selectors.ticket_for_requester(number=number, user=request.user)
    return _move(
        request, response, ticket, action="follow_up", payload=payload,
        acting_as=acting_as_for(request), office=False,
    )  # fmt: skip


@router.post("/tickets/{number}/close", response=TicketOut, summary="问题已解决 Close my ticket")
def ticket_close(request, number: str, payload: TicketVersionIn, response: HttpResponse):
    ticket = selectors.ticket_for_requester(number=number, user=request.user)
    return _move(
        request, response, ticket, action="close", payload=payload,
        acting_as=acting_as_for(request), office=False,
    )  # fmt: skip


# --- ratings (好差评) --------------------------------------------------------------------


@router.get(
    "/cases/{number}/steps", response=list[StepOut], summary="可评价的办理环节 Steps to rate"
)
def case_steps(request, number: str):
    """The office steps of my case, newest first, rated or not (404 for anyone else's)."""
    case, _role = case_get_for_page(
        number=number, user=request.user, acting_as=acting_as_for(request)
    )
    if case.applicant_id != request.user.pk:
        raise NotFound(gettext_lazy("申请不存在。"))
    return [_step(s) for s in selectors.steps_for_case(case=case, user=request.user)]


@router.post("/steps/{key}/rating", response={201: RatingOut}, summary="评价办理环节 Rate a step")
def step_rate(request, key: str, payload: RatingIn, response: HttpResponse):
    """Rate a finished step once (1–5, tags, an optional comment); a second rating is 409
    `already_rated`, unless it is a retry with the same `Idempotency-Key`. A score of 2 or
    less opens a work order to the office (`work_order`)."""
    step = selectors.step_get(key=key, user=request.user)

    def work():
        rating = services.rating_submit(
            user=request.user, step=step, score=payload.score, tags=list(payload.tags),
            comment=payload.comment, request=request,
        )  # fmt: skip
        return 201, _rating(rating, step.key)

    return once(request, response, RatingOut, work)


# --- officials (second factor: SecondFactorMiddleware, as for every request) -------------


def _office_acting(request):
    acting_as = acting_as_for(request)
    if getattr(acting_as, "office", None) is None:
        raise DomainError(
            gettext_lazy("请先切换为工作人员身份（办理机构）再查看咨询/反馈"),
            code="forbidden_role",
        )
    return acting_as


@router.get(
    "/office/tickets", response=OfficeTicketListOut, summary="本机构的咨询/反馈 Office tickets"
)
def office_ticket_list(request):
    """The tickets of the office I act for: `open` (oldest deadline first) and `done`."""
    lists = selectors.office_tickets(acting_as=_office_acting(request))
    return {
        "open": [_summary(t) for t in lists["open"]],
        "done": [_summary(t) for t in lists["done"]],
    }


def _office_ticket(request, number: str):
    acting_as = acting_as_for(request)
    ticket = selectors.ticket_for_office(number=number, user=request.user, acting_as=acting_as)
    return ticket, acting_as


@router.get(
    "/office/tickets/{number}", response=OfficeTicketOut, summary="查看咨询/反馈 Office: show"
)
def office_ticket_detail(request, number: str):
    """A ticket of my office, with its context and replies (404 for another office's)."""
    ticket, acting_as = _office_ticket(request, number)
    return _ticket(request, ticket, acting_as, office=True)


@router.post(
    "/office/tickets/{number}/replies", response=OfficeTicketOut, summary="答复 Office: reply"
)
def office_ticket_reply(request, number: str, payload: TicketReplyIn, response: HttpResponse):
    """答复: the answer goes to the person in the app, by SMS and by e-mail. Carry
    `expected_version` or an `Idempotency-Key`; a stale version is 409."""
    ticket, acting_as = _office_ticket(request, number)
    return _move(
        request, response, ticket, action="reply", payload=payload, acting_as=acting_as,
        office=True,
    )  # fmt: skip


@router.post(
    "/office/tickets/{number}/close", response=OfficeTicketOut, summary="办结 Office: close"
)
def office_ticket_close(request, number: str, payload: TicketVersionIn, response: HttpResponse):
    """办结 an answered ticket (409 while it still awaits the answer)."""
    ticket, acting_as = _office_ticket(request, number)
    return _move(
        request, response, ticket, action="close", payload=payload, acting_as=acting_as,
        office=True,
    )  # fmt: skip
