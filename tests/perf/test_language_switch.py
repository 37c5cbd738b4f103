"""The footer's language switch works without a CSRF token (so anonymous pages draw no
token and set no cookie) and still refuses a request forged by another site."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def _switch(client, **headers):
    return client.post("/i18n/setlang/", {"language": "en", "next": "/help/"}, headers=headers)


def test_anonymous_page_has_no_token_and_sets_no_csrf_cookie():
    response = Client().get("/help/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" not in response.content
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_switch_works_without_token_from_the_same_site():
    client = Client(enforce_csrf_checks=True)
    response = _switch(client, Origin="http://testserver", **{"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    assert response["Location"] == "/help/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_switch_without_origin_header_works():  # a browser of long ago, JS off
    response = _switch(Client(enforce_csrf_checks=True))
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    ],
)
def test_switch_from_another_site_is_refused(headers):
    response = _switch(Client(enforce_csrf_checks=True), **headers)
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_get_changes_nothing():
    response = Client().get("/i18n/setlang/?language=en&next=/help/")
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_next_to_another_site_is_not_followed():
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response["Location"]
