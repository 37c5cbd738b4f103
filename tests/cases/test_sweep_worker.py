"""Deemed acceptance across a holiday, and the sweep's exactly-once guarantee when a
worker is SIGKILLed mid-batch and two real `rencai worker --once` processes follow.

(tests/cases/test_processes.py covers two concurrent sweeps and a kill mid-transition.)
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from django.db.models import Q

from rencai.cases import workflow
from rencai.cases.models import CaseEvent
from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.notify.models import OutboxMessage
from tests.cases.factories import new_case
from tests.cases.test_processes import _run, shared, sqlite_template  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def test_deemed_acceptance_on_the_sixth_working_day_across_national_day(world):
    # Submitted Monday 2025-09-29. Counting starts the next day (次日起算); 2025-10-01…08
    # is the National Day / Mid-Autumn holiday, Saturday 10-11 a make-up working day:
    #   1: Tue 09-30   2: Thu 10-09   3: Fri 10-10   4: Sat 10-11   5: Mon 10-13
    # so the office has until Monday 10-13 and silence means acceptance on the 6th
    # working day, Tuesday 2025-10-14, from 00:00.
    submitted = datetime(2025, 9, 29, 16, 30, tzinfo=SHANGHAI)
    with clock.frozen(submitted):
        case = new_case(world)
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert case.status == "awaiting_acceptance"
    assert case.due_date.isoformat() == "2025-10-13"
    assert case.due_at == datetime(2025, 10, 14, 0, 0, tzinfo=SHANGHAI)
    assert not case.due_provisional

    for moment in (datetime(2025, 10, 8, 12, 0), datetime(2025, 10, 13, 23, 59, 59)):
        with clock.frozen(moment.replace(tzinfo=SHANGHAI)):
            assert deadlines_fire(batch=50) == 0
    sms_before = OutboxMessage.objects.filter(recipient=world.applicant.mobile).count()
    with clock.frozen(datetime(2025, 10, 14, 0, 0, 30, tzinfo=SHANGHAI)):
        assert deadlines_fire(batch=50) == 1
        assert deadlines_fire(batch=50) == 0
    case.refresh_from_db()
    assert case.status == "under_review" and case.due_action == "step_remind"
    assert case.chain_step == world.review_steps[0]
    event = CaseEvent.objects.get(case=case, action="auto_accept")
    assert event.actor is None and event.acting_as == "系统"
    assert "系统自动受理" in event.reason
    assert event.at.astimezone(SHANGHAI).date().isoformat() == "2025-10-14"
    sms = OutboxMessage.objects.filter(recipient=world.applicant.mobile).order_by("-id")
    assert sms.count() == sms_before + 1
    message = sms.first()
    assert message.idempotency_key == f"case:{case.pk}:{event.pk}"
    assert case.number in message.body and "已由系统自动受理" in message.body
    assert "天河区" in message.body


def test_bulk_sweep_writes_what_case_transition_writes(world):
    """The sweep fires in bulk; each case gets one event, one audit entry, one SMS."""
    from rencai.audit.models import AuditEvent

    with clock.frozen(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)):
        cases = [new_case(world) for _ in range(4)]
        for case in cases:
            case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    with clock.frozen(cases[0].due_at):
        assert deadlines_fire(batch=3) == 3
        assert deadlines_fire(batch=3) == 1
    for case in cases:
        case.refresh_from_db()
        assert (case.status, case.version) == ("under_review", 3)
        event = case.events.get(action="auto_accept")
        assert event.version == 3 and event.office.code == "district-440106"
        assert event.status_text.startswith("已受理")
        audit = AuditEvent.objects.get(event="case.auto_accept", object_id=str(case.pk))
        assert audit.actor is None and audit.acting_as == "系统"
        assert (
            OutboxMessage.objects.filter(idempotency_key=f"case:{case.pk}:{event.pk}").count() == 1
        )


def _worker_once(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    rencai = Path(sys.executable).with_name("rencai")
    return subprocess.Popen(
        [str(rencai), "worker", "--once", "--batch", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_then_two_workers_fire_every_case_exactly_once(shared):  # noqa: F811
    url, data = shared
    due = sorted(data["due"])
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    victim = subprocess.run(
        [sys.executable, "-m", "tests.cases.sweep_procs", "kill", "3", "5"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert victim.returncode == -signal.SIGKILL, victim.stdout + victim.stderr
    assert "updated 3 cases, killing myself" in victim.stdout

    _code, after_kill, log = _run(url, "inspect")
    assert after_kill["events"] == data["state"]["events"], log  # nothing committed
    assert all(after_kill["cases"][str(pk)][:2] == ["awaiting_acceptance", 1] for pk in due)
    assert after_kill["outbox"] == data["state"]["outbox"]

    time.sleep(0.1)
    workers = [_worker_once(url) for _ in range(2)]
    for proc in workers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out + err
    # `--batch 2` leaves work for a second round when one worker took most of it.
    _code, state, _log = _run(url, "inspect")
    for _round in range(len(due)):
        if all(state["cases"][str(pk)][0] == "under_review" for pk in due):
            break
        proc = _worker_once(url)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out + err
        _code, state, _log = _run(url, "inspect")
    fired = sorted(pk for pk, action in state["events"] if action == "auto_accept")
    assert fired == due  # every due case once: none twice, none lost
    for pk in due:
        assert state["cases"][str(pk)] == ["under_review", 2, True]  # the first review step's clock
    assert state["audit_transitions"] == data["state"]["audit_transitions"] + len(due)
    # one "accepted" SMS per case (outbox rows are kept after delivery)
    assert state["outbox"] == data["state"]["outbox"] + len(due)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweep_on_postgresql_fires_each_case_once(world, monkeypatch):
    """Outside a transaction, PostgreSQL sweeps on two connections (SKIP LOCKED hands
    each its own chunks): every due case fires exactly once, and `batch` still caps it."""
    import threading

    from django.db import connection

    from rencai.cases import sweep as services  # the bulk worker's module

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setattr(services, "FIRE_CHUNK", 2)
    threads = set()
    fire_chunk = services._fire_chunk

    def spy(now, limit):
        threads.add(threading.current_thread().name)
        return fire_chunk(now, limit)

    monkeypatch.setattr(services, "_fire_chunk", spy)
    with clock.frozen(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)):
        cases = [new_case(world) for _ in range(9)]
        for case in cases:
            case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    with clock.frozen(cases[0].due_at):
        assert deadlines_fire(batch=7) == 7
        assert deadlines_fire(batch=100) == 2
        assert deadlines_fire(batch=100) == 0
    assert any(name.startswith("sweep") for name in threads)
    fired = list(CaseEvent.objects.filter(action="auto_accept").values_list("case_id", flat=True))
    assert sorted(fired) == sorted(c.pk for c in cases)


DEADLINE_ACTIONS = sorted({r.deadline.action for r in workflow.TRANSITIONS if r.deadline})


#: Deadline actions that fire only after an earlier one of the same clock.
_AFTER = {
    "unit_review_escalate": "unit_review_remind",
    "draft_expire": "draft_remind",
    "correction_expire": "correction_remind",
    "step_remind_again": "step_remind",
}


def _due(world, case, action):
    """Bring a case to the point where `action` is its due deadline."""
    office, office_as = world.officials["district-440106"]
    if not action.startswith("draft_"):
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    if action == "notice_pass" or action.startswith("step_remind"):
        case_transition(case=case, action="accept", actor=office, acting_as=office_as)
    if action == "notice_pass":
        for _step in world.review_steps:
            case_transition(case=case, action="approve", actor=office, acting_as=office_as)
    if action.startswith("correction_"):
        case_transition(
            case=case, action="return", actor=office, acting_as=office_as, reason="请补充材料"
        )
    if action in _AFTER:
        with clock.frozen(case.due_at):
            case_transition(case=case, action=_AFTER[action], actor=None, acting_as=None)


@pytest.mark.parametrize("action", DEADLINE_ACTIONS)
def test_bulk_sweep_and_case_transition_write_the_same_for_every_deadline_row(world, action):
    """The sweep's bulk path (services._fire_many) is the second writer of status: for
    every row the deadlines fire, it must leave exactly what case_transition leaves."""
    from rencai.audit.models import AuditEvent
    from rencai.cases.services import WORKFLOW_FIELDS

    assert set(DEADLINE_ACTIONS) == {
        "auto_accept", "notice_pass", "unit_review_remind", "unit_review_escalate",
        "draft_remind", "draft_expire", "correction_remind", "correction_expire",
        "step_remind", "step_remind_again",
    }  # fmt: skip
    via_unit = action.startswith("unit_review")
    with clock.frozen(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)):
        pair = [new_case(world, unit=world.soe if via_unit else None) for _ in range(2)]
        for case in pair:
            _due(world, case, action)
            case.refresh_from_db()
            assert case.due_action == action
    by_hand, by_sweep = pair
    with clock.frozen(by_hand.due_at):
        case_transition(case=by_hand, action=action, actor=None, acting_as=None)
        assert deadlines_fire(batch=10) == 1

    def record(case):
        case.refresh_from_db()
        fields = {f: getattr(case, f) for f in WORKFLOW_FIELDS}
        event = case.events.get(action=action)
        event_fields = {
            f: getattr(event, f)
            for f in ("role", "acting_as", "from_status", "to_status", "status_text",
                      "reason", "office_id", "version", "at", "actor_id")
        }  # fmt: skip
        audit = AuditEvent.objects.get(event=f"case.{action}", object_id=str(case.pk))
        # the applicant's SMS of the event, and the messages to the people who must act
        # (unit admins, department staff: keyed by the case's version)
        sms = list(
            OutboxMessage.objects.filter(
                Q(idempotency_key__startswith=f"case:{case.pk}:{event.pk}")
                | Q(idempotency_key__startswith=f"case:{case.pk}:v{event.version - 1}:")
            )
            .order_by("idempotency_key")
            .values_list("channel", "recipient", "body")
        )
        return {
            "case": fields,
            "event": event_fields,
            "audit": (audit.actor_id, audit.acting_as, audit.detail.replace(case.number, "N")),
            # (two applicants: one open case each) the applicant's SMS goes to their own phone
            "sms": [
                (
                    c,
                    "applicant" if r == case.applicant.mobile else r,
                    re.sub(
                        r"/cards/[^/]+/",
                        "/cards/C/",
                        b.replace(case.number, "N").replace(case.applicant.real_name, "P"),
                    ),
                )
                for c, r, b in sms
            ],
            "card": hasattr(case, "card") and case.card is not None,
        }

    expected, got = record(by_hand), record(by_sweep)
    assert got == expected
    assert expected["case"]["status"] == {
        "auto_accept": "under_review", "notice_pass": "card_issued",
        "unit_review_remind": "unit_review", "unit_review_escalate": "dept_review",
        "draft_remind": "draft", "draft_expire": "withdrawn",
        "correction_remind": "returned", "correction_expire": "withdrawn",
        "step_remind": "under_review", "step_remind_again": "under_review",
    }[action]  # fmt: skip
    assert expected["card"] is (action == "notice_pass") and len(expected["sms"]) >= 1
    if action.startswith("step_remind"):  # the step's staff, not the applicant
        told = world.officials["district-440106"][0]
        assert ("sms", told.mobile) in {(c, r) for c, r, _b in expected["sms"]}
        assert "applicant" not in {r for _c, r, _b in expected["sms"]}
    if via_unit:  # the unit's admin (reminder) or the department's staff (escalation)
        told = (
            world.unit_admin if action == "unit_review_remind" else world.officials["dept-sasac"][0]
        )
        assert ("sms", told.mobile) in {(c, r) for c, r, _b in expected["sms"]}
