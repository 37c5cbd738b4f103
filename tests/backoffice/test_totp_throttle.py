"""Finding 5 (second factor): wrong codes are throttled per account, persistently, with a
growing wait (a new login gives no new tries); one-time backup codes for officials."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rencai.audit.models import AuditEvent
from rencai.backoffice import backup_codes, totp
from rencai.backoffice.models import BackupCode, TotpThrottle
from rencai.core import clock
from rencai.notify.models import OutboxMessage
from tests.backoffice.second_factor import verified_client

PASSWORD = "Pw@123456"
VERIFY = "backoffice:totp_verify"
CODES_PAGE = "backoffice:totp_backup_codes"
START = clock.now().replace(minute=0, second=5, microsecond=0)


@pytest.fixture
def official(world):
    user, _acting = world.officials["district-440106"]
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    return user


def _login(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.login_name, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url.startswith("/office/2fa/")
    return client


def _good(user) -> str:
    return pyotp.TOTP(user.totp_secret).at(clock.now())


def _wrong(user) -> str:
    totp_ = pyotp.TOTP(user.totp_secret)
    near = {totp_.at(clock.now() + timedelta(seconds=30 * k)) for k in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in near)


def _verify(client: Client, code: str):
    return client.post(reverse(VERIFY), {"code": code, "next": "/office/"})


def _passed(response) -> bool:
    return response.status_code == 302 and response.url == "/office/"


def test_a_new_login_does_not_give_five_more_tries(official):
    with clock.frozen(START):
        first = _login(official)
        for _ in range(4):
            assert _verify(first, _wrong(official)).status_code == 400
        locked = _verify(first, _wrong(official))
        assert locked.status_code == 302 and locked.url == reverse("accounts:login")

        second = _login(official)  # the password still works...
        response = _verify(second, _good(official))  # ...but not even the right code now
        assert not _passed(response)  # on 2ff1af0 this new session had five fresh tries
        assert second.get("/office/").status_code == 302
        throttle = TotpThrottle.objects.get(user=official)
        assert throttle.failures == 5
        assert throttle.locked_until == START + totp.LOCK_BASE
        assert AuditEvent.objects.filter(event="totp.locked", actor=official).count() == 1
        sms = OutboxMessage.objects.get(recipient=official.mobile)
        assert "连续输错5次" in sms.body and "密码可能已泄露" in sms.body


def test_the_wait_doubles_and_a_good_code_clears_the_count(official):
    with clock.frozen(START):
        client = _login(official)
        for _ in range(5):
            _verify(client, _wrong(official))
        clock.advance(totp.LOCK_BASE + timedelta(seconds=1))
        client = _login(official)
        _verify(client, _wrong(official))  # one more wrong code: locked again, twice as long
        assert TotpThrottle.objects.get(user=official).locked_until == clock.now() + 2 * (
            totp.LOCK_BASE
        )
        page = _login(official).get(reverse(VERIFY))
        assert "已暂时锁定至" in page.content.decode()

        clock.advance(timedelta(seconds=61))
        assert not _passed(_verify(_login(official), _good(official)))  # still locked
        clock.advance(timedelta(seconds=60))
        assert _passed(_verify(_login(official), _good(official)))
        throttle = TotpThrottle.objects.get(user=official)
        assert (throttle.failures, throttle.locked_until) == (0, None)
        assert OutboxMessage.objects.filter(recipient=official.mobile).count() == 1  # one SMS


def test_the_wait_is_capped():
    assert totp.backoff(totp.MAX_FAILURES) == totp.LOCK_BASE
    assert totp.backoff(totp.MAX_FAILURES + 3) == 8 * totp.LOCK_BASE
    assert totp.backoff(1000) == totp.LOCK_MAX


def test_the_lock_message_names_the_field_and_the_time(official):
    with clock.frozen(START):
        client = _login(official)
        for _ in range(5):
            response = _verify(client, _wrong(official))
        html = client.get(response.url).content.decode()  # the login page, with the message
        until = clock.now() + totp.LOCK_BASE
        assert "动态口令：连续输错次数过多" in html
        assert f"{timezone.localtime(until):%H:%M}" in html and "重新登录不会解除锁定" in html


# --- backup codes -------------------------------------------------------------------------


def _codes_from(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)


def test_enrolment_shows_ten_codes_once_stored_only_hashed(world):
    user, _acting = world.officials["district-440106"]
    client = _login(user)
    secret = client.get(reverse("backoffice:totp_enrol")).context["secret"]
    done = client.post(
        reverse("backoffice:totp_enrol"), {"code": pyotp.TOTP(secret).at(clock.now())}
    )
    assert done.status_code == 302 and done.url.startswith(reverse(CODES_PAGE))
    codes = _codes_from(client.get(done.url).content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    again = client.get(done.url).content.decode()
    assert _codes_from(again) == [] and "10 个未使用的备用码" in again  # shown once
    stored = list(BackupCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(c.replace("-", "") in h or c in h for c in codes for h in stored)
    assert AuditEvent.objects.filter(event="totp.backup_codes_generate", actor=user).exists()


def _generate_on_the_page(user) -> list[str]:
    client = verified_client(user)
    response = client.post(reverse(CODES_PAGE), {"next": "/office/"})
    assert response.status_code == 302
    return _codes_from(client.get(response.url).content.decode())


def test_a_backup_code_opens_one_login_only(official):
    codes = _generate_on_the_page(official)
    typed = codes[0].upper().replace("-", " ")  # as read off the paper
    response = _verify(_login(official), typed)
    assert _passed(response)
    assert backup_codes.remaining(official) == 9
    event = AuditEvent.objects.get(event="totp.backup_code_used", actor=official)
    assert event.detail == "left=9"
    assert "剩余9个" in OutboxMessage.objects.get(recipient=official.mobile).body

    again = _verify(_login(official), codes[0])
    assert again.status_code == 400 and "口令错误" in again.content.decode()
    assert TotpThrottle.objects.get(user=official).failures == 1
    assert _passed(_verify(_login(official), codes[1]))


def test_regenerating_invalidates_the_old_codes(official):
    old = _generate_on_the_page(official)
    new = _generate_on_the_page(official)
    assert set(old).isdisjoint(new)
    assert _verify(_login(official), old[0]).status_code == 400
    assert _passed(_verify(_login(official), new[0]))
    assert AuditEvent.objects.filter(event="totp.backup_codes_generate").count() == 2


def test_the_codes_page_needs_the_second_factor(official):
    client = _login(official)
    for response in (client.get(reverse(CODES_PAGE)), client.post(reverse(CODES_PAGE))):
        assert response.status_code == 302 and response.url.startswith(reverse(VERIFY))
    assert not BackupCode.objects.filter(user=official).exists()


def test_wrong_backup_codes_count_towards_the_lock(official):
    with clock.frozen(START):
        client = _login(official)
        for _ in range(4):
            assert _verify(client, "aaaaa-bbbbb").status_code == 400
        response = _verify(client, "aaaaa-bbbbb")
        assert response.url == reverse("accounts:login")
        assert TotpThrottle.objects.get(user=official).locked_until is not None
