"""The dashboard's reads: "where do I stand" for the person asking (issue #11).

One call, a handful of queries: the applicant's open (or latest) application with its
status in the seed's wording, the holding office with contact, the deadline and the next
action; for unit admins and officials, how many cases wait for them, per unit / office.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext

from rencai.cases.models import Case
from rencai.cases.selectors import case_deadline, case_holder, case_status_text
from rencai.core.prepared import PreparedLookup

S = Case.Status


@dataclass(frozen=True)
class NextAction:
    text: str
    url: str = ""
    label: str = ""  # the button; "" for a plain sentence (nothing to do but wait)


@dataclass(frozen=True)
class Waiting:
    """A queue with cases waiting for the person: "3 件待受理 · 某区人社局"."""

    where: str
    label: str
    count: int
    url: str


@dataclass
class Dashboard:
    case: Case | None = None
    status_text: str = ""
    holder: object = None
    deadline: object = None
    next_action: NextAction | None = None
    can_start: bool = True
    waiting: list[Waiting] = field(default_factory=list)


def _next_action(case: Case) -> NextAction:
    edit = reverse("cases:edit", args=[case.number])
    detail = reverse("cases:detail", args=[case.number])
    if case.status == S.DRAFT:
        return NextAction(
            gettext("请补全资料和必备材料，然后送审。"), edit, gettext("继续填写并送审")
        )
    if case.status == S.RETURNED:
        return NextAction(
            gettext("申请已退回，请按退回意见修改后重新送审。"),
            edit,
            gettext("修改资料并重新送审"),
        )
    if case.status == S.CARD_ISSUED:
        return NextAction(
            gettext("入户卡已出具，请下载并按“下一步”说明办理落户。"),
            detail,
            gettext("查看入户卡和下一步"),
        )
    if case.status == S.WITHDRAWN:
        return NextAction(gettext("该申请已撤回，可重新填报。"), detail, gettext("查看申请"))
    if case.status == S.UNIT_REVIEW:
        text = gettext("等待引进单位的单位管理员审核，您暂时无需操作。")
    elif case.status in (S.IN_NOTICE, S.OBJECTION):
        text = gettext("公示期间您无需操作；公示期满无异议后出具入户卡。")
    else:
        text = gettext("等待办理机构处理，您暂时无需操作；如有疑问请联系下列机构。")
    return NextAction(text, detail, gettext("查看办理进度"))


#: What the dashboard reads of a case (status text, holder, deadline, next action; the
#: template shows the number): the Case row is wide, and compiling and loading all of it was
#: a quarter of the page's time (issue #15). A field missing here costs a query, not an error.
_CASE_FIELDS = (
    "id", "number", "status", "created_at", "applicant_id", "due_date", "due_action",
    "due_provisional",
    "route", "unit__id", "unit__name", "unit__nature", "unit__level", "unit__phone",
    "unit__supervisory_office", "unit__district", "holding_office", "chain_step",
    "supervisory_office", "acceptance_office",
)  # fmt: skip


def _latest_cases(applicant_pk):
    return (
        Case.objects.filter(applicant_id=applicant_pk)
        .select_related("unit")
        .only(*_CASE_FIELDS)
        .order_by("-created_at", "-id")
    )


#: Compiled once (rencai.core.prepared): its SQL was a third of a cached dashboard's time.
_LATEST_CASES = PreparedLookup(Case, "applicant", _latest_cases, limit=5)


def latest_case(user) -> Case | None:
    """The open application, else the latest one (a card issued, a rejection)."""
    from rencai.cases.routing import office_by_pk
    from rencai.cases.selectors import attach_reference

    cases = _LATEST_CASES.all(user.pk)
    open_cases = [case for case in cases if case.status in Case.OPEN_STATUSES]
    case = (open_cases or cases or [None])[0]
    if case is not None:  # offices and the chain step from the reference cache, not joins
        attach_reference(case)
        if (pk := case.unit.supervisory_office_id) and (office := office_by_pk(pk)):
            case.unit.supervisory_office = office
    return case


def _waiting(grants) -> list[Waiting]:
    """Counts per unit (单位审核中) and per office (the cases it holds, by status)."""
    from rencai.backoffice.selectors import QUEUES, queues_for

    units = {g.unit_id: g.unit for g in grants if g.unit_id}
    offices = {g.office_id: g.office for g in grants if g.office_id}
    rows: list[Waiting] = []
    if units:
        counts = dict(
            Case.objects.filter(unit_id__in=units, status=S.UNIT_REVIEW)
            .order_by()
            .values_list("unit_id")
            .annotate(n=Count("id"))
        )
        worklist = reverse("cases:unit_worklist")
        for pk, unit in units.items():
            rows.append(Waiting(unit.name, gettext("待单位审核"), counts.get(pk, 0), worklist))
    if offices:
        counts = {
            (o, s): n
            for o, s, n in Case.objects.filter(holding_office_id__in=offices)
            .order_by()
            .values_list("holding_office_id", "status")
            .annotate(n=Count("id"))
        }
        by_status = {q.status: q for q in QUEUES.values()}
        for pk, office in offices.items():
            for queue in queues_for(office):
                rows.append(
                    Waiting(
                        office.name,
                        gettext(queue.label),
                        counts.get((pk, by_status[queue.status].status), 0),
                        reverse("backoffice:worklist", args=[queue.key]),
                    )
                )
    return rows


def dashboard_for(*, user, grants, case: Case | None | bool = False) -> Dashboard:
    """What `user` sees after login. `grants`: their active role grants (a list); `case`:
    their latest_case() when the caller has read it already."""
    board = Dashboard(waiting=_waiting(grants))
    case = latest_case(user) if case is False else case
    if case is None:
        return board
    board.case = case
    board.status_text = case_status_text(case)
    board.holder = case_holder(case)
    board.deadline = case_deadline(case)
    board.next_action = _next_action(case)
    board.can_start = case.status not in Case.OPEN_STATUSES
    return board
