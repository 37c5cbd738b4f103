"""Reads over every process: one history shape, "my requests", the officials' worklist."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import RoleGrant, User
from rencai.core import clock
from rencai.core.errors import NotFound
from rencai.process import declare
from rencai.process.declare import Process
from rencai.process.models import ProcessEvent, ReviewStatus


def history(*, process: Process | str, obj) -> list[ProcessEvent]:
    """The object's transitions, oldest first (the caller has checked it may see obj)."""
    key = process if isinstance(process, str) else process.key
    return list(
        ProcessEvent.objects.filter(process=key, object_id=obj.pk)
        .select_related("actor", "office")
        .order_by("version")
    )


@dataclass(frozen=True)
class RequestRow:
    """One line of "my requests" or of a worklist, whatever the process."""

    process: str  # process key
    kind: str  # the process's label, or its title for the row
    number: str
    status: str  # state value
    status_text: str
    holder: str  # who must act now; "" when finished
    due_date: date | None
    reason: str  # the latest reason given (a return, a rejection), "" if none
    url: str
    at: datetime | None  # last change
    terminal: bool
    obj: Any

    @property
    def overdue(self) -> bool:
        return not self.terminal and self.due_date is not None and self.due_date < clock.today()

    @property
    def provisional(self) -> bool:
        """The deadline counts days of a year whose holidays are not published yet."""
        return not self.terminal and bool(getattr(self.obj, "due_provisional", False))


def _last_events(key: str, pks: list[int]) -> dict[int, ProcessEvent]:
    last: dict[int, ProcessEvent] = {}
    for event in ProcessEvent.objects.filter(process=key, object_id__in=pks).order_by("version"):
        last[event.object_id] = event
    return last


def rows_for(*, process: Process, objs, office: bool = False) -> list[RequestRow]:
    objs = list(objs)
    pks = [o.pk for o in objs]
    last = process.last_events(pks) if process.last_events else _last_events(process.key, pks)
    url = process.office_url if office else process.url
    rows = []
    for obj in objs:
        event = last.get(obj.pk)
        terminal = obj.status in process.terminal
        rows.append(
            RequestRow(
                process=process.key,
                kind=process.title(obj) if process.title else str(process.label),
                number=getattr(obj, "number", "") or str(obj.pk),
                status=obj.status,
                status_text=(
                    process.status_text(obj)
                    if process.status_text
                    else process.state_label(obj.status)
                ),
                holder="" if terminal or process.holder is None else process.holder(obj),
                due_date=None if terminal else obj.due_date,
                reason=event.reason if event is not None and event.actor_id else "",
                url=url(obj) if url else "",
                at=event.at if event is not None else None,
                terminal=terminal,
                obj=obj,
            )
        )
    return rows


def _newest_first(rows: list[RequestRow]) -> list[RequestRow]:
    return sorted(rows, key=lambda r: (r.terminal, -(r.at.timestamp() if r.at else 0)))


def my_requests(*, user, limit: int = 200) -> list[RequestRow]:
    """Every request this person made, of every process that declares `mine`: open ones
    first, newest first (FAQ 一.4 「查询信息注册情况及进度」)."""
    if not user.is_authenticated:
        return []
    rows: list[RequestRow] = []
    for p in declare.processes():
        if p.mine is not None:
            rows += rows_for(process=p, objs=p.mine(user)[:limit])
    return _newest_first(rows)[:limit]


def worklist(*, user, process: Process | str | None = None, limit: int = 200) -> list[RequestRow]:
    """What this official's offices must act on, soonest deadline first."""
    if not user.is_authenticated:
        return []
    wanted = [declare.get(process) if isinstance(process, str) else process] if process else None
    rows: list[RequestRow] = []
    for p in wanted or declare.processes():
        if p.queue is not None:
            rows += rows_for(process=p, objs=p.queue(user)[:limit], office=True)
    rows.sort(key=lambda r: (r.due_date or date.max, r.number))
    return rows[:limit]


# --- who acts for an office; numbers and deadlines as shown ------------------------------

_NUMBER = re.compile(r"[A-Z]{2}\d{4}-\d{6}")


def official_office_ids(*, user) -> set[int]:
    """The active offices this user works for (an active official grant)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        RoleGrant.objects.filter(
            user=user, role=RoleGrant.Role.OFFICIAL, revoked_at__isnull=True, office__is_active=True
        ).values_list("office_id", flat=True)
    )


def office_reviewers(*, office) -> QuerySet:
    """The people who see `office`'s worklists: active users with an active official grant
    on it (the mirror image of `official_office_ids`)."""
    if not office.is_active:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        role_grants__role=RoleGrant.Role.OFFICIAL,
        role_grants__office=office,
        role_grants__revoked_at__isnull=True,
    ).order_by("pk")


def admin_unit_ids(*, user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        RoleGrant.objects.filter(
            user=user, role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
        ).values_list("unit_id", flat=True)
    )


def normalize_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def request_get(*, queryset, user, number: str, visible) -> Any:
    """The request numbered `number` that `visible(user, obj)` lets the user see, or
    NotFound (the same for one that exists but is not theirs)."""
    number = normalize_number(number)
    obj = queryset.filter(number=number).first() if _NUMBER.fullmatch(number) else None
    if obj is None or not visible(user, obj):
        raise NotFound(
            format_lazy(_("申请编号：未找到您的申请“{number}”，请核对编号。"), number=number[:20]),
            field="number",
        )
    return obj


def visible_to(person: str, *, unit: str = "") -> Callable[[Any, Any], bool]:
    """Who sees a reviewed request `(user, obj)`: its `person`, an active unit admin of the
    `unit` it was made for (when the kind has one), an official of its holding office."""

    def visible(user, obj) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        unit_id = getattr(obj, f"{unit}_id") if unit else None
        return (
            getattr(obj, f"{person}_id") == user.pk
            or (unit_id is not None and unit_id in admin_unit_ids(user=user))
            or obj.office_id in official_office_ids(user=user)
        )

    return visible


def is_office(user, obj) -> bool:
    """The user acts for the office holding `obj` (decides it)."""
    return obj.office_id in official_office_ids(user=user)


def office_queue(model, user, *, include_decided: bool = False, related=("office",)) -> QuerySet:
    """Requests held by the user's offices (pending ones unless `include_decided`),
    earliest deadline first."""
    qs = model.objects.filter(office_id__in=official_office_ids(user=user))
    if not include_decided:
        qs = qs.filter(status=ReviewStatus.PENDING)
    return qs.select_related(*related).order_by("due_at", "id")


@dataclass(frozen=True)
class DeadlineView:
    due_date: object
    remaining: int  # working days; 0 = due today, negative = overdue
    overdue: bool
    provisional: bool


def deadline_view(obj) -> DeadlineView:
    from rencai.workdays.calendar import remaining_workdays

    overdue = obj.status == ReviewStatus.PENDING and clock.now() >= obj.due_at
    remaining = remaining_workdays(obj.due_date, clock.today())
    return DeadlineView(obj.due_date, remaining, overdue, obj.due_provisional)
