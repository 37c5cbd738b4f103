"""Helpers for the application pages/API tests (phase 2)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rencai.accounts.roles import SESSION_KEY
from rencai.cases.requirements import required_attachments
from rencai.catalog.reference import _load_simple


def png(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def png_file(name="scan.png", color=(200, 30, 30)):
    return SimpleUploadedFile(name, png(color), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def catalog(db):
    _load_simple()  # title series and attachment types


def act_as(client, grant) -> None:
    """Choose the role (like accounts:switch) and mark the session fresh at clock.now()."""
    from rencai.accounts.middleware import LAST_SEEN, LOGIN_AT
    from rencai.core import clock

    session = client.session
    session[SESSION_KEY] = grant.pk if grant else None
    session[LAST_SEEN] = session[LOGIN_AT] = clock.now().timestamp()
    session.save()


def fill_title(case) -> None:
    from rencai.catalog.models import TitleSeries

    series = TitleSeries.objects.first()
    case.title_series = series
    case.qualification_name = "工程师"
    case.certificate_number = "GC2020001"
    case.save(update_fields=["title_series", "qualification_name", "certificate_number"])


def upload_required(client, case) -> None:
    for requirement in required_attachments(case):
        response = client.post(
            f"/cases/{case.number}/attachments/",
            {"type_code": requirement.type_code, "file": png_file()},
        )
        assert response.status_code == 302, response.content.decode()[:2000]


_n = iter(range(100, 999))


def valid_id() -> str:
    """A valid ID number (the factories' numbers have day 00: fine for storage only)."""
    from stdnum.cn import ric

    body = f"44010619900101{next(_n):03d}"
    return body + ric.calc_check_digit(body + "0")


def registered(name="职工"):
    """A person registered with a valid ID number."""
    from tests.cases.factories import person

    user = person(name)
    number = valid_id()
    user.set_id_number(number)
    user.save()
    return user, number


def office_client(user, acting):
    """Logged in as an official, second factor passed, acting for the office."""
    import pyotp

    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    from django.test import Client

    from rencai.accounts import roles
    from rencai.accounts.middleware import LOGIN_AT
    from rencai.backoffice import totp
    from rencai.core import clock

    client = Client()
    client.force_login(user)
    session = client.session
    stamp = clock.now().timestamp()
    session[LOGIN_AT] = session[totp.SESSION_VERIFIED] = stamp
    session[roles.SESSION_KEY] = acting.grant.pk
    session.save()
    return client


def csrf_client(user):
    """A client that checks CSRF tokens as a browser's requests are checked, logged in."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def form_token(page: str) -> str:
    """The CSRF token of the first form on the page."""
    import re

    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
