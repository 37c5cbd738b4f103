"""Issue #11 in the browser: everyone concerned hears of a case. The applicant submits;
the unit admin sees it waiting (dashboard count, worklist) and has an SMS and an e-mail;
they approve; at the department the colleague notified per case gets a message at once,
the colleague on the daily digest none until the digest sweep runs. The worker's outbox
sweep then hands the e-mails to a real SMTP peer. No ID number in any message."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, time, timedelta

import pyotp
import pytest
from PIL import Image

from tests.e2e.helpers import login, logout, screenshot
from tests.notify.test_staff_notifications import smtp_server  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Pw@123456"  # tests.cases.factories.person's
ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def _messages(person, channel="sms"):
    from rencai.notify.models import OutboxMessage

    recipient = person.mobile if channel == "sms" else person.email
    return list(OutboxMessage.objects.filter(channel=channel, recipient=recipient).order_by("pk"))


def _text(raw: str) -> str:
    """A delivered e-mail as its reader sees it: the subject, a blank line, the body."""
    message = email.message_from_string(raw, policy=email.policy.default)
    return f"Subject: {message['subject']}\n\n{message.get_content()}"


def _with_email(user, address: str):
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_applicant_unit_admin_and_office_staff_are_told(
    page,
    mobile_page,
    live_server,
    settings,
    smtp_server,  # noqa: F811 (the imported fixture)
):
    from rencai.accounts.models import User
    from rencai.cases.models import Case
    from rencai.core import clock
    from rencai.notify.models import DigestItem, OutboxMessage, Preference
    from rencai.notify.services import outbox_sweep
    from rencai.notify.staff import digest_sweep, preference_set
    from tests.cases.factories import build_world, new_case, official

    settings.RENCAI_DIGEST_HOUR = 8
    world = build_world()
    admin = _with_email(world.unit_admin, "hr@soe.example.org")
    at_once, _ = world.officials["dept-sasac"]
    _with_email(at_once, "chushi@sasac.example.org")
    daily, _ = official("dept-sasac")
    _with_email(daily, "huizong@sasac.example.org")
    preference_set(user=daily, mode=Preference.Mode.DIGEST)
    # A draft ready to submit (form filled, attachments present): the browser submits it.
    case = new_case(world, unit=world.soe)
    applicant = case.applicant
    base = live_server.url

    # The applicant submits (送审) in the browser.
    login(page, base, applicant.login_name, PASSWORD)
    page.goto(f"{base}/cases/{case.number}/edit/")
    with page.expect_navigation():
        page.click("#checklist button:has-text('送审')")
    assert page.url.endswith(f"/cases/{case.number}/"), page.locator("main").inner_text()
    assert page.locator("strong.case-status").inner_text() == "单位审核中"
    logout(page)
    case.refresh_from_db()
    assert case.status == Case.Status.UNIT_REVIEW
    assert [m.body for m in _messages(applicant)] == [
        f"【广州人才引进】您的入户申请{case.number}已送审，当前状态：单位审核中。"
    ]

    # The unit admin is told by SMS and (they gave an address) by e-mail...
    (sms,) = _messages(admin)
    assert sms.body == (
        f"【广州人才引进】贵单位员工{applicant.real_name}的入户申请{case.number}已送达单位审核，"
        f"请于{case.due_date.isoformat()}前登录系统审核并送审或退回。"
    )
    (mail,) = _messages(admin, "email")
    assert mail.subject == f"入户申请{case.number}待单位审核"
    assert case.number in mail.body and applicant.real_name in mail.body
    assert _messages(at_once) == [] and _messages(daily) == []  # not their queue yet

    # ... and sees it waiting on the dashboard (375 px wide) and in the unit's worklist.
    login(mobile_page, base, admin.login_name, PASSWORD)
    waiting = mobile_page.locator("section.dash-waiting li", has_text=world.soe.name)
    assert waiting.locator("strong.dash-count").inner_text() == "1"
    assert "待单位审核" in waiting.inner_text()
    assert waiting.locator("a").get_attribute("href") == "/cases/unit/"
    overflow = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375, overflow
    shot = screenshot(mobile_page, "notifications-unit-admin-dashboard-375.png")
    with Image.open(shot) as image:
        assert image.width == 375
    mobile_page.goto(base + "/accounts/switch/")
    mobile_page.check(f"label:has-text('{world.soe.name}') input[type=radio]")
    with mobile_page.expect_navigation():
        mobile_page.click("button[type=submit]:has-text('切换')")
    mobile_page.click("main a:has-text('单位业务')")
    mobile_page.wait_for_url("**/cases/unit/")
    mobile_page.click(f"a:has-text('{case.number}')")
    assert applicant.real_name in mobile_page.locator("main").inner_text()
    # The unit admin approves in the browser: on to the department's chain.
    with mobile_page.expect_navigation():
        mobile_page.click("button:has-text('单位审核通过并送审')")
    assert mobile_page.url == base + "/cases/unit/"
    case.refresh_from_db()
    assert (case.status, case.holding_office.code, case.chain_step.name) == (
        "dept_review", "dept-sasac", "处室初审",
    )  # fmt: skip
    mobile_page.goto(base + "/accounts/")
    waiting = mobile_page.locator("section.dash-waiting li", has_text=world.soe.name)
    assert waiting.locator("strong.dash-count").inner_text() == "0"

    # The department: the per-case colleague has an SMS and an e-mail at once.
    arrival = (
        f"入户申请{case.number}（申请人{applicant.real_name}）已送达"
        f"{case.holding_office.name}（第1步：处室初审），"
    )
    (sms,) = _messages(at_once)
    assert sms.body.startswith("【广州人才引进】" + arrival), sms.body
    (mail,) = _messages(at_once, "email")
    assert mail.subject == f"入户申请{case.number}已送达待办"
    assert mail.body.startswith(arrival), mail.body
    # The digest colleague: nothing yet, one line waiting for the day's digest.
    assert _messages(daily) == [] and _messages(daily, "email") == []
    (item,) = DigestItem.objects.filter(user=daily, digest=None)
    assert item.line.startswith(f"{case.number}（申请人{applicant.real_name}，")
    # The unit admin is not told of their own move.
    assert len(_messages(admin)) == 1 and len(_messages(admin, "email")) == 1
    # In the back office (password + TOTP) the per-case colleague finds it in their queue.
    at_once.totp_secret = secret = pyotp.random_base32()
    at_once.save(update_fields=["totp_secret"])
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", at_once.login_name)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/office/2fa/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("form button[type=submit]:has-text('验证')")
    page.wait_for_url("**/office/queue/department/")
    row = page.locator("table.office-worklist tr", has_text=case.number)
    assert applicant.real_name in row.inner_text()

    # The worker's sweeps, the next morning at 9 (digest hour 8): one digest, then the
    # outbox delivers everything; the e-mails reach the SMTP peer.
    tomorrow = clock.now().astimezone(clock.SHANGHAI).date() + timedelta(days=1)
    with clock.frozen(datetime.combine(tomorrow, time(9, 0), tzinfo=clock.SHANGHAI)):
        assert digest_sweep(batch=10) == 1
        assert digest_sweep(batch=10) == 0  # once a day
        (sms,) = _messages(daily)
        assert sms.body == (
            f"【广州人才引进】您有1件新的待办：{case.number}。"
            "请登录系统办理（可在“账号安全”中改为每件即时通知）。"
        )
        (digest,) = _messages(daily, "email")
        assert digest.subject == "今日新到待办1件"
        assert f"- {item.line}" in digest.body
        assert len(_messages(at_once)) == 1  # the per-case colleague gets no digest
        pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()
        assert pending == 8  # applicant 2 SMS; admin, per-case and digest colleague 2 each
        assert outbox_sweep(batch=50) == pending
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
    delivered = {rcpt[0]: _text(content) for rcpt, content in smtp_server.messages}
    assert set(delivered) == {admin.email, at_once.email, daily.email}
    assert delivered[admin.email].startswith(f"Subject: 入户申请{case.number}待单位审核\n")
    assert f"\n\n贵单位员工{applicant.real_name}的入户申请{case.number}" in delivered[admin.email]
    assert arrival in delivered[at_once.email]
    assert f"- {item.line}" in delivered[daily.email]
    raw = {rcpt[0]: content for rcpt, content in smtp_server.messages}
    for user in (admin, at_once, daily):
        (row,) = _messages(user, "email")
        assert f"Message-ID: <{row.delivery_id}@" in raw[user.email]

    # No ID number in any message, sent or delivered.
    ids = {user.reveal_id_number() for user in User.objects.all()} - {""}
    assert len(ids) == User.objects.count() and all(ID_NUMBER.fullmatch(n) for n in ids)
    texts = [m.subject + m.body for m in OutboxMessage.objects.all()]
    texts += list(delivered.values())
    texts += list(DigestItem.objects.values_list("line", flat=True))
    for text in texts:
        assert not ID_NUMBER.search(text), text
        assert not any(number in text for number in ids), text
