"""Reads for the officials' back office. Every function takes who is asking (the
ActingAs of the request); an office sees only the cases it holds."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from rencai.cases import guards, workflow
from rencai.cases.context import TransitionContext
from rencai.cases.models import Case, CaseEvent, ChainStep
from rencai.cases.relations import step_refusal
from rencai.cases.selectors import case_get_for_actor, case_status_text
from rencai.core import clock
from rencai.core.errors import DomainError, NotFound
from rencai.orgs.models import Office
from rencai.workdays import calendar

S = Case.Status
PAGE_SIZE = 50
COUNT_CAP = 999  # tab counts above this show as "999+": a small capped count stays fast at 1M cases


@dataclass(frozen=True)
class Queue:
    key: str
    status: str
    label: str  # lazy: in the language of the page
    sort_field: str  # keyset pagination on (sort_field, id); indexes case_queue_*
    sort_label: str


QUEUES = {
    q.key: q
    for q in (
        Queue("acceptance", S.AWAITING_ACCEPTANCE, _("待受理"), "due_at", _("受理期限")),
        Queue("review", S.UNDER_REVIEW, _("审批中"), "submitted_at", _("送审时间")),
        Queue("notice", S.IN_NOTICE, _("公示中"), "due_at", _("公示期满")),
        Queue("objection", S.OBJECTION, _("异议核查"), "submitted_at", _("送审时间")),
        Queue("department", S.DEPT_REVIEW, _("主管部门审核"), "submitted_at", _("送审时间")),
    )
}
ACCEPTING_KINDS = (Office.Kind.DISTRICT_WINDOW, Office.Kind.CITY_BUREAU)


def queues_for(office: Office) -> list[Queue]:
    if office.kind in ACCEPTING_KINDS:
        return [QUEUES[k] for k in ("acceptance", "review", "notice", "objection")]
    if office.kind == Office.Kind.SUPERVISORY:
        return [QUEUES["department"]]
    return []


def _office_of(acting_as) -> Office:
    office = getattr(acting_as, "office", None)
    if office is None:
        raise NotFound(gettext_lazy("请先切换为机构工作人员身份"))
    return office


def queue_for(*, acting_as, key: str = "") -> Queue:
    queues = queues_for(_office_of(acting_as))
    if not queues:
        raise NotFound(gettext_lazy("本机构没有入户申请工作清单"))
    if not key:
        return queues[0]
    for queue in queues:
        if queue.key == key:
            return queue
    raise NotFound(format_lazy(gettext_lazy("工作清单“{key}”不存在"), key=key))


# --- worklists ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    category: str = ""
    unit_id: int | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    step_id: int | None = None


@dataclass(frozen=True)
class Cursor:
    """Position after the last row shown: (sort value or None for NULLs, id)."""

    value: datetime | None
    id: int

    def encode(self) -> str:
        stamp = "-" if self.value is None else str(int(self.value.timestamp() * 1_000_000))
        return f"{stamp}.{self.id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        try:
            stamp, pk = (text or "").split(".", 1)
            value = None
            if stamp != "-":
                value = datetime.fromtimestamp(int(stamp) / 1_000_000, tz=clock.SHANGHAI)
            return cls(value, int(pk))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass
class Row:
    case: Case
    status_text: str
    remaining: int | None  # working days left (negative: overdue); None without a deadline
    overdue: bool


@dataclass
class Page:
    queue: Queue
    rows: list[Row]
    next_cursor: str | None
    first: bool


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.SHANGHAI)


def worklist_base(*, acting_as, queue: Queue, filters: Filters = Filters()) -> QuerySet:
    office = _office_of(acting_as)
    qs = Case.objects.filter(holding_office=office, status=queue.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.submitted_from:
        qs = qs.filter(submitted_at__gte=_day_start(filters.submitted_from))
    if filters.submitted_to:
        qs = qs.filter(submitted_at__lt=_day_start(filters.submitted_to + timedelta(days=1)))
    if filters.step_id:
        qs = qs.filter(chain_step_id=filters.step_id)
    return qs


#: Below every deadline and submission time: where the first page starts.
FIRST = datetime(1900, 1, 1, tzinfo=UTC)


def _keyset(qs: QuerySet, sort: str, after: Cursor | None, size: int) -> list[Case]:
    """Rows ordered by (sort NULLS LAST, id), after the cursor. Each query is one range
    scan of the composite index (holding_office, status, sort, id), however deep.
    Rows without a sort value are ordered by (sort, id) too, not by id alone: that is
    the index's order, while "ORDER BY id" let PostgreSQL walk the primary key through
    a million rows looking for them (193 ms for the last page)."""
    null = Q(**{f"{sort}__isnull": True})
    if after is not None and after.value is None:
        return list(qs.filter(null, id__gt=after.id).order_by(sort, "id")[:size])
    # A row-value comparison, (sort, id) > (v, id): one index range starting at the
    # cursor. "sort > v OR (sort = v AND id > id0)" used the index for its first half
    # only, and discarded 350,001 rows on PostgreSQL when many cases shared a deadline.
    # The first page starts from the bottom of the same range (a NULL sort value fails
    # the comparison): with "sort IS NOT NULL" instead, PostgreSQL chose the partial
    # index case_due, whose predicate that is, and sorted every case sharing the earliest
    # deadline (9,721 rows, 73 ms at 1M cases) to return 21; the range reads 21 (0.4 ms).
    start = after or Cursor(FIRST, 0)
    ranged = qs.filter(TupleGreaterThan(Tuple(sort, "id"), (start.value, start.id)))
    rows = list(ranged.order_by(sort, "id")[:size])
    if len(rows) < size:
        rows += list(qs.filter(null).order_by(sort, "id")[: size - len(rows)])
    return rows


def worklist_page(
    *,
    acting_as,
    queue: Queue,
    filters: Filters = Filters(),
    after: str = "",
    size: int = PAGE_SIZE,
) -> Page:
    cursor = Cursor.decode(after) if after else None
    qs = worklist_base(acting_as=acting_as, queue=queue, filters=filters).select_related(
        "unit", "applicant", "holding_office", "chain_step"
    )
    cases = _keyset(qs, queue.sort_field, cursor, size + 1)
    more = len(cases) > size
    cases = cases[:size]
    today = clock.today()
    with calendar.pinned():
        rows = []
        for case in cases:
            remaining = calendar.remaining_workdays(case.due_date, today) if case.due_date else None
            rows.append(
                Row(
                    case, case_status_text(case), remaining, remaining is not None and remaining < 0
                )
            )
    next_cursor = None
    if more and cases:
        last = cases[-1]
        next_cursor = Cursor(getattr(last, queue.sort_field), last.pk).encode()
    return Page(queue, rows, next_cursor, cursor is None)


def worklist_counts(*, acting_as) -> dict[str, str]:
    office = _office_of(acting_as)
    counts = {}
    for queue in queues_for(office):
        # order_by(): without it the model's default ordering stays in the LIMIT subquery
        # and PostgreSQL sorts the whole queue (235 ms for 600,000 cases) to count 1,000.
        queue_rows = Case.objects.filter(holding_office=office, status=queue.status).order_by()
        n = queue_rows[: COUNT_CAP + 1].count()
        counts[queue.key] = f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)
    return counts


def overdue_count(*, acting_as) -> int:
    office = _office_of(acting_as)
    return Case.objects.filter(
        holding_office=office, due_date__lt=clock.today(), status__in=[S.AWAITING_ACCEPTANCE]
    ).count()


def chain_steps_for(*, acting_as) -> list[ChainStep]:
    """The office's active steps (department steps first, then review), from the shared
    reference cache with their office (rencai.cases.routing.chain_steps): no query."""
    from rencai.cases.routing import chain_steps

    office = _office_of(acting_as)
    purposes = sorted(ChainStep.Purpose.values)  # as order_by("purpose", "order")
    return [s for purpose in purposes for s in chain_steps(office.pk, purpose)]


# --- one case ---------------------------------------------------------------------------


def case_for_official(*, number: str, user, acting_as) -> Case:
    """The case if the caller's office holds it; NotFound otherwise (never "forbidden")."""
    _office_of(acting_as)
    case, role = case_get_for_actor(number=number, user=user, acting_as=acting_as)
    if role != workflow.Role.OFFICE:
        raise NotFound(gettext_lazy("申请不存在"))
    return case


