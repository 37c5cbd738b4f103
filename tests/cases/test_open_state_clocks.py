"""Every open state has someone who can act and a deadline (issue #14): the clocks of a
draft, a returned case and an office's review step, through the real sweep, the SMS
outbox and the status page; the upgrade gives open cases their clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from rencai.cases import workflow
from rencai.cases.models import Case, CaseEvent
from rencai.cases.services import case_open_of, case_transition, deadlines_fire
from rencai.core import clock
from rencai.notify.models import OutboxMessage
from tests.backoffice.conftest import office_client
from tests.cases.factories import new_case, place

pytestmark = pytest.mark.django_db


def _fire_at(case: Case) -> int:
    case.refresh_from_db()
    with clock.frozen(case.due_at - timedelta(seconds=1)):
        assert deadlines_fire(batch=10) == 0  # not a second early
    with clock.frozen(case.due_at):
        fired = deadlines_fire(batch=10)
    case.refresh_from_db()
    return fired


def _sms_to(person) -> list[str]:
    return list(
        OutboxMessage.objects.filter(recipient=person.mobile, channel="sms")
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_a_forgotten_draft_is_reminded_then_withdrawn_and_reopens_with_what_was_filled(world):
    case = new_case(world, certificate_number="GC2020𠀋01")
    assert case.due_action == "draft_remind" and case.due_date > clock.today()

    assert _fire_at(case) == 1
    assert (case.status, case.due_action) == ("draft", "draft_expire")
    (reminder,) = _sms_to(case.applicant)
    assert case.number in reminder and "尚未送审" in reminder
    assert case.due_date.isoformat().replace("-", "") in reminder.replace("-", "")

    assert _fire_at(case) == 1
    assert case.status == "withdrawn" and case.due_at is None and case.closed_at is not None
    assert "已由系统撤回" in _sms_to(case.applicant)[-1]
    assert case_open_of(case.applicant) is None  # no longer blocks a new application
    assert [e.action for e in CaseEvent.objects.filter(case=case)] == [
        "draft_remind", "draft_expire",
    ]  # fmt: skip

    case_transition(case=case, action="reopen", actor=case.applicant, acting_as=None)
    case.refresh_from_db()
    assert case.status == "draft" and case.certificate_number == "GC2020𠀋01"
    assert case.due_action == "draft_remind" and case.due_date > clock.today()


def test_a_returned_case_not_resubmitted_counts_as_withdrawn(world):
    case = new_case(world)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    office, acting_as = world.officials["district-440106"]
    case_transition(case=case, action="return", actor=office, acting_as=acting_as, reason="缺页")
    case.refresh_from_db()
    assert case.due_action == "correction_remind"

    assert _fire_at(case) == 1
    assert (case.status, case.due_action) == ("returned", "correction_expire")
    assert "尚未重新送审" in _sms_to(case.applicant)[-1]
    assert _fire_at(case) == 1
    assert case.status == "withdrawn"
    assert "视为撤回" in _sms_to(case.applicant)[-1]


def test_an_overdue_review_step_chases_its_staff_and_never_decides(client, world):
    case = new_case(world)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    office, acting_as = world.officials["district-440106"]
    case_transition(case=case, action="accept", actor=office, acting_as=acting_as)
    case.refresh_from_db()
    assert (case.status, case.due_action) == ("under_review", "step_remind")
    client.force_login(case.applicant)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "本环节审核时限" in page

    applicant_sms = len(_sms_to(case.applicant))
    for round_ in range(3):  # the first reminder, then every REVIEW_REMIND_WORKDAYS
        assert _fire_at(case) == 1
        assert (case.status, case.due_action) == ("under_review", "step_remind_again")
        reminders = [body for body in _sms_to(office) if "逾期未审核" in body]
        assert len(reminders) == round_ + 1 and case.number in reminders[-1]
    assert len(_sms_to(case.applicant)) == applicant_sms  # the applicant is not spammed
    # The step's own due date stays on the page and the worklist: it is overdue, however
    # many reminders have gone out (only the next reminder's time moved).
    with clock.frozen(case.due_at - timedelta(hours=1)):
        assert case.due_date < clock.today()
        that_day = Client()  # a session of that day
        that_day.force_login(case.applicant)
        page = that_day.get(reverse("cases:detail", args=[case.number])).content.decode()
        assert "本环节审核时限已于" in page and "再次提醒" in page
        worklist = office_client(office, acting_as).get(
            reverse("backoffice:worklist", args=["review"])
        )
        row = re.search(
            rf'<tr class="is-overdue">.*?{case.number}', worklist.content.decode(), re.S
        )
        assert row is not None and "已逾期" in worklist.content.decode()

    # Acting ends the chase: the next step has its own, fresh clock.
    with clock.frozen(case.due_at - timedelta(hours=1)):
        case_transition(case=case, action="approve", actor=office, acting_as=acting_as)
        case.refresh_from_db()
        assert case.due_action == "step_remind" and case.due_date > clock.today()


def test_clocks_are_settings_or_environment(world, settings, monkeypatch):
    assert workflow.DRAFT_CLOCK.workdays == workflow.DRAFT_WORKDAYS
    monkeypatch.setenv("RENCAI_DRAFT_WORKDAYS", "3")
    assert workflow.DRAFT_CLOCK.workdays == 3
    settings.RENCAI_DRAFT_WORKDAYS = 7  # a setting wins over the environment
    assert workflow.DRAFT_CLOCK.workdays == 7


def test_the_upgrade_gives_open_cases_their_clock_from_the_upgrade_on(world):
    from importlib import import_module

    from django.apps import apps

    from rencai.workdays.calendar import deadline_for

    migration = import_module("rencai.cases.migrations.0012_open_state_clocks")
    cases = {
        state: place(new_case(world), state)
        for state in ("draft", "returned", "dept_review", "under_review", "in_notice")
    }
    in_notice = cases["in_notice"]
    Case.objects.filter(pk=in_notice.pk).update(
        due_at=clock.now() + timedelta(days=3), due_action="notice_pass"
    )
    migration.forward(apps, None)
    expected = {
        "draft": ("draft_remind", 20),
        "returned": ("correction_remind", 10),
        "dept_review": ("step_remind", 5),
        "under_review": ("step_remind", 5),
    }
    for state, (action, days) in expected.items():
        case = Case.objects.get(pk=cases[state].pk)
        assert case.due_action == action
        assert case.due_at == deadline_for(clock.now(), days).fires_at
    assert Case.objects.get(pk=in_notice.pk).due_action == "notice_pass"  # kept as it was
