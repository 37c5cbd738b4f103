"""Second factor for officials: enrolment, login, ±1 step, replay, the /office/ guard."""

from __future__ import annotations

import base64
from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.core import clock
from tests.cases.factories import person

PASSWORD = "Pw@123456"


def _login(client: Client, user) -> object:
    return client.post(
        reverse("accounts:login"), {"username": user.login_name, "password": PASSWORD}
    )


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * offset_steps))


@pytest.fixture
def official(world):
    user, _acting = world.officials["district-440106"]
    return user


def test_enrolment_then_office_pages(official):
    client = Client()
    response = _login(client, official)
    assert response.status_code == 302
    assert response.url.startswith(reverse("backoffice:totp_enrol"))
    # Before the second factor, office pages are closed.
    response = client.get(reverse("backoffice:index"))
    assert response.status_code == 302 and "/office/2fa/enrol/" in response.url

    page = client.get(reverse("backoffice:totp_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = page.context["secret"]
    qr = page.context["qr"].split(",", 1)[1]
    assert b"<svg" in base64.b64decode(qr)

    wrong = client.post(reverse("backoffice:totp_enrol"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "动态口令" in wrong.content.decode()
    official.refresh_from_db()
    assert official.totp_secret == ""

    done = client.post(reverse("backoffice:totp_enrol"), {"code": _code(secret)})
    assert done.status_code == 302
    official.refresh_from_db()
    assert official.totp_secret == secret
    assert AuditEvent.objects.filter(event="totp.enrol", actor=official).exists()
    # One office grant: the office is chosen automatically, then the worklist opens.
    response = client.get(reverse("backoffice:index"), follow=True)
    assert response.status_code == 200
    assert "工作清单" in response.content.decode()


def test_login_requires_code_and_refuses_replay(official):
    secret = pyotp.random_base32()
    official.totp_secret = secret
    official.save()
    with clock.frozen(clock.now().replace(second=5, microsecond=0)):
        client = Client()
        response = _login(client, official)
        assert response.url.startswith(reverse("backoffice:totp_verify"))
        assert client.get(reverse("backoffice:index")).status_code == 302
        code = _code(secret)
        ok = client.post(reverse("backoffice:totp_verify"), {"code": code, "next": "/office/"})
        assert ok.status_code == 302 and ok.url == "/office/"
        assert client.get(reverse("backoffice:index"), follow=True).status_code == 200

        # A second session replaying the same code is refused.
        other = Client()
        _login(other, official)
        replay = other.post(reverse("backoffice:totp_verify"), {"code": code})
        assert replay.status_code == 400
        assert "已使用过" in replay.content.decode()
        assert other.get(reverse("backoffice:index")).status_code == 302


@pytest.mark.parametrize("offset,accepted", [(-1, True), (1, True), (-2, False), (2, False)])
def test_valid_window_is_one_step(official, offset, accepted):
    secret = pyotp.random_base32()
    official.totp_secret = secret
    official.save()
    with clock.frozen(clock.now().replace(second=15, microsecond=0)):
        client = Client()
        _login(client, official)
        response = client.post(reverse("backoffice:totp_verify"), {"code": _code(secret, offset)})
        assert (response.status_code == 302) is accepted


def test_new_login_needs_the_code_again(official):
    secret = pyotp.random_base32()
    official.totp_secret = secret
    official.save()
    client = Client()
    _login(client, official)
    client.post(reverse("backoffice:totp_verify"), {"code": _code(secret)})
    assert client.get(reverse("backoffice:index"), follow=True).status_code == 200
    client.post(reverse("accounts:logout"))
    _login(client, official)
    assert client.get(reverse("backoffice:index")).status_code == 302


def test_too_many_wrong_codes_log_out(official):
    official.totp_secret = pyotp.random_base32()
    official.save()
    client = Client()
    _login(client, official)
    for _ in range(4):
        assert client.post(reverse("backoffice:totp_verify"), {"code": "12345x"}).status_code == 400
    for _ in range(5):
        response = client.post(reverse("backoffice:totp_verify"), {"code": "000001"})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert AuditEvent.objects.filter(event="totp.failed", actor=official).count() == 5


def test_non_officials_get_no_office_and_no_second_factor(world):
    user = person()
    client = Client()
    response = _login(client, user)
    assert response.url == reverse("accounts:dashboard")
    assert client.get(reverse("backoffice:index")).status_code == 404
    assert client.get(reverse("backoffice:totp_enrol")).status_code == 404
    assert Client().get(reverse("backoffice:index")).status_code == 302  # to login


def test_revoked_grant_closes_the_office(world, as_office):
    client = as_office("district-440106")
    assert client.get(reverse("backoffice:index"), follow=True).status_code == 200
    _user, acting = world.officials["district-440106"]
    acting.grant.revoked_at = clock.now()
    acting.grant.save()
    assert client.get(reverse("backoffice:index")).status_code == 404