@dataclass(frozen=True)
class OfficeAction:
    action: str
    label: str
    reason_required: bool
    needs_office: bool = False  # reroute: choose the district window


def office_actions(*, case: Case, user) -> tuple[list[OfficeAction], str]:
    """Buttons the workflow table offers this official now: guards that do not depend on
    the official's input are checked, so e.g. 「退回上一步」 shows only after step 1.
    Returns (actions, why none) — the second is a step-assignment refusal or ""."""
    refusal = step_refusal(case=case, actor=user)
    if refusal:
        return [], refusal
    ctx = TransitionContext(case=case, actor=user, role=workflow.Role.OFFICE, now=clock.now())
    chosen: dict[str, OfficeAction] = {}
    for row in workflow.transitions_from(case.status):
        if row.role != workflow.Role.OFFICE or row.action in chosen:
            continue
        if row.action == "reroute":
            chosen["reroute"] = OfficeAction("reroute", row.action_label, True, needs_office=True)
            continue
        try:
            failed = any(guards.GUARDS[name](ctx) for name in row.guards)
        except DomainError:
            failed = True
        if not failed:
            chosen[row.action] = OfficeAction(row.action, row.action_label, row.reason_required)
    return list(chosen.values()), ""


def case_chain(case: Case) -> list[ChainStep]:
    """The steps of the chain the case is in (department or review), to show routing."""
    office = case.holding_office
    if office is None:
        return []
    purpose = (
        ChainStep.Purpose.DEPARTMENT if case.status == S.DEPT_REVIEW else ChainStep.Purpose.REVIEW
    )
    return list(
        ChainStep.objects.filter(office=office, purpose=purpose, is_active=True).order_by("order")
    )


