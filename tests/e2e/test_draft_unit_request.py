"""Issue #11 at 375 px: the applicant whose employer is not registered picks their own
pending 新增单位 request, lands on the draft, and is told why 送审 waits (button disabled,
link to the request); the request page links back to the draft."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_draft_waits_for_the_pending_unit_request(mobile_page, live_server):
    from rencai.catalog.reference import _load_simple
    from tests.cases.factories import build_world
    from tests.cases.test_draft_unit_request import NAME, _request_unit
    from tests.changes.conftest import client_for

    _load_simple()
    world = build_world()
    world.applicant.set_password(PASSWORD)
    world.applicant.save()
    change = _request_unit(client_for(world.applicant))

    page, base = mobile_page, live_server.url
    login(page, base, world.applicant.login_name)
    page.goto(base + "/cases/new/")
    page.check("input[name=category][value=title]")
    pending = page.locator(f"input[name=unit][value='pending:{change.number}']")
    expect(pending).to_have_count(1)
    pending.check()
    with page.expect_navigation():
        page.click("button:has-text('创建申请并继续填写')")
    assert "/edit/" in page.url, page.url
    expect(page.locator("#unit-refusal")).to_contain_text(f"引进单位“{NAME}”尚未登记")
    expect(page.locator("#checklist button[type=submit][disabled]")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width  # nothing runs off the phone's screen
    screenshot(page, "draft-unit-pending-375.png")
    with page.expect_navigation():
        page.click("a.unit-request-link")
    assert f"/changes/requests/{change.number}/" in page.url
    back = page.locator("section.unit-request-drafts a")
    expect(back).to_have_count(1)
    with page.expect_navigation():
        back.click()
    assert page.url.endswith("/edit/"), page.url
