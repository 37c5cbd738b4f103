"""秒批 journeys in Chromium against the real development gateway process: a clear
graduate is approved by the system within a minute of submitting (the test runs the
worker's sweep), an applicant with too few months of social insurance is told before
submitting, and a credit hit goes to manual review where the official sees why."""

from __future__ import annotations

import pyotp
import pytest

from rencai.cases.models import Case, CaseEvent
from rencai.verification.models import CategoryPolicy
from rencai.verification.services import verifications_run
from tests.e2e.helpers import PASSWORD, login, screenshot
from tests.verification.conftest import gateway_url, verification_on  # noqa: F401 - fixtures
from tests.verification.factories import applicant, build_world, education_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(verification_on, reference_data):  # noqa: F811
    CategoryPolicy.objects.filter(category="education").update(sample_percent=0)
    return build_world()


def test_a_clear_graduate_sees_instant_approval_with_each_check(world, page, live_server):
    user = applicant("graduate", login="grad_e2e", password=PASSWORD)
    case = education_case(world, "graduate", user=user)
    verifications_run(batch=10)  # the pre-check the draft asked for
    login(page, live_server.url, "grad_e2e")
    page.goto(f"{live_server.url}/cases/{case.number}/edit/")
    panel = page.locator("#verification")
    assert "在引进单位缴纳社保12个月，满6个月" in panel.inner_text()
    assert panel.locator(".rule-not_met").count() == 0
    with page.expect_navigation():
        page.click("form.case-submit button[type=submit]")
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ACCEPTANCE
    verifications_run(batch=10)  # the worker's next round
    page.goto(f"{live_server.url}/cases/{case.number}/")
    status = page.locator(".verification-status")
    assert "系统秒批" in status.inner_text()
    for label in ("信用", "身份与户籍", "学历学位", "社会保险"):
        assert status.locator(".verification-check", has_text=label).count() == 1
    assert "系统秒批" in page.locator("table.case-history").inner_text()
    assert "审批通过，公示中" in page.locator(".case-status").inner_text()
    event = CaseEvent.objects.get(case=case, action="instant_approve")
    case.refresh_from_db()
    assert (event.at - case.submitted_at).total_seconds() < 60
    screenshot(page, "verification-instant-approval.png")


def test_too_few_months_of_social_insurance_are_told_before_submitting(
    world, mobile_page, live_server
):
    page = mobile_page
    user = applicant("low_si", login="lowsi_e2e", password=PASSWORD)
    case = education_case(world, "low_si", user=user)
    verifications_run(batch=10)
    login(page, live_server.url, "lowsi_e2e")
    page.goto(f"{live_server.url}/cases/{case.number}/edit/")
    rule = page.locator("#verification .rule-not_met")
    assert "在引进单位缴纳社保3个月，不足6个月" in rule.inner_text()
    page.click("form.case-submit button[type=submit]")
    page.wait_for_load_state()
    refusal = page.locator("[role=alert]").first.inner_text()
    assert "不符合申报条件" in refusal and "在引进单位缴纳社保" in refusal
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    screenshot(page, "verification-precheck-mobile.png")


def test_a_credit_hit_goes_to_manual_review_and_the_official_sees_why(world, page, live_server):
    from rencai.cases.services import case_transition

    case = education_case(world, "credit_hit")
    case = case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    verifications_run(batch=10)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ACCEPTANCE
    window, _acting = world.officials["district-440106"]
    window.totp_secret = secret = pyotp.random_base32()
    window.save(update_fields=["totp_secret"])
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", window.login_name)
    page.fill("#id_password", "Pw@123456")
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/office/2fa/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("form button[type=submit]:has-text('验证')")
    page.wait_for_url("**/office/queue/acceptance/")
    page.goto(f"{live_server.url}/office/cases/{case.number}/")
    panel = page.locator(".verification-panel")
    text = panel.inner_text()
    assert "转人工审核" in text and "失信被执行人" in text and "（2025）粤0106执00999号" in text
    assert panel.locator(".verification-check.check-failed", has_text="信用").count() == 1
    screenshot(page, "verification-official-panel.png")
    with page.expect_navigation():
        panel.locator("form.verification-rerun button").click()
    assert "已重新提交数据核验" in page.locator("ul.messages").inner_text()