def reroute_offices() -> list[Office]:
    return list(Office.objects.filter(kind=Office.Kind.DISTRICT_WINDOW, is_active=True))


# --- statistics ---------------------------------------------------------------------------

STEP_STATES = (
    (S.DEPT_REVIEW, _("主管部门审核")),
    (S.AWAITING_ACCEPTANCE, _("等待受理")),
    (S.UNDER_REVIEW, _("审批")),
    (S.IN_NOTICE, _("公示")),
)
OPEN_WITH_DEADLINE = (S.AWAITING_ACCEPTANCE, S.IN_NOTICE)


@dataclass
class StepTime:
    status: str
    label: str
    durations: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.durations)

    @property
    def average(self) -> float | None:
        return round(sum(self.durations) / len(self.durations), 1) if self.durations else None

    @property
    def p90(self) -> int | None:
        """Nearest-rank 90th percentile."""
        if not self.durations:
            return None
        ordered = sorted(self.durations)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


@dataclass
class Stats:
    scope_label: str
    by_state: list[tuple[str, str, int]]  # (status, label, count)
    steps: list[StepTime]
    overdue: int
    accepted: int  # acceptances in the period (window + system)
    deemed: int  # of which 系统自动受理
    offices: list[dict] = field(default_factory=list)  # city scope: one row per office
    date_from: date | None = None
    date_to: date | None = None

    @property
    def max_state(self) -> int:
        return max([c for _s, _l, c in self.by_state] or [0]) or 1

    @property
    def max_p90(self) -> float:
        return max([s.p90 or 0 for s in self.steps] + [s.average or 0 for s in self.steps]) or 1


def stats_scope_offices(*, acting_as) -> list[Office] | None:
    """None: all offices (the city bureau); else the one office the caller acts for."""
    office = _office_of(acting_as)
    if office.kind == Office.Kind.CITY_BUREAU:
        return None
    return [office]


def _scope_filter(offices: list[Office] | None) -> Q:
    if offices is None:
        return ~Q(status=S.DRAFT)
    ids = [o.pk for o in offices]
    return Q(acceptance_office_id__in=ids) | Q(supervisory_office_id__in=ids)


def _stint_office(status: str, acceptance_id, supervisory_id):
    return supervisory_id if status == S.DEPT_REVIEW else acceptance_id


