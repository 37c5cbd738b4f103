"""A request one office decides, as a process builder: pending → approved | rejected, with
one overdue reminder (催办) to the office. Change requests and unit-admin rights requests
(rencai.changes.processes, rencai.rights.processes) are two declarations of it; the model inherits
rencai.process.models.ReviewedFields and has `office` and a requester column."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.core import clock
from rencai.notify.services import outbox_enqueue, sms_enqueue
from rencai.process.declare import SYSTEM, DeadlineRule, Process, Transition, register
from rencai.process.models import ReviewStatus
from rencai.process.selectors import office_queue, office_reviewers, official_office_ids

S = ReviewStatus
T = Transition
STATES = {S.PENDING: S.PENDING.label, S.APPROVED: S.APPROVED.label, S.REJECTED: S.REJECTED.label}
TERMINAL = frozenset({S.APPROVED, S.REJECTED})
REQUESTER, OFFICE = "requester", "office"
ROLES = {REQUESTER: _("申请人"), OFFICE: _("审核机构工作人员"), SYSTEM: _("系统")}
ACTIONS = {
    "submit": _("提交申请"),
    "approve": _("审核通过"),
    "reject": _("审核不通过"),
    "remind": _("逾期催办"),
}
DESCRIPTIONS = {
    "decided": "记录审核人、时间和意见",
    "remind": "短信/邮件催办审核人员，记录催办时间",
}
SMS_PREFIX = "【广州人才引进】"


def sms(mobile: str | None, body: str, key: str) -> None:
    """An SMS with the service's signature, to a person who has a mobile number."""
    if mobile:
        sms_enqueue(mobile=mobile, body=SMS_PREFIX + body, key=key)


def at_text(value: datetime) -> str:
    return f"{value.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}"


def relation(requester_field: str):
    """Requester, an official of the holding office, or the system (the deadline worker)."""

    def role(obj, actor, acting_as) -> str | None:
        if actor is None:
            return SYSTEM
        if getattr(obj, f"{requester_field}_id") == actor.pk:
            return REQUESTER
        if obj.office_id in official_office_ids(user=actor):
            return OFFICE
        return None

    return role


def decided(ctx) -> None:
    obj = ctx.obj
    obj.decided_at, obj.decided_by = ctx.now, ctx.actor
    if ctx.reason:
        obj.reason = ctx.reason


def decided_rows(approve_effects: tuple[str, ...]) -> tuple[Transition, ...]:
    return (
        T(S.PENDING, "approve", OFFICE, S.APPROVED, effects=(*approve_effects, "decided"),
          notify=("decided",), keep_due=True),
        T(S.PENDING, "reject", OFFICE, S.REJECTED, effects=("decided",), reason_required=True,
          notify=("decided",), keep_due=True),
        T(S.PENDING, "remind", SYSTEM, S.PENDING, effects=("remind",), keep_due=True),
    )  # fmt: skip


def deadline(days: int) -> DeadlineRule:
    return DeadlineRule("remind", days)


def office_remind(office, *, subject: str, body: str, key: str, short: str = "") -> int:
    """Remind the holding office once. With `short` (an SMS text) every reviewer who sees
    the office's worklist: an SMS, or an e-mail for one without a mobile; nobody reachable
    (or no `short`): the office's mailbox, so the reminder is not lost. Returns how many."""
    sent = 0
    for reviewer in office_reviewers(office=office) if short else ():
        to_key = f"{key}:u{reviewer.pk}"
        if reviewer.mobile:
            sms(reviewer.mobile, short, key=to_key)
        elif reviewer.email:
            outbox_enqueue(
                channel="email", recipient=reviewer.email, subject=subject,
                body=f"{reviewer.real_name}：\n\n{body}", key=to_key,
            )  # fmt: skip
        else:
            continue
        sent += 1
    if not sent and office.email:
        outbox_enqueue(
            channel="email", recipient=office.email, subject=subject,
            body=f"{office.name}：\n\n{body}", key=f"{key}:office" if short else key,
        )  # fmt: skip
        sent = 1
    return sent


def reminder(texts: Callable, *, unsent: str) -> Callable:
    """The `remind` effect: `texts(obj)` -> office_remind's keyword arguments."""

    def remind(ctx) -> None:
        sent = office_remind(ctx.obj.office, **texts(ctx.obj))
        ctx.obj.reminded_at = ctx.now
        ctx.outcome = "ok" if sent else unsent
        ctx.detail = f"recipients={sent}"

    return remind


def reviewed(*, model, requester: str, detail_url: str, effects: dict, **fields) -> Process:
    """Declare and register a reviewed request process on `model` (see the module doc)."""
    url = lambda obj: reverse(detail_url, args=[obj.number])  # noqa: E731
    return register(
        Process(
            model=model._meta.label, states=STATES, terminal=TERMINAL,
            relation=relation(requester), closed_is_stale=True,
            effects={"decided": decided, **effects},
            fields=("decided_at", "decided_by", "reason", "reminded_at", *fields.pop("fields")),
            select_related=(requester, "office", "unit"),
            holder=lambda obj: obj.office.name,
            mine=lambda user: model.objects.filter(**{requester: user}).select_related("office"),
            queue=lambda user: office_queue(model, user),
            url=url, office_url=url,
            sweep=False,  # swept by its own named worker entry (change/unit_admin_…)
            **fields,
        )
    )  # fmt: skip


def decision(process: Process, action: str, *, obj: str, actor: str) -> Callable:
    """A service function `(*, <obj>, <actor>, reason="", request=None)` that decides one
    request by engine.transition: the one approve/reject path of every reviewed process."""
    from rencai.process import engine

    def decide(*, reason: str = "", request=None, **named):
        return engine.transition(
            process=process, obj=named[obj], action=action, actor=named[actor], reason=reason,
            request=request,
        )  # fmt: skip

    decide.__name__ = f"{process.key}_{action}"
    return decide


def sweeper(process: Process) -> Callable[..., int]:
    """A named worker sweep (settings.RENCAI_WORKER_SWEEPS) firing this process's
    deadlines: its reminders to the office, once per overdue request."""
    from rencai.process import engine

    def sweep(*, batch: int = 100) -> int:
        return engine.deadlines_sweep(batch=batch, processes=(process.key,))

    sweep.__name__ = f"{process.key}_reminders_sweep"
    return sweep
