"""A person whose case went to the wrong district opens a ticket from the status page;
the window (password + TOTP) reroutes the case from the ticket; the person rates the
step poorly; the work order and the rating show up for the office (issue #14)."""

from __future__ import annotations

import pyotp
import pytest

from tests.e2e.helpers import horizontal_overflow, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, user, *, secret: str = "") -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.login_name)
    page.fill("#id_password", "Pw@123456")
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('登录')")
    if secret:
        page.wait_for_url("**/office/2fa/**")
        page.fill("#id_code", pyotp.TOTP(secret).now())
        page.click("form button[type=submit]:has-text('验证')")
        page.wait_for_url("**/office/queue/**")


def _logout(page) -> None:
    with page.expect_navigation():
        page.click("header button:has-text('退出')")


def test_wrong_district_ticket_reroute_rating_work_order(page, browser, live_server):
    from rencai.cases.services import case_transition
    from rencai.support.models import Ticket, WorkOrder
    from tests.cases.factories import build_world, id_number, new_case

    base = live_server.url
    world = build_world()
    case = case_transition(
        case=new_case(world), action="submit", actor=world.applicant, acting_as=None
    )
    window, _acting = world.officials["district-440106"]
    secret = window.totp_secret = pyotp.random_base32()
    window.save(update_fields=["totp_secret"])

    # The person: the status page names 天河; they open a ticket from it.
    _login(page, base, world.applicant)
    page.goto(f"{base}/cases/{case.number}/")
    assert "天河区" in page.locator(".case-status").inner_text()
    with page.expect_navigation():
        page.click("a.support-ask")
    assert case.number in page.locator(".support-context").inner_text()
    page.select_option("#id_topic", "wrong_office")
    typed = f"单位在越秀区，被分到了天河区。我的身份证号{id_number()}"
    page.fill("#id_body", typed)
    with page.expect_navigation():
        page.click("form.support-form button[type=submit]")
    assert "请不要填写身份证号码" in page.locator(".field.has-error").inner_text()
    assert page.input_value("#id_body") == typed  # nothing typed is lost
    page.set_viewport_size({"width": 375, "height": 812})
    assert horizontal_overflow(page, 375) == 0
    screenshot(page, "support-ticket-id-refused-375.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#id_body", "单位在越秀区，被分到了天河区，请改派。")
    with page.expect_navigation():
        page.click("form.support-form button[type=submit]")
    ticket = Ticket.objects.get()
    assert page.url.endswith(f"/support/t/{ticket.number}/")
    assert "待答复" in page.locator(".ticket-status").inner_text()
    _logout(page)

    # The window, in its own browser (one TOTP login: a code is accepted once).
    office = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk = office.new_page()
    desk.set_default_timeout(30000)
    _login(desk, base, window, secret=secret)
    desk.goto(base + "/support/office/")
    with desk.expect_navigation():
        desk.click(f"table.office-tickets a:has-text('{ticket.number}')")
    assert case.number in desk.locator(".ticket-context").inner_text()
    yuexiu = world.office("district-440104")
    form = desk.locator("form.action-fix_reroute")
    form.locator("select").select_option(str(yuexiu.pk))
    form.locator("textarea").fill("经核实单位注册地在越秀区，已改派至越秀区人社局受理。")
    with desk.expect_navigation():
        form.locator("button").click()
    assert "已改派受理机构" in desk.locator(".ticket-fix").inner_text()
    screenshot(desk, "support-office-ticket-rerouted-1280.png")

    # The person: the case now waits at 越秀; they rate the reroute step (poorly).
    _login(page, base, world.applicant)
    page.goto(f"{base}/cases/{case.number}/")
    assert "越秀区" in page.locator(".case-status").inner_text()
    with page.expect_navigation():
        page.click("a.support-rate:has-text('改派受理机构')")
    page.check("input[name=score][value='2']")
    page.check("input[name=tags][value='runaround']")
    page.fill("#id_comment", "第一次就应该分到越秀区")
    page.set_viewport_size({"width": 375, "height": 812})
    assert horizontal_overflow(page, 375) == 0
    screenshot(page, "support-rate-375.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.click("form.rate-form button[type=submit]")
    assert "整改" in page.locator("ul.messages").inner_text()
    order = WorkOrder.objects.get()

    # The window: the work order to answer, and the rating in the statistics.
    desk.goto(base + "/support/office/")
    assert order.number in desk.locator("table.office-orders").inner_text()
    desk.goto(base + "/office/stats/")
    row = desk.locator("table.stats-ratings tr", has_text="改派受理机构")
    assert "天河区" in row.inner_text() and row.locator(".rating-poor").inner_text() == "1"
    screenshot(desk, "support-stats-1280.png")
    office.close()