def case_stats(
    *,
    acting_as,
    office_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Stats:
    """Cases per state, working days per step (average and P90, from CaseEvent times:
    a stint in a state runs from the event entering it to the event leaving it, and is
    counted when it ends within the period), current overdue cases, (deemed) acceptances.
    The city bureau sees every office (or one, with office_id); others their own."""
    offices = stats_scope_offices(acting_as=acting_as)
    if offices is None and office_id:
        office = Office.objects.filter(pk=office_id).first()
        if office is None:
            raise NotFound(gettext_lazy("机构不存在"))
        offices = [office]
    label = str(_("全市")) if offices is None else offices[0].name
    office_ids = None if offices is None else {o.pk for o in offices}
    scope = Case.objects.filter(_scope_filter(offices))
    counts = dict(scope.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_state = [(s, str(Case.Status(s).label), counts.get(s, 0)) for s in S.values if s != S.DRAFT]
    lo = _day_start(date_from) if date_from else None
    hi = _day_start(date_to + timedelta(days=1)) if date_to else None

    steps = {status: StepTime(status, str(text)) for status, text in STEP_STATES}
    accepted = deemed = 0
    per_office: dict[int, dict] = {}
    events = (
        CaseEvent.objects.filter(case__in=scope.values("id"))
        .order_by("case_id", "at", "id")
        .values_list(
            "case_id",
            "at",
            "action",
            "from_status",
            "to_status",
            "case__acceptance_office_id",
            "case__supervisory_office_id",
        )
    )
    entered: dict[str, datetime] = {}
    current = None
    with calendar.pinned() as cal:
        for case_id, at, action, source, target, acc_id, sup_id in events.iterator(2000):
            if case_id != current:
                current, entered = case_id, {}
            in_period = (lo is None or at >= lo) and (hi is None or at < hi)
            counted = office_ids is None or acc_id in office_ids
            if action in ("accept", "auto_accept") and in_period and counted:
                accepted += 1
                deemed += action == "auto_accept"
                row = per_office.setdefault(acc_id, {"accepted": 0, "deemed": 0})
                row["accepted"] += 1
                row["deemed"] += action == "auto_accept"
            if source == target:
                continue  # a step inside the chain, not leaving the state
            start = entered.pop(source, None)
            if start is not None and source in steps and in_period:
                stint_office = _stint_office(source, acc_id, sup_id)
                if office_ids is None or stint_office in office_ids:
                    steps[source].durations.append(cal.workdays_between(start, at))
            entered[target] = at
    overdue = scope.filter(status__in=OPEN_WITH_DEADLINE, due_date__lt=clock.today()).count()
    stats = Stats(
        scope_label=label,
        by_state=by_state,
        steps=list(steps.values()),
        overdue=overdue,
        accepted=accepted,
        deemed=deemed,
        date_from=date_from,
        date_to=date_to,
    )
    if offices is None:
        stats.offices = _office_rows(per_office)
    return stats


def _office_rows(per_office: dict[int, dict]) -> list[dict]:
    today = clock.today()
    held = dict(
        Case.objects.filter(holding_office__isnull=False)
        .exclude(status__in=list(workflow.TERMINAL))
        .values_list("holding_office")
        .annotate(n=Count("id"))
        .values_list("holding_office", "n")
    )
    late = dict(
        Case.objects.filter(status__in=OPEN_WITH_DEADLINE, due_date__lt=today)
        .values_list("holding_office")
        .annotate(n=Count("id"))
        .values_list("holding_office", "n")
    )
    rows = []
    for office in Office.objects.filter(is_active=True).exclude(kind=Office.Kind.DATA_CENTRE):
        acc = per_office.get(office.pk, {"accepted": 0, "deemed": 0})
        rows.append(
            {
                "office": office,
                "open": held.get(office.pk, 0),
                "overdue": late.get(office.pk, 0),
                "accepted": acc["accepted"],
                "deemed": acc["deemed"],
            }
        )
    return rows


def stats_offices_choices(*, acting_as) -> list[Office]:
    if stats_scope_offices(acting_as=acting_as) is not None:
        return []
    return list(Office.objects.filter(is_active=True).exclude(kind=Office.Kind.DATA_CENTRE))
