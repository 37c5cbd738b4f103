"""Table-driven: every row of the ticket and work-order processes does what its row says."""

from __future__ import annotations

import pytest

from rencai.audit.models import AuditEvent
from rencai.core.errors import Conflict, NotFound
from rencai.process import engine
from rencai.process.declare import NEW, SYSTEM
from rencai.process.selectors import history
from rencai.support import services
from rencai.support.processes import TICKET, WORK_ORDER
from rencai.support.selectors import steps_for_case

pytestmark = pytest.mark.django_db

ROWS = [
    (p.key, i)
    for p in (TICKET, WORK_ORDER)
    for i, row in enumerate(p.transitions)
    if row.source != NEW
]


def _actor(row, world, window):
    if row.role == SYSTEM:
        return None, None
    if row.role == "requester":
        return world.applicant, None
    return window


def _ticket_in(state, world, window, open_ticket):
    ticket = open_ticket()
    if state == "answered":
        ticket = engine.transition(
            process=TICKET, obj=ticket, action="reply", actor=window[0], acting_as=window[1],
            reason="请补充单位注册地址",
        )  # fmt: skip
    return ticket


def _order(world, window, case):
    from rencai.cases.services import case_transition

    case = case_transition(
        case=case, action="accept", actor=window[0], acting_as=window[1], reason=""
    )
    step = next(s for s in steps_for_case(case=case, user=world.applicant))
    rating = services.rating_submit(user=world.applicant, step=step, score=1, tags=["slow"])
    return rating.work_order


@pytest.mark.parametrize(("key", "index"), ROWS)
def test_row(key, index, world, window, case, open_ticket, right_window):
    p = TICKET if key == "ticket" else WORK_ORDER
    row = p.transitions[index]
    obj = (
        _ticket_in(row.source, world, window, open_ticket)
        if p is TICKET
        else _order(world, window, case)
    )
    before = obj.version
    actor, acting = _actor(row, world, window)
    moved = engine.transition(
        process=p, obj=obj, action=row.action, actor=actor, acting_as=acting,
        reason="已改派至越秀区人社局" if row.reason_required else "",
        target_office=right_window,
    )  # fmt: skip
    assert moved.status == row.target and moved.version == before + 1
    last = history(process=p, obj=moved)[-1]
    assert (last.from_status, last.action, last.role, last.to_status) == (
        row.source, row.action, row.role, row.target,
    )  # fmt: skip
    assert AuditEvent.objects.filter(event=f"{p.key}.{row.action}").exists()
    if row.deadline:
        assert moved.due_action == row.deadline.action and moved.due_date
    elif row.keep_due:
        assert moved.due_date == obj.due_date and not moved.due_action
    else:
        assert moved.due_date is None and not moved.due_action


def test_declarations_are_sound():
    assert TICKET.check() == [] and WORK_ORDER.check() == []


def test_refusals_change_nothing(world, window, open_ticket, stranger):
    ticket = open_ticket()
    with pytest.raises(NotFound):  # a stranger: as if it did not exist
        engine.transition(process=TICKET, obj=ticket, action="close", actor=stranger)
    with pytest.raises(Conflict):  # the person cannot answer their own ticket
        engine.transition(
            process=TICKET, obj=ticket, action="reply", actor=world.applicant, reason="x"
        )
    other_user, other = world.officials["district-440104"]
    with pytest.raises(NotFound):  # another office's official
        engine.transition(
            process=TICKET, obj=ticket, action="reply", actor=other_user, acting_as=other,
            reason="x",
        )  # fmt: skip
    engine.transition(
        process=TICKET, obj=ticket, action="reply", actor=window[0], acting_as=window[1],
        reason="已核实", expected_version=1,
    )  # fmt: skip
    with pytest.raises(Conflict, match="已被他人处理"):  # a double submit acts once
        engine.transition(
            process=TICKET, obj=ticket, action="reply", actor=window[0], acting_as=window[1],
            reason="已核实", expected_version=1,
        )  # fmt: skip
    assert len(history(process=TICKET, obj=ticket)) == 2


def test_work_order_starts_only_by_the_system(world, window, case):
    order = _order(world, window, case)
    assert order.status == "open" and order.office.code == "district-440106"
    first = history(process=WORK_ORDER, obj=order)[0]
    assert first.role == SYSTEM and first.actor is None and order.due_date is not None
