from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rencai.audit.models import AuditEvent
from rencai.cases.models import Case, CaseEvent
from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock, worker
from rencai.core.clock import SHANGHAI
from rencai.workdays.calendar import deadline_for
from tests.cases.factories import new_case, place

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # no holidays that fortnight


def test_submission_starts_the_acceptance_deadline(world):
    with clock.frozen(MONDAY):
        case = new_case(world)
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    expected = deadline_for(MONDAY, 5)
    assert case.due_action == "auto_accept"
    assert case.due_at == expected.fires_at and case.due_date == expected.due_date
    assert case.due_provisional == expected.provisional
    assert case.due_date.isoformat() == "2026-03-09"
    assert case.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-03-10"  # 6th day


def test_auto_accept_fires_on_the_sixth_working_day_exactly_once(world):
    with clock.frozen(MONDAY):
        case = new_case(world)
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    with clock.frozen(case.due_at - timedelta(seconds=1)):
        assert deadlines_fire(batch=10) == 0
    with clock.frozen(case.due_at):
        assert deadlines_fire(batch=10) == 1
        assert deadlines_fire(batch=10) == 0
    case.refresh_from_db()
    assert case.status == "under_review" and case.accepted_at == case.events.last().at
    event = CaseEvent.objects.filter(case=case, action="auto_accept").get()
    assert event.actor is None and event.acting_as == "系统" and "系统自动受理" in event.reason
    assert AuditEvent.objects.filter(event="case.auto_accept", object_id=str(case.pk)).count() == 1


def test_notice_end_issues_the_card_and_records_the_settlement(world):
    user, acting_as = world.officials["district-440106"]
    case = place(new_case(world), "under_review", step=world.review_steps[2])
    with clock.frozen(MONDAY):
        case_transition(case=case, action="approve", actor=user, acting_as=acting_as)
    assert case.status == "in_notice" and case.due_action == "notice_pass"
    with clock.frozen(case.due_at + timedelta(hours=1)):
        assert worker.run_once(batch=10)["rencai.cases.services.deadlines_fire"] == 1
    case.refresh_from_db()
    assert case.status == "card_issued" and case.due_at is None
    assert case.settlement.id_number_index == world.applicant.id_number_index


def test_acting_before_the_deadline_cancels_it(world, settings):
    settings.RENCAI_REVIEW_STEP_WORKDAYS = 20  # the review step's clock, apart from acceptance's
    with clock.frozen(MONDAY):
        case = new_case(world)
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
        user, acting_as = world.officials["district-440106"]
        case_transition(case=case, action="accept", actor=user, acting_as=acting_as)
    # The acceptance clock is gone; the first review step's own clock replaces it.
    assert case.due_action == "step_remind"
    with clock.frozen(MONDAY + timedelta(days=14)):  # past the auto-accept time
        assert deadlines_fire(batch=10) == 0


def test_a_due_action_the_table_refuses_is_dropped_not_retried(world):
    case = place(new_case(world), "under_review", due_at=clock.now(), due_action="auto_accept")
    assert deadlines_fire(batch=10) == 0
    case.refresh_from_db()
    assert case.due_at is None and case.status == "under_review"
    assert AuditEvent.objects.filter(event="case.deadline_skipped").count() == 1


def test_idle_sweep_is_one_indexed_query(world):
    with CaptureQueriesContext(connection) as queries:
        assert deadlines_fire(batch=10) == 0
    selects = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert len(selects) == 1
    sql = selects[0]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql.replace("FOR UPDATE SKIP LOCKED", ""))
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "case_due" in plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "case_due" in plan


def test_batch_limits_the_work(world):
    for _ in range(3):
        place(new_case(world), "awaiting_acceptance", due_at=clock.now(), due_action="auto_accept")
    assert deadlines_fire(batch=2) == 2
    assert deadlines_fire(batch=2) == 1
    assert Case.objects.filter(status="under_review").count() == 3
