"""Cases JSON API: the workflow table, a case's status and its transitions.

Mount with `api.add_router("/cases", "rencai.cases.api.router")`.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from ninja import Router, Schema

from rencai.accounts.roles import acting_as_for
from rencai.api.schemas import DbId, ModelText, Text
from rencai.backoffice.services import case_view_record
from rencai.cases import workflow
from rencai.cases.api_applicant import add_application_routes
from rencai.cases.api_once import once, version_or_key
from rencai.cases.api_schemas import ActionOut
from rencai.cases.relations import relation_of
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


def _case_out(case, role, *, actions: bool = True) -> dict:
    return {
        "number": case.number,
        "status": case.status,
        "status_text": case_status_text(case),
        "version": case.version,
        "holding_office": case.holding_office.name if case.holding_office_id else None,
        "due_date": case.due_date,
        "due_provisional": case.due_provisional,
        "role": role,
        "actions": [a.__dict__ for a in case_actions_for(case=case, role=role)] if actions else [],
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
    def case_transition_create(request, number: str, payload: TransitionIn, response: HttpResponse):
        """Move the case. Carry `expected_version` (a stale one is 409) or an
        `Idempotency-Key` (the version read now is then expected, and a retry with the
        key returns the first response). The answer is the status after the move, also
        when the caller no longer holds the case (a return, a reroute)."""
        acting_as = acting_as_for(request)
        case, role = _get_case(request, number, acting_as)  # 404/403 before anything else
        version_or_key(request, payload.expected_version)

        def work():
            expected = payload.expected_version
            if expected is None:
                expected = case.version
            target = (
                Office.objects.filter(code=payload.target_office).first()
                if payload.target_office
                else None
            )
            if target is None:
                # People's buttons: a retry at the same version returns the first result.
                moved, _replayed = case_act(
                    case=case, action=payload.action, actor=request.user,
                    acting_as=acting_as, reason=payload.reason, expected_version=expected,
                    request=request,
                )  # fmt: skip
            else:
                moved = case_transition(
                    case=case, action=payload.action, actor=request.user,
                    acting_as=acting_as, reason=payload.reason, expected_version=expected,
                    target_office=target, request=request,
                )  # fmt: skip
            # The case as the transition left it; the caller may no longer see it.
            after = relation_of(case=moved, actor=request.user, acting_as=acting_as)
            return 200, _case_out(moved, after or role, actions=after is not None)

        return once(request, response, CaseOut, work)

    return router


router = build_router()
