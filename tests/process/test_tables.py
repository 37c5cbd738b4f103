"""Table-driven: every row of every process of rencai.changes does what its row says."""

from __future__ import annotations

import pytest

from rencai.audit.models import AuditEvent
from rencai.process import engine
from rencai.process.declare import NEW, SYSTEM
from rencai.process.selectors import history
from rencai.workdays.calendar import deadline_for
from tests.process.conftest import OFFICE_OF, PROCESSES

pytestmark = pytest.mark.django_db

ROWS = [
    (key, index)
    for key, p in sorted(PROCESSES.items())
    for index, row in enumerate(p.transitions)
    if row.source != NEW
]


@pytest.mark.parametrize(("key", "index"), ROWS)
def test_row(key, index, people, new_request):
    process = PROCESSES[key]
    row = process.transitions[index]
    obj = new_request(process)
    actor = None if row.role == SYSTEM else people[OFFICE_OF[key]]
    moved = engine.transition(
        process=process, obj=obj, action=row.action, actor=actor,
        reason="材料不清晰" if row.reason_required else "",
    )  # fmt: skip
    assert moved.status == row.target and moved.version == 2
    last = history(process=process, obj=moved)[-1]
    assert (last.from_status, last.action, last.role, last.to_status) == (
        row.source,
        row.action,
        row.role,
        row.target,
    )
    assert AuditEvent.objects.filter(event=f"{process.key}.{row.action}").exists()
    assert moved.due_date == obj.due_date  # every row of these processes keeps the due date
    assert not moved.due_action  # and stops the clock


@pytest.mark.parametrize("key", sorted(PROCESSES))
def test_start_sets_the_declared_deadline(key, new_request):
    process = PROCESSES[key]
    obj = new_request(process)
    row = (
        next(t for t in process.transitions if t.source == NEW and t.guards == ())
        if key == "unit_admin"
        else None
    )
    days = row.deadline.workdays if row else 2  # 增加院校: 2 working days (FAQ 一.8)
    assert obj.due_date == deadline_for(obj.submitted_at, days).due_date
    assert obj.due_action == "remind" and history(process=process, obj=obj)[0].action in (
        "submit",
        "request",
    )


@pytest.mark.parametrize("key", sorted(PROCESSES))
def test_refusals_change_nothing(key, people, new_request):
    from rencai.core.errors import Conflict, NotFound

    process = PROCESSES[key]
    obj = new_request(process)
    with pytest.raises(NotFound):  # a stranger: as if it did not exist
        engine.transition(process=process, obj=obj, action="approve", actor=people["stranger"])
    with pytest.raises(Conflict):  # the requester may not approve their own request
        engine.transition(process=process, obj=obj, action="approve", actor=people["requester"])
    office = people[OFFICE_OF[key]]
    engine.transition(process=process, obj=obj, action="approve", actor=office)
    with pytest.raises(Conflict, match="已被他人处理"):  # double submit acts once
        engine.transition(process=process, obj=obj, action="approve", actor=office)
    assert len(history(process=process, obj=obj)) == 2


def test_every_declaration_is_consistent_and_documented():
    from django.core.management import call_command

    from rencai.process import declare

    assert {p.key for p in declare.processes()} >= {"case", "change", "unit_admin"}
    assert {p.key: p.check() for p in declare.processes()} == {
        p.key: [] for p in declare.processes()
    }
    call_command("process_docs", check=True)  # docs/processes/*.md are current
