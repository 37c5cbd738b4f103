"""An official logs in with password + TOTP, accepts a waiting case; a reviewer takes it
through the review chain (经办 → 复核 → 审批) to public notice."""

from __future__ import annotations

import pyotp
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, user, secret: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.login_name)
    page.fill("#id_password", "Pw@123456")
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/office/2fa/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("form button[type=submit]:has-text('验证')")
    page.wait_for_url("**/office/queue/acceptance/")


def test_official_accepts_and_reviewer_approves_through_the_chain(page, live_server):
    from rencai.accounts.models import RoleGrant
    from rencai.cases.models import Case
    from rencai.cases.services import case_transition
    from tests.cases.factories import build_world, new_case, person

    world = build_world()
    case = case_transition(
        case=new_case(world), action="submit", actor=world.applicant, acting_as=None
    )
    window, _acting = world.officials["district-440106"]
    reviewer = person("审核员")
    RoleGrant.objects.create(user=reviewer, role="official", office=world.office("district-440106"))
    secrets = {}
    for user in (window, reviewer):
        secrets[user.pk] = user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])

    _login(page, live_server.url, window, secrets[window.pk])
    row = page.locator("table.office-worklist tr", has_text=case.number)
    assert "剩余" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(f"**/office/cases/{case.number}/")
    page.click("form.action-accept button[type=submit]")
    page.wait_for_url(f"**/office/cases/{case.number}/")
    assert "已受理" in page.locator(".case-status").inner_text()
    page.click("header button:has-text('退出')")

    _login(page, live_server.url, reviewer, secrets[reviewer.pk])
    page.click("nav.queue-tabs a:has-text('审批中')")
    page.click(f"text={case.number}")
    page.wait_for_url(f"**/office/cases/{case.number}/")
    for label in ("审核通过", "审核通过", "审批通过"):
        form = page.locator("form.action-approve")
        assert form.locator("button").inner_text() == label
        form.locator("textarea").fill(f"{label}：材料齐全")
        with page.expect_navigation():
            form.locator("button").click()
    assert "审批通过，公示中" in page.locator(".case-status").inner_text()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_NOTICE
