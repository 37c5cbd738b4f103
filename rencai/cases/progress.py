"""The status page's progress stepper and the step each history row acted on (issue #11).

Generated, not hand-listed: the steps come from the case's recorded route (or the route
its unit would take, for a draft) and the offices' configured chains; the dates come
from replaying the history through the same moves the workflow table allows. Approvals
inside a chain do not change the status, so the replay counts the chain position
(chain_next +1, chain_prev -1, entering a chain = step 1), exactly as the effects do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from rencai.cases import routing
from rencai.cases.models import Case, CaseEvent, ChainStep
from rencai.core.errors import DomainError

S = Case.Status
DEPARTMENT, REVIEW = ChainStep.Purpose.DEPARTMENT, ChainStep.Purpose.REVIEW


@dataclass
class Step:
    key: str
    label: str
    where: str  # the office, the unit or the applicant
    at: object = None  # when it was done (the latest pass), None if not yet
    state: str = "todo"  # done / current / todo / stopped

    @property
    def is_current(self) -> bool:
        return self.state == "current"


def _chain_key(status: str) -> str:
    return "dept" if status == S.DEPT_REVIEW else "review"


def _replay(events: list[CaseEvent]) -> tuple[dict[str, object], dict[int, str]]:
    """(step key -> time it was done in the latest pass, event id -> step key acted on)."""
    done: dict[str, object] = {}
    acted: dict[int, str] = {}
    position = 0
    for e in events:
        in_chain = e.from_status in (S.DEPT_REVIEW, S.UNDER_REVIEW)
        key = f"{_chain_key(e.from_status)}:{position}" if in_chain and position else ""
        if e.action in ("submit",) or (e.action == "forward" and e.from_status == S.DRAFT):
            done = {"submit": e.at}
        if e.action == "forward":
            done["unit"] = e.at
            key = "unit"
        elif e.action in ("accept", "auto_accept"):
            done["accept"] = e.at
            key = "accept"
        elif e.action == "approve" and key:
            done[key] = e.at
        elif e.action == "notice_pass":
            done["notice"] = done["card"] = e.at
            key = "notice"
        elif e.action == "return" and e.from_status == S.UNIT_REVIEW:
            key = "unit"
        elif e.action in ("return", "reroute") and e.from_status == S.AWAITING_ACCEPTANCE:
            key = "accept"
        if key:
            acted[e.pk] = key
        # the chain position after the event
        if e.action == "approve" and e.to_status == e.from_status:
            position += 1
        elif e.action == "send_back_step":
            position -= 1
        elif e.to_status in (S.DEPT_REVIEW, S.UNDER_REVIEW) and e.to_status != e.from_status:
            position = 1
        elif e.to_status not in (S.DEPT_REVIEW, S.UNDER_REVIEW):
            position = 0
    return done, acted


def _route(case: Case):
    """(via the unit?, department, acceptance office) as recorded, else as it would be."""
    if case.route and case.acceptance_office_id:
        return (
            case.route == Case.Route.VIA_UNIT,
            case.supervisory_office,
            case.acceptance_office,
        )
    try:
        route = routing.route_for(case.unit)
    except DomainError:
        return False, None, None
    return route.via_unit, route.supervisory_office, route.acceptance_office


def case_progress(case: Case, events: list[CaseEvent]) -> list[Step]:
    """Every step of the case's route with its office and date; the current one marked."""
    via_unit, dept, accept = _route(case)
    chains: dict[tuple[str, int], list] = {}  # the steps read here, not read again below
    steps = [Step("submit", gettext("填报并送审"), case.applicant.real_name)]
    if via_unit:
        steps.append(Step("unit", gettext("单位审核"), case.unit.name))
        if dept is not None:
            chains["dept", dept.pk] = routing.chain_steps(dept.pk, DEPARTMENT)
            for i, s in enumerate(chains["dept", dept.pk], 1):
                steps.append(
                    Step(
                        f"dept:{i}",
                        gettext("主管部门第%(order)s步：%(step)s") % {"order": i, "step": s.name},
                        dept.name,
                    )
                )
    where = accept.name if accept else gettext("受理机构")
    steps.append(Step("accept", gettext("受理"), where))
    if accept is not None:
        chains["review", accept.pk] = routing.chain_steps(accept.pk, REVIEW)
        for i, s in enumerate(chains["review", accept.pk], 1):
            steps.append(
                Step(
                    f"review:{i}",
                    gettext("审批第%(order)s步：%(step)s") % {"order": i, "step": s.name},
                    where,
                )
            )
    steps.append(Step("notice", gettext("公示"), where))
    steps.append(Step("card", gettext("出具入户卡"), where))

    done, acted = _replay(events)
    current = _current_key(case, chains)
    if case.status == S.REJECTED:
        rejects = [e for e in events if e.action == "reject"]
        current = acted.get(rejects[-1].pk, "") if rejects else ""
    for step in steps:
        step.at = done.get(step.key)
        if step.at is not None:
            step.state = "done"
    for step in steps:
        if step.key == current:
            step.state = "stopped" if case.status == S.REJECTED else "current"
            step.at = None if step.state == "current" else step.at
    if case.status == S.CARD_ISSUED:
        for step in steps:
            step.state = "done"
    return steps


def _current_key(case: Case, chains: dict | None = None) -> str:
    status = case.status
    if status in (S.DRAFT, S.RETURNED):
        return "submit"
    if status == S.UNIT_REVIEW:
        return "unit"
    if status == S.AWAITING_ACCEPTANCE:
        return "accept"
    if status in (S.DEPT_REVIEW, S.UNDER_REVIEW):
        # Keys count the office's active steps from 1 (as the history replay does); the
        # stored `order` values need not be 1, 2, 3.
        known = (chains or {}).get(
            ("dept" if status == S.DEPT_REVIEW else "review", case.holding_office_id)
        )
        if known is None:
            purpose = DEPARTMENT if status == S.DEPT_REVIEW else REVIEW
            known = routing.chain_steps(case.holding_office_id, purpose)
        ids = [s.pk for s in known]
        position = ids.index(case.chain_step_id) + 1 if case.chain_step_id in ids else 1
        return f"{_chain_key(status)}:{position}"
    if status in (S.IN_NOTICE, S.OBJECTION):
        return "notice"
    if status == S.CARD_ISSUED:
        return "card"
    return ""  # withdrawn (no step is current); rejected: the caller finds the step


def history_steps(case: Case, events: list[CaseEvent], steps: list[Step]) -> None:
    """Set `event.step_label` to the step each row acted on: three 「审核通过」 rows then
    read 「审核通过 · 主管部门第1步：处室初审」, … (issue #11)."""
    labels = {s.key: s.label for s in steps}
    _done, acted = _replay(events)
    for e in events:
        e.step_label = labels.get(acted.get(e.pk, ""), "")
