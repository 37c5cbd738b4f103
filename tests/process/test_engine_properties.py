"""Invariants of rencai.process.engine, over random sequences of attempts on every process
of rencai.changes: whoever tries whatever, in any order, with time passing and the deadline
sweep running:

- an attempt either writes exactly one history row (from = the state before, version + 1)
  or raises and changes nothing;
- the status only changes through the engine (a plain save of a new status is refused);
- the history replays to the current state, versions 1..n without gaps;
- every non-terminal state has someone who may act and a deadline on the clock (or the
  reminder already sent), and every state with a clock has its system row.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rencai.core import clock
from rencai.core.errors import DomainError
from rencai.process import engine
from rencai.process.declare import NEW, SYSTEM
from rencai.process.models import ProcessEvent, StatusWriteError
from tests.process.conftest import OFFICE_OF, PROCESSES

pytestmark = pytest.mark.django_db

ACTORS = ("requester", "office", "stranger", "system")
ACTIONS = ("approve", "reject", "remind", "submit", "bogus")
step = st.one_of(
    st.tuples(st.just("act"), st.sampled_from(ACTORS), st.sampled_from(ACTIONS), st.booleans()),
    st.tuples(st.just("wait"), st.integers(1, 12)),
    st.tuples(st.just("sweep")),
)


def _history(process, obj):
    return list(ProcessEvent.objects.filter(process=process.key, object_id=obj.pk))


def _check(process, obj):
    events = _history(process, obj)
    assert (
        [e.version for e in events]
        == list(range(1, len(events) + 1))
        == list(range(1, obj.version + 1))
    )
    state = NEW
    for e in events:
        assert e.from_status == state
        state = e.to_status
    assert state == obj.status
    if obj.status not in process.terminal:
        assert any(t.role != SYSTEM for t in process.rows_from(obj.status))
        assert obj.due_date is not None
        if obj.due_action:
            assert obj.due_at is not None and any(
                t.action == obj.due_action and t.role == SYSTEM
                for t in process.rows_from(obj.status)
            )


@pytest.mark.parametrize("key", sorted(PROCESSES))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, max_size=8))
def test_invariants_hold_for_any_sequence(key, steps, people, new_request):
    process = PROCESSES[key]
    who = {**people, "office": people[OFFICE_OF[key]]}
    with transaction.atomic():
        obj = new_request(process)
        _check(process, obj)
        for s in steps:
            if s[0] == "wait":
                clock.advance(timedelta(days=s[1]))
                continue
            before = (obj.status, obj.version, len(_history(process, obj)))
            if s[0] == "sweep":
                engine.deadlines_sweep(batch=10, processes=(process.key,))
            else:
                _, actor, action, with_reason = s
                try:
                    engine.transition(
                        process=process, obj=obj, action=action, actor=who[actor],
                        reason="材料不全" if with_reason else "",
                    )  # fmt: skip
                except DomainError:
                    obj.refresh_from_db()
                    assert (obj.status, obj.version, len(_history(process, obj))) == before
                    continue
            obj.refresh_from_db()
            moved = obj.version - before[1]
            assert moved in (0, 1) and len(_history(process, obj)) == before[2] + moved
            _check(process, obj)
        # A plain save of another status is refused.
        other = next(s for s in process.states if s != obj.status)
        obj.status = other
        with pytest.raises(StatusWriteError):
            obj.save()
        transaction.set_rollback(True)
    clock.reset()


@pytest.mark.parametrize("key", sorted(PROCESSES))
def test_declaration_is_consistent(key):
    assert PROCESSES[key].check() == []
