"""Browser, phone width: a person's 我的申请 lists their application and their change
request with status, holder, deadline and the reviewer's reason (FAQ 一.4)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Rencai@2026x"


def test_my_requests_on_a_phone(mobile_page, live_server, tmp_path):
    from rencai.cases.services import case_transition
    from rencai.changes.processes import CHANGE
    from rencai.core import clock
    from rencai.documents.services import folder_create
    from rencai.orgs.approvers import data_centre
    from rencai.process import engine
    from tests.cases.factories import build_world, new_case, official, person

    world = build_world()
    me = person("李𠇔华")
    me.set_password(PASSWORD)
    me.save()
    case = new_case(world, applicant=me)
    case_transition(case=case, action="submit", actor=me, acting_as=None)
    from rencai.changes.models import ChangeRequest

    long_name = "广州" + "某" * 54 + "理工学院"  # 60 characters
    change = engine.start(
        process=CHANGE, action="submit", actor=me,
        obj=ChangeRequest(
            kind="institution_new", requester=me, office=data_centre(), name=long_name,
            folder=folder_create(owner_kind="change_request"), level="本科",
            education_level="bachelor", submitted_at=clock.now(),
        ),
    )  # fmt: skip
    reviewer, _ = official("data-centre")
    engine.transition(
        process=CHANGE, obj=change, action="reject", actor=reviewer, reason="毕业证书照片不清晰"
    )
    page = mobile_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", me.mobile)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/accounts/")
    page.goto(live_server.url + "/process/mine/")
    body = page.inner_text("main")
    assert case.number in body and change.number in body
    assert "毕业证书照片不清晰" in body and "审核不通过" in body
    page.screenshot(path=str(tmp_path / "mine-375.png"), full_page=True)
    no_overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert no_overflow
    print("screenshot", tmp_path / "mine-375.png")
