"""Finding 4 of issue #9: a case for a unit without a unit admin (a city school under
市教育局, chain configured) was accepted into 单位审核中 with 「本环节无办理时限」 and
nobody could act on it.

Now: the applicant learns it on the unit step of the draft (with the rights request, who
approves it and their contact), submission is refused, and unit review has a clock: a
reminder to the unit's admins, then escalation to the supervisory department.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from rencai.cases.models import Case, CaseEvent, ChainStep
from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.notify.models import OutboxMessage
from rencai.orgs.models import Unit
from rencai.workdays.calendar import deadline_for
from tests.cases.apply_helpers import catalog, media, upload_required
from tests.cases.factories import new_case, person, title_form, unit

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def school(world):
    """A city school under 市教育局, whose chain is configured but no admin exists."""
    from rencai.orgs.models import Office

    edu = Office.objects.get(code="dept-edu")
    ChainStep.objects.create(office=edu, purpose="department", order=1, name="人事处审核")
    return unit(nature=Unit.Nature.INSTITUTION, level=Unit.Level.CITY, department="dept-edu")


def _section(page: str, anchor: str, until: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start : page.index(f'id="{until}"', start)]


def test_unit_without_admin_is_told_on_the_unit_step_and_cannot_enter_unit_review(
    client, world, school
):
    client.force_login(world.applicant)
    response = client.post("/cases/new/", {"category": "title", "unit": school.code}, follow=True)
    case = Case.objects.get(unit=school)
    assert response.redirect_chain == [(f"/cases/{case.number}/edit/#unit", 302)]
    assert "还没有单位系统管理员" in response.content.decode()  # told at once, as a message
    Case.objects.filter(pk=case.pk).update(**title_form())
    upload_required(client, case)

    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    unit_step = _section(page, "unit", "attachments")
    assert "还没有单位系统管理员" in unit_step
    assert f'href="/changes/unit-admin/?unit={school.pk}"' in unit_step  # the rights request
    assert "广州市教育局" in unit_step  # who approves it
    assert "12333" in unit_step  # their contact (here the city bureau's, saying so)
    assert "暂无登记的联系方式" not in page
    # the submit button says why it is disabled (issue #11)
    assert 'disabled aria-describedby="submit-blocked"' in page

    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "submit", "expected_version": case.version, "reason": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][1] == 302
    assert "还没有单位系统管理员" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "draft" and case.version == 1
    assert not CaseEvent.objects.filter(case=case).exists()


def test_rights_request_page_linked_from_the_unit_step_names_the_approver(client, world, school):
    client.force_login(world.applicant)
    page = client.get(f"/changes/unit-admin/?unit={school.pk}").content.decode()
    assert school.name in page and "广州市教育局" in page


def test_once_the_unit_has_an_admin_the_notice_goes_and_submission_works(client, world, school):
    from rencai.accounts.models import RoleGrant

    RoleGrant.objects.create(user=person("校管理员"), role="unit_admin", unit=school)
    client.force_login(world.applicant)
    case = new_case(world, unit=school)
    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert "还没有单位系统管理员" not in page
    response = client.post(
        f"/cases/{case.number}/act/", {"action": "submit", "expected_version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "unit_review" and case.due_action == "unit_review_remind"


def test_unit_review_page_shows_the_unit_deadline_not_no_time_limit(client, world):
    client.force_login(world.applicant)
    with clock.frozen(MONDAY):
        case = new_case(world, unit=world.soe)
        response = client.post(
            f"/cases/{case.number}/act/", {"action": "submit", "expected_version": case.version}
        )
        assert response.status_code == 302
        page = client.get(f"/cases/{case.number}/").content.decode()
    assert "单位审核中" in page
    assert "本环节无办理时限" not in page
    assert "单位审核期限至" in page and "剩余5个工作日" in page


def test_reminder_then_escalation_to_the_department(world, settings):
    """With a 2-day unit clock and 1 more day: remind the admin (SMS and e-mail), then move
    the case to the department's chain, telling the department's staff and the applicant."""
    settings.RENCAI_UNIT_REVIEW_WORKDAYS = 2
    settings.RENCAI_UNIT_REVIEW_ESCALATE_WORKDAYS = 1
    world.unit_admin.email = "hr@soe.example.cn"
    world.unit_admin.save(update_fields=["email"])
    dept_official, dept_as = world.officials["dept-sasac"]
    with clock.frozen(MONDAY):
        case = new_case(world, unit=world.soe)
        case_transition(case=case, action="submit", actor=world.applicant, acting_as=None)
    assert case.status == "unit_review"
    assert case.due_date == deadline_for(MONDAY, 2).due_date  # Wednesday
    before = case.due_at
    with clock.frozen(before - (before - MONDAY) / 2):
        assert deadlines_fire(batch=10) == 0

    with clock.frozen(before):
        assert deadlines_fire(batch=10) == 1
        assert deadlines_fire(batch=10) == 0
    case.refresh_from_db()
    assert case.status == "unit_review" and case.due_action == "unit_review_escalate"
    reminder = CaseEvent.objects.get(case=case, action="unit_review_remind")
    assert reminder.actor is None and "提醒单位管理员" in reminder.reason
    # (the first message told the admin the case arrived: notify.staff, issue #11)
    to_admin = OutboxMessage.objects.filter(
        recipient=world.unit_admin.mobile, idempotency_key__contains=":remind:"
    )
    assert to_admin.count() == 1 and case.number in to_admin.get().body
    assert "逾期将转主管部门" in to_admin.get().body
    assert world.applicant.real_name in to_admin.get().body  # never an ID number:
    assert not re.search(r"\d{17}[\dX]", to_admin.get().body)
    email = OutboxMessage.objects.get(
        recipient="hr@soe.example.cn", idempotency_key__contains=":remind:"
    )
    assert email.channel == "email" and case.number in email.subject

    # The admin still does nothing: escalation after one more working day.
    with clock.frozen(case.due_at):
        assert deadlines_fire(batch=10) == 1
    case.refresh_from_db()
    assert case.status == "dept_review" and case.holding_office.code == "dept-sasac"
    assert case.chain_step == world.dept_steps[0] and case.due_action == "step_remind"
    escalated = CaseEvent.objects.get(case=case, action="unit_review_escalate")
    assert escalated.office.code == "dept-sasac"
    to_dept = OutboxMessage.objects.filter(recipient=dept_official.mobile).get()
    assert "逾期未审核" in to_dept.body and case.number in to_dept.body
    to_applicant = OutboxMessage.objects.filter(recipient=world.applicant.mobile).order_by("id")
    body = to_applicant.last().body
    assert "单位逾期未审核" in body and "国有资产监督管理委员会" in body

    # The department acts on it like on a forwarded case; the unit cannot pull it back.
    from rencai.core.errors import Conflict

    with pytest.raises(Conflict):
        case_transition(
            case=case, action="unit_withdraw", actor=world.unit_admin, acting_as=world.unit_acting
        )
    case_transition(case=case, action="approve", actor=dept_official, acting_as=dept_as)
    assert case.chain_step == world.dept_steps[1]


def test_acting_in_time_stops_the_unit_clock(world):
    with clock.frozen(MONDAY):
        case = new_case(world, unit=world.soe)
        case_transition(case=case, action="submit", actor=world.applicant, acting_as=None)
        case_transition(
            case=case, action="forward", actor=world.unit_admin, acting_as=world.unit_acting
        )
    assert case.status == "dept_review" and case.due_action == "step_remind"
    with clock.frozen(deadline_for(MONDAY, 30).fires_at):
        # Only the department step's own clock fires (its staff are reminded), not the unit's.
        assert deadlines_fire(batch=10) == 1
    assert [e.action for e in CaseEvent.objects.filter(case=case, role="system")] == ["step_remind"]
    # Told once, when the case arrived (issue #11); no reminder after acting in time.
    (arrival,) = OutboxMessage.objects.filter(recipient=world.unit_admin.mobile)
    assert ":arrival:" in arrival.idempotency_key


def test_office_cannot_reroute_into_unit_review_of_a_unit_without_admin(world, school):
    from rencai.core.errors import DomainError
    from tests.cases.factories import place

    case = place(new_case(world, unit=school), "awaiting_acceptance", holding="district-440106")
    office, office_as = world.officials["district-440106"]
    with pytest.raises(DomainError, match="还没有单位系统管理员"):
        case_transition(
            case=case, action="reroute", actor=office, acting_as=office_as, reason="应经单位审核"
        )
    case.refresh_from_db()
    assert case.status == "awaiting_acceptance"
