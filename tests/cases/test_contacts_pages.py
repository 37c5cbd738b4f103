"""Finding 5 of issue #9: no supervisory department had contact data, so every
「联系人事户头」 message (the 61-minute withdrawal refusal, the applicant's 单位审核中 page)
ended in 「暂无登记的联系方式」. Now they give the department's contact, or the city
bureau's and say so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rencai.cases.models import Case
from rencai.cases.services import case_transition
from rencai.core import clock
from rencai.orgs.models import Office
from tests.cases.apply_helpers import act_as, catalog, media
from tests.cases.factories import new_case, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]
NONE_ON_RECORD = "暂无登记的联系方式"


def _submitted(world):
    case = new_case(world, unit=world.soe)
    case_transition(case=case, action="submit", actor=world.applicant, acting_as=None)
    return case


def test_unit_review_page_falls_back_to_the_city_bureau_and_says_so(client, world):
    case = _submitted(world)
    client.force_login(world.applicant)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "单位审核中" in page
    assert NONE_ON_RECORD not in page
    assert "该机构暂未登记联系方式，请联系广州市人力资源和社会保障局" in page
    assert "12333" in page and "hrssgz@gz.gov.cn" in page


def test_unit_review_page_gives_the_departments_own_contact_once_recorded(client, world):
    Office.objects.filter(code="dept-sasac").update(phones=["83123456"], email="rsc@sasac.example")
    case = _submitted(world)
    client.force_login(world.applicant)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "020-83123456" in page and "rsc@sasac.example" in page
    assert "暂未登记联系方式" not in page and NONE_ON_RECORD not in page


def test_withdrawal_after_61_minutes_names_a_contact(client, world):
    case = place(new_case(world, unit=world.soe), "dept_review", step=world.dept_steps[0])
    Case.objects.filter(pk=case.pk).update(forwarded_at=clock.now() - timedelta(minutes=61))
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "单位送审已超过1小时" in page
    assert NONE_ON_RECORD not in page and "12333" in page

    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "unit_withdraw", "expected_version": case.version},
        follow=True,
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][1] == 302
    assert "不能自行撤回" in body and NONE_ON_RECORD not in body
    assert "该机构暂未登记联系方式，请联系广州市人力资源和社会保障局：电话 12333" in body
