"""The only writer of status for every process: `start` (a NEW row) and `transition`.

Each runs in one transaction: lock the row (or insert it), check the version, pick the
table row whose guards pass, run its effects, set or clear the deadline, bump the
version, write one history row, one audit entry and the row's notifications (outbox).
Anything refused raises (Conflict 409 / DomainError 400) and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from rencai.audit.services import audit_record
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.process import declare
from rencai.process.declare import NEW, SYSTEM, Process, Transition
from rencai.process.models import ProcessEvent
from rencai.process.numbering import number_next

log = logging.getLogger("rencai.process")

STATE_FIELDS = ("status", "version", "due_at", "due_date", "due_provisional", "due_action")


@dataclass
class Context:
    """What guards, effects and notifications see of one attempt."""

    process: Process
    obj: Any  # the locked row (start: the unsaved row, saved before the effects run)
    actor: Any  # a User, or None for the system
    acting_as: Any  # accounts.roles.ActingAs or None
    role: str | None
    now: datetime
    reason: str = ""
    request: Any = None
    extra: dict = field(default_factory=dict)  # caller's keyword arguments (target_office=…)
    source: str = ""
    row: Transition | None = None
    event: ProcessEvent | None = None
    outcome: str = "ok"  # effects may set it (e.g. "no_recipient"): the audit entry's outcome
    detail: str = ""  # effects may add to the audit detail
    _cache: dict = field(default_factory=dict)


def _context(p, obj, actor, acting_as, role, now, reason, request, extra) -> Context:
    fields = dict(
        process=p, obj=obj, actor=actor, acting_as=acting_as, role=role, now=now,
        reason=_clean_reason(reason), request=request, extra=extra,
    )  # fmt: skip
    return p.context(**fields) if p.context else Context(**fields)


def _process(process: Process | str) -> Process:
    return declare.get(process) if isinstance(process, str) else process


def _status_text(ctx: Context) -> str:
    p, obj = ctx.process, ctx.obj
    return p.status_text(obj) if p.status_text else p.state_label(obj.status)


def _interpolate(message, values: dict) -> str:
    return str(message) % {name: str(value) for name, value in values.items()}


#: An error message rendered when shown, in the viewer's language: the engine works under
#: the site language (its records stay Chinese), its refusals must not.
_fmt = lazy(_interpolate, str)


def _shown_status(ctx: Context):
    p, obj = ctx.process, ctx.obj
    return p.status_text(obj) if p.status_text else p.states.get(obj.status, obj.status)


def _shown_action(p: Process, row_or_action) -> Any:
    if isinstance(row_or_action, Transition):
        if row_or_action.label:
            return row_or_action.label
        row_or_action = row_or_action.action
    return p.actions.get(row_or_action, row_or_action)


def choose(ctx: Context, action: str) -> Transition:
    """The table row for `action` from ctx.source whose guards pass (reads only), or raise."""
    p, state = ctx.process, ctx.source
    label = _shown_action(p, action)
    if ctx.role is None and p.stranger is None:  # as if it did not exist
        raise NotFound(_("申请不存在。"))
    if not any(t.action == action for t in p.transitions):
        raise Conflict(
            _fmt(_("未知操作“%(action)s”"), {"action": action}), code="forbidden_transition"
        )
    if p.closed_is_stale and state in p.terminal and not p.rows_from(state):
        raise Conflict(_("该申请已被他人处理，请刷新后查看。"), code="stale")
    if not any(t.action == action for t in p.rows_from(state)):
        raise Conflict(
            _fmt(_("当前状态「%(status)s」下不能执行「%(action)s」"),
                 {"status": _shown_status(ctx), "action": label}),
            code="forbidden_transition",
        )  # fmt: skip
    if ctx.role is None:
        raise p.stranger(ctx, label) if p.stranger else NotFound(_("申请不存在。"))
    rows = p.candidates(state, action, ctx.role)
    if not rows:
        role = p.roles.get(ctx.role, ctx.role)
        raise Conflict(
            _fmt(_("当前状态「%(status)s」下，%(role)s不能执行「%(action)s」"),
                 {"status": _shown_status(ctx), "role": role, "action": label}),
            code="forbidden_role",
        )  # fmt: skip
    if p.before_guards is not None:
        p.before_guards(ctx)
    best: tuple[int, str | DomainError] | None = None
    for row in rows:
        failure: str | DomainError | None = None
        passed = 0
        for name in row.guards:
            try:
                failure = p.guards[name](ctx)
            except DomainError as exc:
                failure = exc
            if failure is not None:
                break
            passed += 1
        if failure is None:
            if row.reason_required and not ctx.reason:
                message = p.reason_message or _("「%(action)s」须填写意见或原因")
                shown = _fmt(message, {"action": _shown_action(p, row)})
                raise DomainError(shown, field="reason")
            return row
        if best is None or passed > best[0]:
            best = (passed, failure)
    failure = best[1]
    if isinstance(failure, DomainError):
        raise failure
    raise Conflict(failure, code="guard_failed")


def set_deadline(obj, row: Transition, now: datetime) -> None:
    """Start, keep or clear the row's working-day clock on obj (not saved)."""
    if row.keep_due:
        obj.due_action = ""
        return
    if row.deadline is None:
        obj.due_at = obj.due_date = None
        obj.due_provisional, obj.due_action = False, ""
        return
    from rencai.workdays.calendar import deadline_for

    deadline = deadline_for(now, row.deadline.workdays)
    if row.deadline.keeps_date and obj.due_date is not None:
        obj.due_at, obj.due_action = deadline.fires_at, row.deadline.action
        return
    obj.due_at, obj.due_date = deadline.fires_at, deadline.due_date
    obj.due_provisional, obj.due_action = deadline.provisional, row.deadline.action


