from __future__ import annotations

import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from stdnum.cn import ric

from rencai.accounts.middleware import LOGIN_AT
from rencai.accounts.models import RoleGrant, User
from rencai.backoffice.totp import SESSION_VERIFIED
from rencai.orgs.models import District, Office, Unit
from rencai.orgs.services import unit_create
from rencai.orgs.validators import org_code_check_char, uscc_check_char

PASSWORD = "Rencai@2026x"
_seq = itertools.count(1)
_codes = itertools.count(4000)


def make_code(*, legacy: bool = False, body: str | None = None) -> str:
    body = body or f"{next(_codes) * 7919 % 10**8:08d}"
    org = body + org_code_check_char(body)
    if legacy:
        return org
    first17 = "91440106" + org
    return first17 + uscc_check_char(first17)


def uscc_for(org_code: str) -> str:
    first17 = "91440106" + org_code
    return first17 + uscc_check_char(first17)


def png(name: str = "licence.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (12, 12), "white").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def make_user(db):
    def make(**fields) -> User:
        n = next(_seq)
        body = f"44010619900101{n:03d}"
        fields.setdefault("real_name", "李𠇔华")
        fields.setdefault("mobile", f"1380000{n:04d}")
        fields.setdefault("id_number", body + ric.calc_check_digit(body + "0"))
        return User.objects.create_user(fields.pop("login_name", f"chg{n:04d}"), PASSWORD, **fields)

    return make


@pytest.fixture
def make_unit(reference_data):
    def make(
        name: str,
        *,
        district="天河区",
        nature=Unit.Nature.PRIVATE,
        level=Unit.Level.DISTRICT,
        code=None,
        supervisory=None,
    ) -> Unit:
        office = Office.objects.get(code=supervisory) if supervisory else None
        return unit_create(
            name=name,
            code=code or make_code(),
            nature=nature,
            level=level,
            district=District.objects.get(name=district),
            supervisory_office=office,
        )

    return make


def official(user: User, office_code: str) -> User:
    RoleGrant.objects.create(
        user=user, role=RoleGrant.Role.OFFICIAL, office=Office.objects.get(code=office_code)
    )
    return user


def client_for(user: User) -> Client:
    """Logged in; officials also pass the second factor, as after the TOTP step."""
    client = Client()
    client.force_login(user)
    client.get("/")  # the session middleware records the login time
    session = client.session
    session[SESSION_VERIFIED] = session[LOGIN_AT]
    session.save()
    return client


@pytest.fixture
def requester(make_user, reference_data):
    return make_user(real_name="申请人甲", mobile="13800001111")


@pytest.fixture
def reviewer(make_user, reference_data):
    return official(make_user(real_name="审核员"), "data-centre")


@pytest.fixture
def tianhe(reference_data):
    return District.objects.get(name="天河区")


@pytest.fixture
def city_unit(make_unit):
    """A city institution whose unit-admin rights the education bureau approves."""
    return make_unit(
        "广州市某某研究院",
        nature=Unit.Nature.INSTITUTION,
        level=Unit.Level.CITY,
        supervisory="dept-edu",
    )


@pytest.fixture
def dept(reference_data):
    office = Office.objects.get(code="dept-edu")
    office.email = "edu@example.org"
    office.phones = ["020-12345678"]
    office.address = "广州市某路2号"
    office.save()
    return office
