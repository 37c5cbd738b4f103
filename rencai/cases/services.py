"""Writes on cases. `case_transition` is the only writer of a case's workflow columns."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, connection, transaction

from rencai.audit.services import audit_record
from rencai.cases import effects, guards, workflow
from rencai.cases.context import TransitionContext
from rencai.cases.models import Case, CaseEvent, CaseNumberSequence
from rencai.cases.notifications import sms_render
from rencai.cases.relations import acting_as_label, relation_of, step_refusal
from rencai.cases.selectors import case_status_text
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError
from rencai.notify.services import sms_enqueue

log = logging.getLogger(__name__)
STALE = "该申请已被他人处理，请刷新后重试"
SYSTEM_REASONS = {
    "auto_accept": "系统自动受理（受理机构5个工作日内未查核或退案，第6个工作日自动受理）",
    "notice_pass": "系统确认：公示期满无异议",
}
#: Tests set this to observe (or kill the process) right after the status UPDATE.
_after_status_update: Callable[[Case], None] | None = None

WORKFLOW_FIELDS = [
    "status", "version", "holding_office", "chain_step", "route", "supervisory_office",
    "acceptance_office", "due_at", "due_date", "due_provisional", "due_action",
    "submitted_at", "forwarded_at", "accepted_at", "decided_at", "closed_at",
]  # fmt: skip


def case_number_next(*, now: datetime | None = None) -> str:
    """RC2026-000123. Call inside a transaction: the year's row lock serialises callers."""
    year = (now or clock.now()).astimezone(clock.SHANGHAI).year
    with transaction.atomic():
        row = CaseNumberSequence.objects.select_for_update().filter(year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = CaseNumberSequence.objects.create(year=year, last=0)
            except IntegrityError:  # another transaction created it first
                row = CaseNumberSequence.objects.select_for_update().get(year=year)
        row.last += 1
        row.save(update_fields=["last"])
    return f"RC{year}-{row.last:06d}"


@transaction.atomic
def case_create(*, applicant, unit, category: str, created_by=None, **form) -> Case:
    """A new draft. `form` holds application fields (education_level, institution, …)."""
    from rencai.documents.services import folder_create

    if category not in Case.Category.values:
        raise DomainError(f"申报类别“{category}”无效", field="category")
    now = clock.now()
    case = Case(
        number=case_number_next(now=now),
        applicant=applicant,
        created_by=created_by or applicant,
        category=category,
        unit=unit,
        folder=folder_create(owner_kind="case"),
        created_at=now,
        **form,
    )
    case.full_clean(exclude=["folder"])
    case.save()
    audit_record(event="case.create", actor=created_by or applicant, obj=case, detail=case.number)
    return case


def _choose(ctx: TransitionContext, state: str, action: str) -> workflow.Transition:
    label = workflow.ACTION_LABELS.get(action, action)
    status_text = case_status_text(ctx.case)
    if action not in workflow.ACTION_LABELS:
        raise Conflict(f"未知操作“{action}”", code="forbidden_transition")
    if not any(t.action == action for t in workflow.transitions_from(state)):
        raise Conflict(
            f"当前状态「{status_text}」下不能执行「{label}」", code="forbidden_transition"
        )
    if ctx.role is None:
        raise Conflict(f"您当前的身份不能对该申请执行「{label}」", code="forbidden_role")
    rows = workflow.candidates(state, action, ctx.role)
    if not rows:
        raise Conflict(
            f"当前状态「{status_text}」下，{workflow.Role.LABELS[ctx.role]}不能执行「{label}」",
            code="forbidden_role",
        )
    if ctx.role == workflow.Role.OFFICE and (
        refusal := step_refusal(case=ctx.case, actor=ctx.actor)
    ):
        raise Conflict(refusal, code="forbidden_step")
    best: tuple[int, str | DomainError] | None = None
    for row in rows:
        failure: str | DomainError | None = None
        passed = 0
        for name in row.guards:
            try:
                failure = guards.GUARDS[name](ctx)
            except DomainError as exc:
                failure = exc
            if failure is not None:
                break
            passed += 1
        if failure is None:
            if row.reason_required and not ctx.reason.strip():
                raise DomainError(f"「{row.action_label}」须填写意见或原因", field="reason")
            return row
        if best is None or passed > best[0]:
            best = (passed, failure)
    failure = best[1]
    if isinstance(failure, DomainError):
        raise failure
    raise Conflict(failure, code="guard_failed")


def case_transition(
    *,
    case: Case,
    action: str,
    actor,
    acting_as,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
    target_office=None,
    request=None,
) -> Case:
    """Move a case along the workflow table; the only writer of its status.

    One transaction: lock the row, check the version, pick the table row whose guards
    pass, apply its effects and deadline, write a CaseEvent, an audit entry and the SMS
    outbox rows. Anything refused raises (Conflict 409 / DomainError 400) and changes
    nothing. `acting_as` is an accounts.roles.ActingAs (None with actor=None: system).
    """
    now = now or clock.now()
    reason = (reason or "").strip() or ("" if actor else SYSTEM_REASONS.get(action, ""))
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("unit", "unit__supervisory_office", "holding_office", "chain_step")
            .get(pk=case.pk)
        )
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(STALE, code="stale")
        role = relation_of(case=locked, actor=actor, acting_as=acting_as)
        ctx = TransitionContext(
            case=locked, actor=actor, role=role, now=now, reason=reason, target_office=target_office
        )
        source = locked.status
        row = _choose(ctx, source, action)
        for name in row.effects:
            effects.EFFECTS[name](ctx)
        _set_deadline(locked, row, now)
        locked.status = row.target
        locked.version += 1
        Case.objects.filter(pk=locked.pk).update(**{f: getattr(locked, f) for f in WORKFLOW_FIELDS})
        if _after_status_update is not None:
            _after_status_update(locked)
        status_text = case_status_text(locked)
        label = acting_as_label(actor, acting_as)
        event = CaseEvent.objects.create(
            case=locked, at=now, actor=actor, acting_as=label, role=role, action=action,
            from_status=source, to_status=row.target, status_text=status_text, reason=reason,
            office=getattr(acting_as, "office", None) or locked.holding_office,
            version=locked.version,
        )  # fmt: skip
        audit_record(
            event=f"case.{action}", actor=actor, obj=locked, acting_as=label, request=request,
            detail=f"{locked.number} {source}→{row.target} {reason}".strip(),
        )  # fmt: skip
        _notify(locked, row, event, status_text, reason)
    case.refresh_from_db()
    return case