def _acting_label(actor, acting_as) -> str:
    """The acting-as text of a history/audit row: a record, so Chinese in any language."""
    if actor is None:
        return "系统"
    from rencai.accounts.roles import PERSONAL

    return acting_as.record_label if acting_as is not None else PERSONAL


def _record(ctx: Context, action: str) -> None:
    """History row, audit entry, notifications, log line: the same for start and transition."""
    p, obj, row = ctx.process, ctx.obj, ctx.row
    label = _acting_label(ctx.actor, ctx.acting_as)
    ctx.event = p.record(ctx) if p.record else ProcessEvent.objects.create(
        process=p.key, object_id=obj.pk, number=getattr(obj, "number", "") or "", at=ctx.now,
        actor=ctx.actor, acting_as=label[:120], role=ctx.role, action=action,
        from_status=ctx.source, to_status=row.target, status_text=_status_text(ctx)[:200],
        reason=ctx.reason, office=getattr(ctx.acting_as, "office", None) or _office(obj),
        version=obj.version,
    )  # fmt: skip
    number = getattr(obj, "number", "") or obj.pk
    audit_record(
        event=f"{p.key}.{action}", actor=ctx.actor, obj=obj, acting_as=label,
        request=ctx.request, outcome=ctx.outcome,
        detail=f"{number} {ctx.source or '-'}→{row.target} {ctx.reason} {ctx.detail}".strip(),
    )  # fmt: skip
    if p.notify is not None:
        p.notify(ctx)
    else:
        for name in row.notify:
            p.notifications[name](ctx)
    extra = {
        "workflow": p.key, p.key: str(number), "action": action, "from": ctx.source,
        "to": row.target, "actor_id": str(ctx.actor.pk) if ctx.actor is not None else "system",
    }  # fmt: skip
    transaction.on_commit(lambda: log.info("transition", extra=extra))


def _office(obj):
    office = getattr(obj, "office", None)
    return (
        office if getattr(office, "_meta", None) and office._meta.label == "orgs.Office" else None
    )


def _clean_reason(reason: str | None) -> str:
    return (reason or "").strip()[:1000]


def start(
    *,
    process: Process | str,
    obj,
    action: str,
    actor,
    acting_as=None,
    reason: str = "",
    now: datetime | None = None,
    request=None,
    **extra,
):
    """Create a request through a NEW row of the table: guards first, then the row is
    inserted (numbered, status = the row's target, version 1), then the effects run."""
    p = _process(process)
    now = now or clock.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        role = p.relation(obj, actor, acting_as)
        ctx = _context(p, obj, actor, acting_as, role, now, reason, request, extra)
        ctx.source = NEW
        row = ctx.row = choose(ctx, action)
        if p.number_prefix and not getattr(obj, "number", ""):
            obj.number = number_next(prefix=p.number_prefix, now=now)
        obj.status, obj.version = row.target, 1
        set_deadline(obj, row, now)
        obj.full_clean()
        obj._engine_writes = True
        try:
            obj.save()
        finally:
            obj._engine_writes = False
        for name in row.effects:
            p.effects[name](ctx)
        _write(ctx)
        _record(ctx, action)
    return obj


