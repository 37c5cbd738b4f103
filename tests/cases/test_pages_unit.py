"""The unit admin's side (FAQ 二.3, 二.4): look up by ID number, start for the person,
worklist, return, forward, and the 1-hour withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rencai.cases.models import Case
from rencai.core import clock
from rencai.notify.models import OutboxMessage
from tests.cases.apply_helpers import (
    act_as,
    catalog,
    fill_title,
    media,
    registered,
    upload_required,
    valid_id,
)
from tests.cases.factories import new_case, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    return client


def test_pages_need_the_unit_role(client, world):
    client.force_login(world.applicant)
    assert client.get("/cases/unit/").status_code == 403
    assert client.post("/cases/unit/lookup/", {"id_number": valid_id()}).status_code == 403


def test_lookup_unregistered_says_only_that(admin_client):
    response = admin_client.post("/cases/unit/lookup/", {"id_number": valid_id()})
    html = response.content.decode()
    assert response.status_code == 200 and "该人尚未申报" in html
    assert "尚未在本系统注册" not in html  # registered or not: the same answer (finding 7)
    response = admin_client.post("/cases/unit/lookup/", {"id_number": "440106199001011234"})
    assert response.status_code == 400 and "身份证号码" in response.content.decode()


def test_click_here_invites_and_the_person_accepts(admin_client, world):
    employee, number = registered()
    # The employee's (withdrawn) case with another unit is not revealed, nor their name.
    other = new_case(world, unit=world.private)
    Case.objects.filter(pk=other.pk).update(applicant=employee, status="withdrawn")
    html = admin_client.post("/cases/unit/lookup/", {"id_number": number}).content.decode()
    assert "该人尚未申报" in html and "点击这里" in html
    assert employee.real_name not in html and other.number not in html
    response = admin_client.post("/cases/unit/start/", {"id_number": number, "category": "title"})
    assert response.status_code == 302 and response["Location"] == "/cases/unit/lookup/"
    assert not Case.objects.filter(applicant=employee, unit=world.soe).exists()
    page = admin_client.get("/cases/unit/lookup/").content.decode()
    assert "发出申报邀请" in page and "待本人确认" in page and employee.real_name not in page
    # The person accepts on their own page: now the draft is theirs, started by the unit.
    admin_client.force_login(employee)
    mine = admin_client.get("/cases/").content.decode()
    assert "有1个单位申报邀请待您确认" in mine
    units = admin_client.get("/cases/units/").content.decode()
    assert world.soe.name in units
    from rencai.cases.models import UnitInvitation

    invitation = UnitInvitation.objects.get()
    response = admin_client.post(f"/cases/units/invitations/{invitation.pk}/", {"answer": "accept"})
    case = Case.objects.get(applicant=employee, unit=world.soe)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.created_by == world.unit_admin and case.status == "draft"
    # Back to the admin: the invitation shows the case, and the admin fills it in.
    admin_client.force_login(world.unit_admin)
    act_as(admin_client, world.unit_acting.grant)
    page = admin_client.get(f"/cases/{case.number}/edit/").content.decode()
    assert employee.real_name in page and employee.id_number_masked in page
    assert "单位审核通过并送审" in page
    fill_title(case)
    upload_required(admin_client, case)
    response = admin_client.post(
        f"/cases/{case.number}/act/", {"action": "forward", "expected_version": 1}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "dept_review" and case.chain_step == world.dept_steps[0]
    html = admin_client.post("/cases/unit/lookup/", {"id_number": number}).content.decode()
    assert case.number in html and "该人员已在本单位申报" in html and employee.real_name in html
    admin_client.force_login(employee)
    assert admin_client.get(f"/cases/{case.number}/").status_code == 200


def test_worklist_return_with_reason_and_forward(admin_client, world):
    review = place(new_case(world, unit=world.soe), "unit_review")
    fill_title(review)
    other = place(new_case(world, unit=world.soe), "unit_review")
    html = admin_client.get("/cases/unit/").content.decode()
    assert review.number in html and other.number in html
    html = admin_client.get(f"/cases/{review.number}/").content.decode()
    assert "单位审核通过并送审" in html and "退回修改" in html
    # Return needs a reason; without it nothing changes and the error is shown.
    response = admin_client.post(
        f"/cases/{other.number}/act/",
        {"action": "return", "expected_version": other.version},
        follow=True,
    )
    assert response.redirect_chain[-1][1] == 302 and "须填写意见或原因" in response.content.decode()
    response = admin_client.post(
        f"/cases/{other.number}/act/",
        {"action": "return", "expected_version": other.version, "reason": "劳动合同不清晰"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == "returned"
    assert OutboxMessage.objects.filter(body__contains="劳动合同不清晰").exists()
    response = admin_client.post(
        f"/cases/{review.number}/act/", {"action": "forward", "expected_version": review.version}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "dept_review"
    bodies = list(OutboxMessage.objects.values_list("body", flat=True))
    assert any(review.number in b and "已由单位送审" in b for b in bodies)


@pytest.mark.parametrize(("minutes", "allowed"), [(59, True), (61, False)])
def test_unit_withdrawal_within_one_hour(admin_client, world, minutes, allowed):
    case = place(new_case(world, unit=world.soe), "unit_review")
    fill_title(case)
    start = clock.now()
    with clock.frozen(start):
        admin_client.post(
            f"/cases/{case.number}/act/", {"action": "forward", "expected_version": case.version}
        )
    case.refresh_from_db()
    assert case.status == "dept_review" and case.forwarded_at == start
    with clock.frozen(start + timedelta(minutes=minutes)):
        admin_client.force_login(world.unit_admin)  # the idle-session timeout moved on too
        act_as(admin_client, world.unit_acting.grant)
        html = admin_client.get(f"/cases/{case.number}/").content.decode()
        response = admin_client.post(
            f"/cases/{case.number}/act/",
            {"action": "unit_withdraw", "expected_version": case.version},
        )
    case.refresh_from_db()
    if allowed:
        assert "单位撤回（送审后1小时内）" in html
        assert response.status_code == 302 and case.status == "unit_review"
    else:
        assert "单位撤回（送审后1小时内）" not in html
        # the department has no contact on record: the city bureau's, saying so (#9.5)
        assert (
            "请联系人事户头（广州市人民政府国有资产监督管理委员会，该机构暂未登记联系方式" in html
        )
        assert "暂无登记的联系方式" not in html
        assert "case-withdraw-note" in html and "办公时间" in html
        assert response.status_code == 302 and case.status == "dept_review"
        assert response["Location"] == f"/cases/{case.number}/#actions-h"


def test_after_the_department_passes_it_on_the_unit_is_told_whom_to_ask(admin_client, world):
    case = place(new_case(world, unit=world.soe), "unit_review")
    admin_client.post(
        f"/cases/{case.number}/act/", {"action": "forward", "expected_version": case.version}
    )
    place(case, "awaiting_acceptance", forwarded_at=clock.now() - timedelta(days=1))
    html = admin_client.get(f"/cases/{case.number}/").content.decode()
    assert "单位撤回（送审后1小时内）" not in html
    assert (
        "请联系当前办理机构（广州市人力资源和社会保障局，电话 12333，邮箱 hrssgz@gz.gov.cn）退案"
        in html
    )


def test_sms_for_each_step_concerning_the_applicant(world):
    from rencai.cases.services import case_transition

    case = new_case(world)
    fill_title(case)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    user, acting = world.officials["district-440106"]
    case_transition(case=case, action="return", actor=user, acting_as=acting, reason="补材料")
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    case_transition(case=case, action="accept", actor=user, acting_as=acting)
    bodies = list(
        OutboxMessage.objects.filter(recipient=world.applicant.mobile).values_list(
            "body", flat=True
        )
    )
    assert len(bodies) == 4
    assert all(case.number in b and b.startswith("【广州人才引进】") for b in bodies)
    assert not any(world.applicant.reveal_id_number() in b for b in bodies)
    assert any("已被退回修改" in b for b in bodies) and any("已受理" in b for b in bodies)