def _set_deadline(case: Case, row: workflow.Transition, now: datetime) -> None:
    if row.deadline is None:
        case.due_at = case.due_date = None
        case.due_provisional, case.due_action = False, ""
        return
    from rencai.workdays.calendar import deadline_for

    deadline = deadline_for(now, row.deadline.workdays)
    case.due_at, case.due_date = deadline.fires_at, deadline.due_date
    case.due_provisional, case.due_action = deadline.provisional, row.deadline.action


def _notify(case: Case, row: workflow.Transition, event: CaseEvent, status_text: str, reason: str):
    mobile = case.applicant.mobile
    if not mobile:
        return
    office = case.holding_office
    for index, template in enumerate(row.notify):
        body = sms_render(
            template, number=case.number, status=status_text, reason=reason or "无",
            office=office.name if office else "", due_date=case.due_date or "",
        )  # fmt: skip
        key = f"case:{case.pk}:{event.pk}" + (f":{index}" if index else "")
        sms_enqueue(mobile=mobile, body=body, key=key)


def _fire_one(case_id: int, now: datetime) -> bool:
    """Fire one due case. Re-checks under the row lock, so running twice fires once."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.due_at is None or case.due_at > now or not case.due_action:
            return False
        try:
            with transaction.atomic():
                case_transition(
                    case=case, action=case.due_action, actor=None, acting_as=None, now=now
                )
        except DomainError as exc:
            # The table no longer allows it: drop the deadline so it does not spin.
            Case.objects.filter(pk=case.pk).update(
                due_at=None, due_date=None, due_action="", due_provisional=False
            )
            audit_record(
                event="case.deadline_skipped", obj=case, outcome="refused", detail=exc.message
            )
            log.warning("deadline of case %s not fired: %s", case.pk, exc.message)
            return False
        return True


def deadlines_fire(*, batch: int = 100) -> int:
    """Worker sweep: fire due deadlines (auto-accept, notice end). Returns how many fired.

    PostgreSQL: rows are claimed with SELECT … FOR UPDATE SKIP LOCKED, so any number of
    workers share the work and each case fires once. SQLite: one short write transaction
    per case (SQLite serialises writers; the re-check under the lock keeps it exactly-once).
    """
    now = clock.now()
    due = Case.objects.filter(due_at__lte=now).order_by("due_at").values_list("pk", flat=True)
    fired = 0
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True)[:batch])
            for case_id in ids:
                fired += _fire_one(case_id, now)
        return fired
    for case_id in list(due[:batch]):
        fired += _fire_one(case_id, now)
    return fired
