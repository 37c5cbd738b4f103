from __future__ import annotations

import itertools

import pytest
from django.test import Client
from stdnum.cn import ric

from rencai.accounts.models import User

PASSWORD = "Rencai@2026x"
_seq = itertools.count(1)


def make_id(body: str) -> str:
    """A valid 18-character ID number from a 17-digit body."""
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def make_user(db):
    def make(**fields) -> User:
        n = next(_seq)
        fields.setdefault("real_name", "李𠇔华")
        fields.setdefault("mobile", f"1390000{n:04d}")
        fields.setdefault("id_number", make_id(f"44010619900101{n:03d}"))
        login_name = fields.pop("login_name", f"user{n:04d}")
        password = fields.pop("password", PASSWORD)
        return User.objects.create_user(login_name, password, **fields)

    return make


@pytest.fixture
def user(make_user):
    return make_user(
        login_name="zhangsan",
        mobile="13912345678",
        id_number=make_id("44010619900307121"),
        email="zs@example.org",
    )


def ip_client(ip: str = "10.0.0.1") -> Client:
    return Client(REMOTE_ADDR=ip)
