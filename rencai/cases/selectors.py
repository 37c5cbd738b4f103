"""Reads for the pages, the API and the officials' worklists (phase 2/3)."""

from __future__ import annotations

from dataclasses import dataclass

from rencai.cases import workflow
from rencai.cases.models import Case, CaseEvent
from rencai.core.errors import NotFound


def case_status_text(case: Case) -> str:
    """The status in the seed's wording, naming the office; never blank (FAQ 一.9)."""
    status = case.status
    office = case.holding_office
    if status == Case.Status.DEPT_REVIEW and case.chain_step_id:
        step = case.chain_step
        return f"主管部门审核中（第{step.order}步：{step.name}）"
    if status == Case.Status.AWAITING_ACCEPTANCE and office:
        return f"未受理，等待（{office.name}受理）"
    if status == Case.Status.UNDER_REVIEW and office:
        return f"已受理，{office.name}审批中"
    return str(Case.Status(status).label)


@dataclass(frozen=True)
class AvailableAction:
    action: str
    label: str
    reason_required: bool


def case_actions_for(*, case: Case, role: str) -> list[AvailableAction]:
    """Buttons for someone with `role` on `case` (guards are checked when pressed)."""
    seen: dict[str, AvailableAction] = {}
    for t in workflow.transitions_from(case.status):
        if t.role == role and t.action not in seen:
            seen[t.action] = AvailableAction(t.action, t.action_label, t.reason_required)
    return list(seen.values())


def case_history(*, case: Case) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case=case).select_related("actor", "office").order_by("at", "id")
    )


def case_get_for_applicant(*, number: str, user) -> Case:
    case = (
        Case.objects.select_related("unit", "holding_office", "chain_step")
        .filter(number=number, applicant=user)
        .first()
    )
    if case is None:
        raise NotFound("申请不存在")
    return case


def case_list_for_office(*, office, status: str | None = None):
    """An office's worklist (phase 3 pages add the caller's grant check)."""
    qs = Case.objects.filter(holding_office=office).select_related("unit", "applicant")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "submitted_at")


def case_get_for_actor(*, number: str, user, acting_as) -> tuple[Case, str]:
    """The case and the caller's role on it; NotFound unless the caller has one."""
    from rencai.cases.relations import relation_of

    case = (
        Case.objects.select_related("unit", "holding_office", "chain_step")
        .filter(number=number)
        .first()
    )
    role = relation_of(case=case, actor=user, acting_as=acting_as) if case else None
    if case is None or role is None:
        raise NotFound("申请不存在")
    return case, role
