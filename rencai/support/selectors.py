"""Reads of this app, each taking who is asking (404 for what is not theirs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rencai.core.errors import NotFound
from rencai.orgs.models import Office
from rencai.process import declare
from rencai.process.models import ProcessEvent
from rencai.support.models import Rating, Ticket, WorkOrder

OWN_PROCESSES = frozenset({"ticket", "work_order"})  # not rated themselves


@dataclass(frozen=True)
class TicketContext:
    """What the person was looking at: carried by the ticket, never typed in again."""

    kind: str
    number: str
    status_text: str
    holder: str
    url: str
    case: Any = None
    obj: Any = None  # a request of another process (change request, …)


def process_of(obj):
    try:
        return declare.for_model(type(obj))
    except LookupError:
        return None


def context_for_case(*, number: str, user, acting_as) -> TicketContext:
    from django.urls import reverse

    from rencai.cases.selectors import case_get_for_page, case_status_text
    from rencai.cases.workflow import Role

    case, role = case_get_for_page(number=number, user=user, acting_as=acting_as)
    if role not in (Role.APPLICANT, Role.UNIT_ADMIN):
        raise NotFound(_("申请不存在。"))
    holder = case.holding_office.name if case.holding_office_id else ""
    with translation.override(settings.LANGUAGE_CODE):  # stored on the ticket: a record
        return TicketContext(
            kind=str(_("入户申请")), number=case.number, status_text=str(case_status_text(case)),
            holder=holder, url=reverse("cases:detail", args=[case.number]), case=case,
        )  # fmt: skip


def context_for_request(*, process_key: str, number: str, user) -> TicketContext:
    try:
        p = declare.get(process_key)
    except KeyError as exc:
        raise NotFound(_("事项不存在。")) from exc
    if p.mine is None or p.key in OWN_PROCESSES:
        raise NotFound(_("事项不存在。"))
    obj = p.mine(user).filter(number=number).first()
    if obj is None:
        raise NotFound(_("事项不存在。"))
    with translation.override(settings.LANGUAGE_CODE):  # stored on the ticket: a record
        return TicketContext(
            kind=str(p.label), number=obj.number,
            status_text=str(p.status_text(obj) if p.status_text else p.state_label(obj.status)),
            holder=p.holder(obj) if p.holder and obj.status not in p.terminal else "",
            url=p.url(obj) if p.url else "", obj=obj,
        )  # fmt: skip


def ticket_for_requester(*, number: str, user) -> Ticket:
    ticket = (
        Ticket.objects.filter(number=number, requester_id=user.pk)
        .select_related("office", "case", "fix_event")
        .first()
    )
    if ticket is None:
        raise NotFound(_("咨询/反馈不存在。"))
    return ticket


def _office_of(acting_as) -> Office:
    office = getattr(acting_as, "office", None)
    if office is None:
        raise NotFound(_("咨询/反馈不存在。"))
    return office


def ticket_for_office(*, number: str, user, acting_as) -> Ticket:
    office = _office_of(acting_as)
    ticket = (
        Ticket.objects.filter(number=number, office=office)
        .select_related("office", "requester", "case", "case__holding_office", "fix_event")
        .first()
    )
    if ticket is None:
        raise NotFound(_("咨询/反馈不存在。"))
    return ticket


def tickets_mine(*, user, limit: int = 100) -> list[Ticket]:
    return list(Ticket.objects.filter(requester_id=user.pk).select_related("office")[:limit])


def office_tickets(*, acting_as, limit: int = 100) -> dict[str, list]:
    office = _office_of(acting_as)
    qs = Ticket.objects.filter(office=office).select_related("requester")
    return {
        "open": list(qs.filter(status=Ticket.Status.OPEN).order_by("due_at", "id")[:limit]),
        "done": list(qs.exclude(status=Ticket.Status.OPEN).order_by("-created_at")[:limit]),
        "orders": list(
            WorkOrder.objects.filter(office=office)
            .select_related("rating")
            .order_by("status", "due_at", "-id")[:limit]
        ),
    }


def work_order_for_office(*, number: str, user, acting_as) -> WorkOrder:
    office = _office_of(acting_as)
    order = (
        WorkOrder.objects.filter(number=number, office=office)
        .select_related("rating", "rating__office", "office")
        .first()
    )
    if order is None:
        raise NotFound(_("工单不存在。"))
    return order


# --- ratings --------------------------------------------------------------------------


@dataclass(frozen=True)
class RatableStep:
    key: str  # "c<case event id>" / "p<process event id>": the rating page's URL
    label: str  # the step, e.g. 改派受理机构
    number: str
    office: Office
    at: datetime
    rating: Rating | None
    case_event_id: int | None = None
    process_event_id: int | None = None
    back_url: str = ""


def _case_steps(events, ratings, back_url: str) -> list[RatableStep]:
    from rencai.cases.workflow import ACTION_LABELS

    return [
        RatableStep(
            key=f"c{e.pk}",
            label=str(ACTION_LABELS.get(e.action, e.action)),
            number=e.case.number,
            office=e.office,
            at=e.at,
            rating=ratings.get(e.pk),
            case_event_id=e.pk,
            back_url=back_url,
        )  # fmt: skip
        for e in events
    ]


def steps_for_case(*, case, user, history=None) -> list[RatableStep]:
    """The office steps of the person's own case, newest first (rated or not). `history`:
    the case's events already read by the page (with their offices), not read again."""
    from django.urls import reverse

    from rencai.cases.models import CaseEvent

    if case.applicant_id != user.pk:
        return []
    if history is not None:
        events = [
            e for e in history
            if e.role == "office" and e.actor_id is not None and e.office_id is not None
        ]  # fmt: skip
        events.sort(key=lambda e: e.version, reverse=True)
        for e in events:
            e.case = case
    else:
        events = list(
            CaseEvent.objects.filter(
                case=case, role="office", actor__isnull=False, office__isnull=False
            )
            .select_related("office", "case")
            .order_by("-version")
        )
    ratings = {r.case_event_id: r for r in Rating.objects.filter(case_event__in=events)}
    return _case_steps(events, ratings, reverse("cases:detail", args=[case.number]))


