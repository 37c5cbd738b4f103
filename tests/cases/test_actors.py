"""Every open state has someone who can act (finding 4 of issue #9: a city school's case
sat in 单位审核中 with 「本环节无办理时限」 and no unit admin, so nobody could act).

Table-driven, two ways:
- statically, from the workflow table: a state no office acts in (unit review, public
  notice) is entered only with a clock, and unit review only for a unit with an admin;
- dynamically: cases are driven through the real table (case_transition) on both route
  kinds until every reachable state is reached, and in each open state
  `rencai.cases.actors.case_actors` finds an office's staff allowed at the step, a unit's
  active admin, or the system with a due deadline of that state.
"""

from __future__ import annotations

import pytest

from rencai.cases import workflow
from rencai.cases.actors import case_actors
from rencai.cases.models import Case
from rencai.cases.services import case_transition
from rencai.core import clock
from rencai.core.errors import DomainError
from tests.cases.factories import new_case, person

S = workflow.State
R = workflow.Role
OPEN = [s for s in workflow.STATES if s not in workflow.TERMINAL]
#: States the applicant holds (a draft, a returned case): the applicant is the actor.
APPLICANT_HELD = {S.DRAFT, S.RETURNED}
ROUTES = {
    "direct": {
        S.DRAFT, S.AWAITING_ACCEPTANCE, S.UNDER_REVIEW, S.RETURNED, S.IN_NOTICE,
        S.OBJECTION, S.CARD_ISSUED, S.REJECTED, S.WITHDRAWN,
    },
    "via_unit": set(workflow.STATES),
}  # fmt: skip


def _roles_from(state):
    return {t.role for t in workflow.transitions_from(state)}


def _system_actions(state):
    return {t.action for t in workflow.transitions_from(state) if t.role == R.SYSTEM}


@pytest.mark.parametrize("state", [s for s in OPEN if s not in APPLICANT_HELD])
def test_table_every_open_state_has_an_office_or_is_entered_with_a_clock(state):
    entering = [t for t in workflow.TRANSITIONS if t.target == state]
    assert entering, state
    if R.OFFICE in _roles_from(state):
        # Office-held: every way in puts the case in an office's hands (checked with
        # real staff below); nothing to prove from the table alone.
        return
    for t in entering:
        assert t.deadline is not None, f"{t.source} --{t.action}--> {state} starts no clock"
        assert t.deadline.action in _system_actions(state), (t.action, t.deadline.action)
        assert t.deadline.workdays > 0


def test_table_unit_review_is_entered_only_with_a_unit_admin():
    for t in workflow.TRANSITIONS:
        if t.target != S.UNIT_REVIEW or t.source == S.UNIT_REVIEW:
            continue
        assert t.role == R.UNIT_ADMIN or "unit_admin_active" in t.guards, (t.source, t.action)


def test_table_the_unit_clock_ends_with_the_department():
    remind = workflow.candidates(S.UNIT_REVIEW, "unit_review_remind", R.SYSTEM)
    escalate = workflow.candidates(S.UNIT_REVIEW, "unit_review_escalate", R.SYSTEM)
    assert [r.deadline.action for r in remind] == ["unit_review_escalate"]
    assert [r.target for r in escalate] == [S.DEPT_REVIEW]
    assert "to_department" in escalate[0].effects


# --- dynamic: drive real cases through the table ------------------------------------------


def _step(world, case, action, role):
    actor, acting_as = world.actor(role, case)
    if role == R.SYSTEM and case.due_action == action and case.due_at is not None:
        with clock.frozen(case.due_at):
            return case_transition(
                case=case, action=action, actor=None, acting_as=None, reason="理由"
            )
    return case_transition(
        case=case, action=action, actor=actor, acting_as=acting_as, reason="理由"
    )


def _replay(world, unit, path):
    world.applicant = person("申请人")  # one open application per person
    case = new_case(world, unit=unit)
    for action, role in path:
        case = _step(world, case, action, role)
    return case


