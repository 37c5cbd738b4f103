"""Security headers, the friendly 404, and malformed requests (never a 500)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rencai.accounts.models import User

PAGES = ["/", "/accounts/login/"]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_send_csp_without_inline_script_and_nosniff(client, path):
    r = client.get(path)
    assert r.status_code == 200
    csp = _directives(r.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in r.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    # The policy is kept by the markup itself: no inline scripts, handlers or styles.
    html = r.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"\sstyle\s*=", html)


@pytest.mark.django_db
def test_unknown_url_gets_the_friendly_chinese_404(client):
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert '<html lang="zh-Hans">' in html and "页面不存在" in html
    assert 'href="/"' in html  # a way back home
    assert "Traceback" not in html and "urlpatterns" not in html


REGISTER = reverse("accounts:register")
LOGIN = reverse("accounts:login")
SMS_LOGIN = reverse("accounts:sms_login")

BROKEN_MULTIPART = (
    b'--xx\r\nContent-Disposition: form-data; name="login_name"\r\n\r\nabc\r\n'
    b'--xx\r\nContent-Disposition: form-data; name="real_name"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\npartial"  # no closing boundary
)
MALFORMED = {
    "truncated multipart": (BROKEN_MULTIPART, "multipart/form-data; boundary=xx"),
    "multipart without boundary": (b"--\r\n", "multipart/form-data"),
    "garbage multipart": (b"\x00\xff" * 100, "multipart/form-data; boundary=xx"),
    "invalid UTF-8 in a urlencoded body": (
        b"login_name=\xff\xfeab&real_name=%FF%FE%C0&mobile=1%E4",
        "application/x-www-form-urlencoded",
    ),
    "invalid UTF-8 with a charset": (
        b"username=\xc3\x28&password=\xa0\xa1",
        "application/x-www-form-urlencoded; charset=utf-8",
    ),
    "unknown charset": (b"username=a&password=b", "application/x-www-form-urlencoded; charset=x"),
    "too many fields": (
        "&".join(f"f{i}=1" for i in range(1000)).encode(),
        "application/x-www-form-urlencoded",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", [REGISTER, LOGIN, SMS_LOGIN])
@pytest.mark.parametrize("kind", list(MALFORMED))
def test_malformed_requests_are_client_errors_never_500(path, kind):
    """Django either refuses to parse the body (400) or the form sees invalid input and shows
    its errors (200); neither creates anything, and nothing is a server error."""
    body, content_type = MALFORMED[kind]
    client = Client(raise_request_exception=False)
    r = client.generic("POST", path, data=body, content_type=content_type)
    assert r.status_code in (200, 400), (kind, r.status_code)
    if kind in ("too many fields", "multipart without boundary"):
        assert r.status_code == 400
    assert User.objects.count() == 0
