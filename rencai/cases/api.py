"""Cases JSON API: the workflow table, a case's status and its transitions.

Mount with `api.add_router("/cases", "rencai.cases.api.router")`.
"""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from rencai.accounts.roles import acting_as_for
from rencai.api.schemas import DbId, ModelText, Text
from rencai.backoffice.services import case_view_record
from rencai.cases import workflow
from rencai.cases.api_applicant import ActionOut, add_application_routes
from rencai.cases.selectors import case_actions_for, case_get_for_actor, case_status_text
from rencai.cases.services import case_act, case_transition
from rencai.orgs.models import Office


def _get_case(request, number: str, acting_as):
    # Officials' second factor: SecondFactorMiddleware, as for every request.
    return case_get_for_actor(number=number, user=request.user, acting_as=acting_as)


class RowOut(Schema):
    source: str
    action: str
    label: str
    role: str
    target: str
    guards: list[str]
    deadline_action: str | None
    deadline_workdays: int | None
    notify: list[str]
    reason_required: bool


class CaseOut(Schema):
    number: str
    status: str
    status_text: str
    version: int
    holding_office: str | None
    due_date: date | None
    due_provisional: bool
    role: str
    actions: list[ActionOut]


class TransitionIn(Schema):
    action: Text(40, "操作", name="action")
    reason: Text(1000, "意见/原因", name="reason", multiline=True) = ""
    expected_version: DbId | None = None
    target_office: (
        ModelText(Office, "code", label="改派受理部门", as_name="target_office") | None
    ) = None  # reroute: an office code


def _case_out(case, role) -> dict:
    return {
        "number": case.number,
        "status": case.status,
        "status_text": case_status_text(case),
        "version": case.version,
        "holding_office": case.holding_office.name if case.holding_office_id else None,
        "due_date": case.due_date,
        "due_provisional": case.due_provisional,
        "role": role,
        "actions": [a.__dict__ for a in case_actions_for(case=case, role=role)],
    }


def build_router() -> Router:
    router = Router(tags=["cases 入户申请"])

    @router.get("/workflow", response=list[RowOut], auth=None)
    def workflow_table(request):
        return [
            {
                "source": t.source,
                "action": t.action,
                "label": t.action_label,
                "role": t.role,
                "target": t.target,
                "guards": list(t.guards),
                "deadline_action": t.deadline.action if t.deadline else None,
                "deadline_workdays": t.deadline.workdays if t.deadline else None,
                "notify": list(t.notify),
                "reason_required": t.reason_required,
            }  # fmt: skip
            for t in workflow.TRANSITIONS
        ]

    # After /workflow, before GET /{number}: /unit/... are literal paths, and the PATCH on
    # /{number} there shares its URL pattern with case_detail.
    add_application_routes(router)

    @router.get("/{number}", response=CaseOut)
    def case_detail(request, number: str):
        case, role = _get_case(request, number, acting_as_for(request))
        if role == workflow.Role.OFFICE:  # personal data read: audited as the office page is
            case_view_record(case=case, user=request.user, request=request)
        return _case_out(case, role)

    @router.post("/{number}/transitions", response=CaseOut)
    def case_transition_create(request, number: str, payload: TransitionIn):
        acting_as = acting_as_for(request)
        case, _role = _get_case(request, number, acting_as)
        target = (
            Office.objects.filter(code=payload.target_office).first()
            if payload.target_office
            else None
        )
        if target is None:
            # People's buttons: idempotent with expected_version.
            case_act(
                case=case, action=payload.action, actor=request.user, acting_as=acting_as,
                reason=payload.reason, expected_version=payload.expected_version,
                request=request,
            )  # fmt: skip
        else:
            case_transition(
                case=case, action=payload.action, actor=request.user, acting_as=acting_as,
                reason=payload.reason, expected_version=payload.expected_version,
                target_office=target, request=request,
            )  # fmt: skip
        case, role = case_get_for_actor(number=number, user=request.user, acting_as=acting_as)
        return _case_out(case, role)

    return router


router = build_router()