def _request_steps(p, obj, user) -> list[RatableStep]:
    events = list(
        ProcessEvent.objects.filter(
            process=p.key, object_id=obj.pk, to_status__in=list(p.terminal),
            actor__isnull=False, office__isnull=False,
        ).exclude(actor_id=user.pk).select_related("office")
    )  # fmt: skip
    ratings = {r.process_event_id: r for r in Rating.objects.filter(process_event__in=events)}
    return [
        RatableStep(
            key=f"p{e.pk}",
            label=p.action_label(e.action),
            number=e.number,
            office=e.office,
            at=e.at,
            rating=ratings.get(e.pk),
            process_event_id=e.pk,
            back_url=p.url(obj) if p.url else "",
        )  # fmt: skip
        for e in events
    ]


def steps_for_request(*, obj, user) -> list[RatableStep]:
    """A finished request of the person's (change, unit admin rights, …): its decision."""
    p = process_of(obj)
    if p is None or p.mine is None or p.key in OWN_PROCESSES:
        return []
    if not p.mine(user).filter(pk=obj.pk).exists():
        return []
    return _request_steps(p, obj, user)


def step_get(*, key: str, user) -> RatableStep:
    """One step the person may rate (or has rated); NotFound for anyone else's."""
    kind, raw = key[:1], key[1:]
    if not raw.isdigit() or kind not in "cp":
        raise NotFound(_("办理环节不存在。"))
    if kind == "c":
        from rencai.cases.models import CaseEvent

        event = CaseEvent.objects.filter(pk=int(raw)).select_related("case").first()
        if event is None:
            raise NotFound(_("办理环节不存在。"))
        steps = steps_for_case(case=event.case, user=user)
    else:
        event = ProcessEvent.objects.filter(pk=int(raw)).first()
        p = _process_or_none(event.process) if event is not None else None
        if p is None:
            raise NotFound(_("办理环节不存在。"))
        obj = p.model_class().objects.filter(pk=event.object_id).first()
        steps = steps_for_request(obj=obj, user=user) if obj is not None else []
    for step in steps:
        if step.key == key:
            return step
    raise NotFound(_("办理环节不存在。"))


def _process_or_none(key: str):
    try:
        return declare.get(key)
    except KeyError:
        return None


@dataclass(frozen=True)
class RatingRow:
    office: str
    step: str
    count: int
    average: float
    poor: int


def rating_stats(
    *, office_ids: set[int] | None, date_from: date | None = None, date_to: date | None = None
) -> list[RatingRow]:
    """Ratings per office and step (count, average 1–5, poor ≤2) in the period; office_ids
    None: every office (the city bureau)."""
    qs = Rating.objects.all()
    if office_ids is not None:
        qs = qs.filter(office_id__in=office_ids)
    if date_from:
        qs = qs.filter(created_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        qs = qs.filter(created_at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    rows = (
        qs.values("office__name", "office__sort_order", "office__code", "step")
        .annotate(
            n=Count("id"), avg=Avg("score"), poor=Count("id", filter=Q(score__lte=Rating.POOR))
        )
        .order_by("office__sort_order", "office__code", "step")
    )
    return [
        RatingRow(r["office__name"], r["step"], r["n"], round(float(r["avg"]), 2), r["poor"])
        for r in rows
    ]
