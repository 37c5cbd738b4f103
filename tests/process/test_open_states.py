"""The non-negotiable, table-driven over every declared process (cases, objections,
tickets, the reviewed requests…): every open state has someone who can act, and every way
into it starts a deadline — the one sweep fires it (or the process's own worker, cases)."""

from __future__ import annotations

import pytest

from rencai.process import declare
from rencai.process.declare import SYSTEM

#: Open states whose clock runs on another process's rows: a case paused by objections
#: waits on each objection's checking deadline (rencai.notice.process.CHECK_DAYS).
DELEGATED = {("case", "objection"): ("notice", "open")}


def _open_states():
    return [
        (p.key, state)
        for p in sorted(declare.processes(), key=lambda p: p.key)
        for state in p.states
        if state not in p.terminal
    ]


def _can_act(p, state) -> bool:
    """A person's role acts from `state`, or it only waits for its own deadline row."""
    rows = p.rows_from(state)
    if any(t.role != SYSTEM for t in rows):
        return True
    into = [t for t in p.transitions if t.target == state and t.deadline]
    return bool(into) and all(
        any(r.action == t.deadline.action and r.role == SYSTEM for r in rows) for t in into
    )


def _ways_in_without_deadline(p, state) -> list[str]:
    return [
        f"{t.source or 'NEW'} --{t.action}/{t.role}-->"
        for t in p.transitions
        if t.target == state and t.deadline is None and not t.keep_due
    ]


def test_the_declarations_cover_cases_and_objections():
    keys = {p.key for p in declare.processes()}
    assert {"case", "notice", "ticket", "work_order", "change", "unit_admin"} <= keys


@pytest.mark.parametrize(("key", "state"), _open_states())
def test_open_state_has_someone_who_can_act(key, state):
    p = declare.get(key)
    assert _can_act(p, state), f"{key}.{state}: nobody can act"


@pytest.mark.parametrize(("key", "state"), _open_states())
def test_every_way_into_an_open_state_starts_a_deadline(key, state):
    p = declare.get(key)
    if (key, state) in DELEGATED:
        key, state = DELEGATED[key, state]
        p = declare.get(key)
        assert state not in p.terminal
    assert _ways_in_without_deadline(p, state) == []
    # …and the deadline's action has a system row there, fired by a sweep.
    for t in p.transitions:
        if t.target == state and t.deadline:
            assert any(
                r.action == t.deadline.action and r.role == SYSTEM for r in p.rows_from(state)
            )


@pytest.mark.parametrize(
    "key",
    sorted(p.key for p in declare.processes() if any(t.role != SYSTEM for t in p.transitions)),
)
def test_a_process_officials_act_in_declares_who_holds_it(key):
    """The generic worklist (process.selectors.worklist) lists what a process's `queue`
    returns: every process with an office role declares one (cases and objections too)."""
    p = declare.get(key)
    if "office" in p.roles:
        assert p.queue is not None, f"{key}: no queue, its requests are on no worklist"
        assert p.holder is not None
