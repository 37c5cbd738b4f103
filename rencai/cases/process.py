"""The case workflow as a process of rencai.process: the table (workflow.TRANSITIONS), the
named guards and effects (guards.GUARDS, effects.EFFECTS: append to them by name) and the
hooks for what a case has more than other requests: office chain steps, the one-open-case
rule, a hash-chained history (CaseEvent) and SMS templates."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.cases import effects, guards, status_cache, workflow
from rencai.cases.context import TransitionContext
from rencai.cases.models import Case, CaseEvent
from rencai.cases.notifications import SMS_TEMPLATES, applicant_messages, arrivals_tell
from rencai.cases.relations import acting_as_label, relation_of, step_refusal
from rencai.core.errors import Conflict
from rencai.notify.services import outbox_enqueue
from rencai.process.declare import Process, register

STALE = _("该申请已被他人处理，请刷新后重试")
WORKFLOW_FIELDS = [
    "status", "version", "holding_office", "chain_step", "route", "supervisory_office",
    "acceptance_office", "due_at", "due_date", "due_provisional", "due_action",
    "submitted_at", "forwarded_at", "accepted_at", "decided_at", "closed_at", "unit_changeable",
]  # fmt: skip


def _context(**f) -> TransitionContext:
    return TransitionContext(
        case=f["obj"], actor=f["actor"], role=f["role"], now=f["now"], reason=f["reason"],
        target_office=f["extra"].get("target_office"), process=f["process"],
        acting_as=f["acting_as"], request=f["request"], extra=f["extra"],
    )  # fmt: skip


def _stranger(ctx, label: str) -> Conflict:
    return Conflict(
        format_lazy(_("您当前的身份不能对该申请执行「{label}」"), label=label),
        code="forbidden_role",
    )


def _step(ctx) -> None:
    # Who held the case before the effects move it: arrivals_tell tells the new holder.
    ctx._cache["holder_before"] = (ctx.case.holding_office_id, ctx.case.chain_step_id)
    if ctx.role == workflow.Role.OFFICE and (
        refusal := step_refusal(case=ctx.case, actor=ctx.actor)
    ):
        raise Conflict(refusal, code="forbidden_step")


def _write(ctx) -> None:
    """Reopening (已撤回 → 草稿) makes the case open again: refused beside another one;
    a concurrent start loses to the partial unique index."""
    from rencai.cases import services

    case = ctx.case
    values = {f: getattr(case, f) for f in WORKFLOW_FIELDS}
    reopens = ctx.row.target in Case.OPEN_STATUSES and ctx.source not in Case.OPEN_STATUSES
    if reopens:
        services._refuse_second_open(case.applicant, actor=ctx.actor, exclude_pk=case.pk)
        try:
            with transaction.atomic():
                Case.objects.filter(pk=case.pk).update(**values)
        except IntegrityError as exc:
            other = services.case_open_of(case.applicant, exclude_pk=case.pk)
            if other is None:
                raise
            raise services._open_case_refusal(other, actor=ctx.actor) from exc
    else:
        Case.objects.filter(pk=case.pk).update(**values)
    # The worklists of the office that held the case and of the one that holds it now.
    before = ctx._cache.get("holder_before", (None, None))[0]
    status_cache.offices_changed(before, case.holding_office_id)
    if services._after_status_update is not None:
        services._after_status_update(case)


def _record(ctx) -> CaseEvent:
    from rencai.cases.selectors import case_status_text

    case = ctx.case
    return CaseEvent.objects.create(
        case=case, at=ctx.now, actor=ctx.actor, acting_as=acting_as_label(ctx.actor, ctx.acting_as),
        role=ctx.role, action=ctx.row.action, from_status=ctx.source, to_status=ctx.row.target,
        status_text=case_status_text(case), reason=ctx.reason,
        office=getattr(ctx.acting_as, "office", None) or case.holding_office, version=case.version,
    )  # fmt: skip


def _notify(ctx) -> None:
    """The applicant, by SMS and e-mail (rencai.cases.notifications.applicant_messages),
    and whoever must now act (arrivals_tell: unit admins or the holding office's staff)."""
    case, event = ctx.case, ctx.event
    applicant = case.applicant
    for channel, recipient, subject, body, key in applicant_messages(
        case, ctx.row, status_text=event.status_text, reason=ctx.reason,
        key=f"case:{case.pk}:{event.pk}", mobile=applicant.mobile or "", email=applicant.email,
    ):  # fmt: skip
        outbox_enqueue(channel=channel, recipient=recipient, subject=subject, body=body, key=key)
    arrivals_tell(
        case, ctx.row, before=ctx._cache["holder_before"], actor=ctx.actor,
        status_text=event.status_text,
    )  # fmt: skip


def _status_text(case) -> str:
    from rencai.cases.selectors import case_status_text

    return case_status_text(case)


def _holder(case) -> str:
    from rencai.cases.selectors import case_holder

    return case_holder(case).who


def _mine(user):
    from rencai.cases.selectors import case_list_mine

    return case_list_mine(user=user)


#: The states an office acts in (from the table): a case held there is on its worklist.
OFFICE_STATES = frozenset(
    t.source for t in workflow.TRANSITIONS
    if t.role == workflow.Role.OFFICE and t.source not in workflow.TERMINAL
)  # fmt: skip


def _queue(user):
    """The cases the user's offices hold in a state where they must act, soonest first."""
    from rencai.process.selectors import official_office_ids

    return (
        Case.objects.filter(
            holding_office_id__in=official_office_ids(user=user), status__in=OFFICE_STATES
        )
        .select_related("holding_office", "chain_step", "unit")
        .order_by("due_at", "id")
    )


def _last_events(pks: list[int]) -> dict:
    last = {}
    for event in CaseEvent.objects.filter(case_id__in=pks).order_by("case_id", "version"):
        last[event.case_id] = event
    return last


CASE = register(
    Process(
        key="case",
        label=_("人才引进入户申请"),
        model="cases.Case",
        states={s.value: s.label for s in Case.Status},
        transitions=workflow.TRANSITIONS,
        relation=lambda obj, actor, acting_as: relation_of(
            case=obj, actor=actor, acting_as=acting_as
        ),
        terminal=workflow.TERMINAL,
        terminal_exits=workflow.TERMINAL_EXITS,
        roles=workflow.Role.LABELS,
        actions=workflow.ACTION_LABELS,
        guards=guards.GUARDS,  # the same dicts: rows and names appended there count here
        effects=effects.EFFECTS,
        notifications={name: _notify for name in SMS_TEMPLATES},
        descriptions={**guards.DESCRIPTIONS, **effects.DESCRIPTIONS},
        number_prefix="RC",
        fields=tuple(f for f in WORKFLOW_FIELDS if f not in ("status", "version")),
        select_related=("unit", "unit__supervisory_office", "holding_office", "chain_step"),
        holder=_holder,
        status_text=_status_text,
        title=lambda case: (
            _("人才引进入户申请（%(category)s）") % {"category": case.get_category_display()}
        ),
        mine=_mine,
        queue=_queue,
        url=lambda case: reverse("cases:detail", args=[case.number]),
        office_url=lambda case: reverse("backoffice:case", args=[case.number]),
        sweep=False,  # rencai.cases.services.deadlines_fire fires cases in bulk
        stale_message=STALE,
        context=_context,
        stranger=_stranger,
        before_guards=_step,
        write=_write,
        record=_record,
        notify=_notify,
        last_events=_last_events,
        doc="The full case workflow document is docs/workflow.md (`rencai workflow-docs`).",
    )
)
