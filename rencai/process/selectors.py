"""Reads over every process: one history shape, "my requests", the officials' worklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rencai.process import declare
from rencai.process.declare import Process
from rencai.process.models import ProcessEvent


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