def _node(case):
    """A state, and within a chain the step: approving inside a chain is progress too."""
    return case.status, case.chain_step.order if case.chain_step_id else None


def _explore(world, unit) -> dict[tuple, list]:
    """Breadth-first over the table: the first path (action, role)* to each node."""
    paths = {(S.DRAFT, None): []}
    queue = [(S.DRAFT, None)]
    while queue:
        node = queue.pop(0)
        for row in workflow.transitions_from(node[0]):
            case = _replay(world, unit, paths[node])
            try:
                _step(world, case, row.action, row.role)
            except DomainError:
                continue  # a guard of this route refuses it; another row may lead there
            case.refresh_from_db()
            if _node(case) not in paths:
                paths[_node(case)] = [*paths[node], (row.action, row.role)]
                queue.append(_node(case))
    return paths


@pytest.mark.parametrize("route", ["direct", "via_unit"])
def test_every_reachable_open_state_has_an_actor(world, route):
    unit = world.soe if route == "via_unit" else world.private
    clock.reset()
    try:
        paths = _explore(world, unit)
        assert {state for state, _step in paths} == ROUTES[route]
        for (state, _order), path in paths.items():
            if state in workflow.TERMINAL:
                continue
            case = _replay(world, unit, path)
            assert case.status == state
            actors = case_actors(case)
            others = [a for a in actors if a.role != R.APPLICANT]
            if state in APPLICANT_HELD:
                assert any(a.role == R.APPLICANT for a in actors), state
            else:
                assert others, f"nobody can act on a {route} case in {state} ({path})"
            if state == S.UNIT_REVIEW:  # the unit's admin, and the clock behind it
                assert {a.role for a in others} == {R.UNIT_ADMIN, R.SYSTEM}
    finally:
        clock.reset()


def test_unit_review_keeps_an_actor_when_the_admin_is_revoked(world):
    case = new_case(world, unit=world.soe)
    case_transition(case=case, action="submit", actor=world.applicant, acting_as=None)
    world.unit_acting.grant.revoked_at = clock.now()
    world.unit_acting.grant.save()
    actors = case_actors(case)
    assert [(a.role, a.action) for a in actors if a.role != R.APPLICANT] == [
        (R.SYSTEM, "unit_review_remind")
    ]


def test_department_staff_restricted_to_a_step_count_only_when_assigned(world):
    from rencai.cases.actors import office_staff
    from tests.cases.factories import place

    step = world.dept_steps[0]
    step.any_staff = False
    step.save()
    case = place(new_case(world, unit=world.soe), S.DEPT_REVIEW, step=step)
    assert not office_staff(case).exists()
    user, _acting = world.officials["dept-sasac"]
    step.staff.add(user)
    assert list(office_staff(case)) == [user]


def test_demo_offices_with_a_chain_have_staff(demo_data):
    """The demo (make run) never shows a chain nobody works in."""
    from rencai.accounts.models import RoleGrant
    from rencai.cases.models import ChainStep

    offices = set(ChainStep.objects.filter(is_active=True).values_list("office__code", flat=True))
    staffed = set(
        RoleGrant.objects.filter(role="official", revoked_at__isnull=True).values_list(
            "office__code", flat=True
        )
    )
    assert offices and offices <= staffed, offices - staffed
    assert Case.objects.exists()


def test_check_chains_lists_chains_nobody_works_in(world):
    from io import StringIO

    from django.core.management import call_command

    from rencai.cases.models import ChainStep
    from rencai.orgs.models import Office

    edu = Office.objects.get(code="dept-edu")
    ChainStep.objects.create(office=edu, purpose="department", order=1, name="人事处审核")
    out = StringIO()
    call_command("check_chains", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "没有在岗工作人员" in line]
    assert [line.split("\t")[0] for line in lines] == ["dept-edu"]
