from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from rencai.accounts import roles
from rencai.accounts.middleware import LOGIN_AT
from rencai.backoffice import totp
from rencai.core import clock
from tests.cases.factories import build_world


@pytest.fixture
def world(db):
    return build_world()


def office_client(user, acting) -> Client:
    """A client logged in as `user`, second factor passed, acting as `acting`'s office."""
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    client = Client()
    client.force_login(user)
    session = client.session
    stamp = clock.now().timestamp()
    session[LOGIN_AT] = stamp
    session[totp.SESSION_VERIFIED] = stamp
    session[roles.SESSION_KEY] = acting.grant.pk
    session.save()
    return client


@pytest.fixture
def as_office(world):
    def make(code: str):
        user, acting = world.officials.get(code) or world.officials["stranger"]
        assert acting.office.code == code
        return office_client(user, acting)

    return make
