"""Who can move a case on from where it is now (finding: a case in 单位审核中 that nobody
could act on, with 「本环节无办理时限」).

For the case's state, every row of the workflow table is asked for a real person or the
system: the applicant (active account), the unit's active admins, the holding office's
active staff allowed at the current step, or the deadline worker when the case's due
action is a system row of this state. `tests/cases/test_actors.py` drives cases through
the table on both routes and proves that every open state has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from rencai.cases import workflow
from rencai.cases.models import Case


@dataclass(frozen=True)
class Actor:
    role: str  # workflow.Role
    action: str
    who: str  # a person's login name, or "system"


def office_staff(case: Case):
    """Active officials of the holding office allowed at the current step."""
    from rencai.accounts.models import RoleGrant, User

    if case.holding_office_id is None:
        return User.objects.none()
    staff = User.objects.filter(
        is_active=True,
        role_grants__role=RoleGrant.Role.OFFICIAL,
        role_grants__office_id=case.holding_office_id,
        role_grants__revoked_at__isnull=True,
    ).distinct()
    step = case.chain_step
    if step is not None and not step.any_staff:
        staff = staff.filter(pk__in=step.staff.values("pk"))
    return staff


def case_actors(case: Case) -> list[Actor]:
    """Everyone (and the system) who has a row of the table to move `case` now."""
    from rencai.cases.routing import unit_admins

    found: list[Actor] = []
    for row in workflow.transitions_from(case.status):
        if row.role == workflow.Role.APPLICANT and case.applicant.is_active:
            found.append(Actor(row.role, row.action, case.applicant.login_name))
        elif row.role == workflow.Role.UNIT_ADMIN:
            if case.status == Case.Status.DRAFT and case.created_by_id == case.applicant_id:
                continue  # the applicant's own draft is not the unit's yet
            found += [Actor(row.role, row.action, u.login_name) for u in unit_admins(case.unit)]
        elif row.role == workflow.Role.OFFICE:
            found += [Actor(row.role, row.action, u.login_name) for u in office_staff(case)]
        elif (
            row.role == workflow.Role.SYSTEM
            and case.due_at is not None
            and case.due_action == row.action
        ):
            found.append(Actor(row.role, row.action, "system"))
    return found