def _write(ctx: Context) -> None:
    obj = ctx.obj
    names = (*STATE_FIELDS, *ctx.process.fields)
    values = {}
    for name in names:
        f = obj._meta.get_field(name)
        values[f.attname] = getattr(obj, f.attname)
    type(obj).objects.filter(pk=obj.pk).update(**values)
    obj._loaded_status = obj.status


def transition(
    *,
    process: Process | str,
    obj,
    action: str,
    actor,
    acting_as=None,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
    request=None,
    **extra,
):
    """Move `obj` along its process table; the only writer of its status. Returns the
    locked, updated row (the caller's `obj` is refreshed too)."""
    p = _process(process)
    now = now or clock.now()
    model = type(obj)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        qs = model.objects.select_related(*p.select_related)
        if connection.features.has_select_for_update_of:
            qs = qs.select_for_update(of=("self",))
        else:
            qs = qs.select_for_update()
        locked = qs.filter(pk=obj.pk).first()
        if locked is None:
            raise NotFound(_("申请不存在。"))
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(p.stale_message or _("该申请已被他人处理，请刷新后查看。"), code="stale")
        role = p.relation(locked, actor, acting_as)
        ctx = _context(p, locked, actor, acting_as, role, now, reason, request, extra)
        ctx.source = locked.status
        row = ctx.row = choose(ctx, action)
        for name in row.effects:
            p.effects[name](ctx)
        set_deadline(locked, row, now)
        locked.status = row.target
        locked.version += 1
        (p.write or _write)(ctx)
        _record(ctx, action)
    if obj is not locked:
        obj.refresh_from_db()
        obj._loaded_status = obj.status
    return locked


def actions_for(*, process: Process | str, obj, actor, acting_as=None) -> list[Transition]:
    """The rows this actor could try now (one per action, guards not run): for buttons."""
    p = _process(process)
    role = p.relation(obj, actor, acting_as)
    seen, rows = set(), []
    for t in p.rows_from(obj.status):
        if t.role == role and t.role != SYSTEM and t.action not in seen:
            seen.add(t.action)
            rows.append(t)
    return rows


# --- one deadline sweep ---------------------------------------------------------------


def _due(model, now: datetime):
    return model.objects.filter(due_at__lte=now).exclude(due_action="").order_by("due_at", "pk")


def _fire(p: Process, pk: int, now: datetime) -> int:
    model = p.model_class()
    with transaction.atomic():
        qs = _due(model, now).filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        else:
            qs = qs.select_for_update()
        obj = qs.first()
        if obj is None:  # another worker fired it, or it moved meanwhile
            return 0
        try:
            with transaction.atomic():
                transition(process=p, obj=obj, action=obj.due_action, actor=None, now=now)
        except DomainError as exc:
            # The row cannot fire (a guard refuses): stop its clock, say why, go on.
            audit_record(
                event=f"{p.key}.deadline_skip", obj=obj, outcome="refused",
                detail=f"{getattr(obj, 'number', obj.pk)} {obj.due_action}: {exc.message}"[:500],
            )  # fmt: skip
            model.objects.filter(pk=pk).update(due_action="")
            return 0
        return 1


def deadlines_sweep(*, batch: int = 100, processes: tuple[str, ...] | None = None) -> int:
    """Worker sweep: fire every due system row of every process with `sweep=True` (or of
    the named `processes`). Each row in its own short transaction, re-checked under its
    lock, so two workers (or a rerun) fire it once."""
    now = clock.now()
    fired = 0
    chosen = [declare.get(k) for k in processes] if processes else declare.processes()
    for p in chosen:
        if processes is None and not p.sweep:
            continue
        for pk in list(_due(p.model_class(), now).values_list("pk", flat=True)[: batch - fired]):
            fired += _fire(p, pk, now)
        if fired >= batch:
            break
    return fired
