"""The client IP behind a reverse proxy: one rule (RENCAI_TRUSTED_PROXIES) for the audit
log, the per-IP SMS limit and django-axes."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from rencai.accounts.models import OneTimeCode
from rencai.accounts.services import OTP_PER_IP_PER_HOUR
from rencai.audit.models import AuditEvent
from rencai.audit.services import client_ip

PROXY = "10.8.0.2"
SMS_LOGIN = reverse("accounts:sms_login")


def meta(remote: str, xff: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "xff", "expected"),
    [
        # Default (no trusted proxies): REMOTE_ADDR, the header is ignored.
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # The proxy's peer is the client.
        ([PROXY], PROXY, "198.51.100.1", "198.51.100.1"),
        # A client-forged left part is skipped: the right-most untrusted entry wins.
        ([PROXY], PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Two proxy hops, both trusted (CIDR).
        (["10.8.0.0/16"], "10.8.0.2", "1.2.3.4, 198.51.100.7, 10.8.3.3", "198.51.100.7"),
        # An untrusted peer's header is ignored.
        ([PROXY], "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # Trusted peer without a header: the peer itself.
        ([PROXY], PROXY, None, PROXY),
        # Garbage at the right: nothing beyond the proxy can be believed.
        ([PROXY], PROXY, "198.51.100.1, not-an-ip", PROXY),
        # Ports and IPv6.
        ([PROXY], PROXY, "198.51.100.1:5555", "198.51.100.1"),
        (["2001:db8::/32"], "2001:db8::1", "[2001:db8:ffff::9]:443, 2400:cb00::7", "2400:cb00::7"),
    ],
)
def test_client_ip_rule(settings, trusted, remote, xff, expected):
    settings.RENCAI_TRUSTED_PROXIES = trusted
    assert client_ip(meta(remote, xff)) == expected


def test_axes_uses_the_same_rule():
    from axes.helpers import get_client_ip_address

    assert settings.AXES_CLIENT_IP_CALLABLE == "rencai.core.net.client_ip"
    request = meta(PROXY, "198.51.100.1")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "RENCAI_TRUSTED_PROXIES", [PROXY])
        assert get_client_ip_address(request) == "198.51.100.1"


def _send(client: Client, n: int, **extra):
    return client.post(SMS_LOGIN, {"mobile": f"1370000{n:04d}", "action": "send"}, **extra)


@pytest.mark.django_db
def test_clients_behind_one_trusted_proxy_are_limited_separately(settings):
    settings.RENCAI_TRUSTED_PROXIES = [PROXY]
    alice = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    bob = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    for n in range(OTP_PER_IP_PER_HOUR):
        assert _send(alice, n).status_code == 200
    limited = _send(alice, 500)
    assert limited.status_code == 429
    assert "您所在网络的请求过多" in limited.content.decode()
    # Another citizen behind the same proxy is not affected.
    r = _send(bob, 600)
    assert r.status_code == 200 and "验证码已发送" in r.content.decode()
    assert set(OneTimeCode.objects.values_list("ip", flat=True)) == {
        "198.51.100.1",
        "198.51.100.2",
    }


@pytest.mark.django_db
def test_untrusted_peer_cannot_escape_the_limit_with_a_forged_header(settings):
    settings.RENCAI_TRUSTED_PROXIES = [PROXY]
    for n in range(OTP_PER_IP_PER_HOUR):
        forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        assert _send(forged, n).status_code == 200
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert _send(forged, 500).status_code == 429
    assert set(OneTimeCode.objects.values_list("ip", flat=True)) == {"203.0.113.9"}


@pytest.mark.django_db
def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.RENCAI_TRUSTED_PROXIES = []
    c = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _send(c, 1).status_code == 200
    assert OneTimeCode.objects.get().ip == PROXY


@pytest.mark.django_db
def test_audit_rows_carry_the_client_not_the_proxy(settings, django_user_model):
    settings.RENCAI_TRUSTED_PROXIES = ["10.8.0.0/24"]
    django_user_model.objects.create_user("wangwu", "Wang#Wu2026", real_name="王五")
    c = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.77, 10.8.0.9")
    r = c.post(reverse("accounts:login"), {"username": "wangwu", "password": "Wang#Wu2026"})
    assert r.status_code == 302
    assert AuditEvent.objects.get(event="login").ip == "198.51.100.77"
