"""Property test: random sequences of (action, role, time passing) keep the invariants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from rencai.cases import workflow
from rencai.cases.models import CaseEvent
from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock
from rencai.core.errors import DomainError
from tests.cases.factories import new_case, person

ROLES = (*workflow.Role.ALL, "stranger")


class CaseMachine(RuleBasedStateMachine):
    world = None  # set by the test

    @initialize(soe=st.booleans())
    def start(self, soe):
        clock.reset()
        # A fresh applicant per example: a card issued in an earlier example blocks its
        # applicant from further submissions (「已禁止再报」), which would make examples
        # depend on each other through the database.
        self.world.applicant = person("申请人")
        unit = self.world.soe if soe else self.world.private
        self.case = new_case(self.world, unit=unit)
        self.transitions = 0

    @rule(action=st.sampled_from(workflow.ACTIONS), role=st.sampled_from(ROLES))
    def act(self, action, role):
        case = self.case
        before = (case.status, case.version)
        actor, acting_as = self.world.actor(role, case)
        try:
            case_transition(
                case=case, action=action, actor=actor, acting_as=acting_as, reason="理由"
            )
        except DomainError:
            case.refresh_from_db()
            assert (case.status, case.version) == before
            return
        assert (before[0], action, role) in workflow.allowed_triples()
        self.transitions += 1

    @rule(data=st.data())
    def act_as_the_table_allows(self, data):
        rows = workflow.transitions_from(self.case.status)
        if rows:
            row = data.draw(st.sampled_from(rows))
            self.act(row.action, row.role)

    @rule(days=st.integers(min_value=1, max_value=12))
    def time_passes(self, days):
        clock.advance(timedelta(days=days))
        version = self.case.version
        deadlines_fire(batch=100)  # other examples' cases share the database
        self.case.refresh_from_db()
        assert self.case.version - version in (0, 1)  # a deadline fires at most once
        self.transitions += self.case.version - version

    @invariant()
    def status_is_a_table_state(self):
        if hasattr(self, "case"):
            assert self.case.status in workflow.STATES

    @invariant()
    def history_length_equals_transitions(self):
        if hasattr(self, "case"):
            assert CaseEvent.objects.filter(case=self.case).count() == self.transitions
            assert self.case.version == self.transitions + 1

    @invariant()
    def terminal_states_only_have_documented_exits(self):
        if hasattr(self, "case") and self.case.status in workflow.TERMINAL:
            for t in workflow.transitions_from(self.case.status):
                assert (t.source, t.action) in workflow.TERMINAL_EXITS

    @invariant()
    def a_deadline_always_has_a_system_action(self):
        if hasattr(self, "case") and self.case.due_at is not None:
            assert workflow.candidates(self.case.status, self.case.due_action, "system")

    @invariant()
    def someone_can_act_unless_terminal(self):
        if hasattr(self, "case") and self.case.status not in workflow.TERMINAL:
            assert workflow.transitions_from(self.case.status)
            if self.case.status in ("dept_review", "awaiting_acceptance", "under_review"):
                assert self.case.holding_office_id is not None


@pytest.mark.django_db
def test_workflow_state_machine(world):
    CaseMachine.world = world
    try:
        run_state_machine_as_test(
            CaseMachine,
            settings=settings(
                max_examples=40, stateful_step_count=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )  # fmt: skip
    finally:
        clock.reset()
        CaseMachine.world = None
    reached = set(CaseEvent.objects.values_list("to_status", flat=True))
    assert {"unit_review", "awaiting_acceptance", "under_review"} <= reached, reached
