"""Test helpers: a client whose session has passed the second factor (for /admin/ tests)."""

from __future__ import annotations

import pyotp
from django.test import Client

from rencai.accounts.middleware import LOGIN_AT
from rencai.backoffice import totp
from rencai.core import clock


def mark_second_factor_passed(client: Client, user) -> Client:
    """`client` is logged in as `user`; give `user` an authenticator if needed and mark the
    session as having passed it (what the verify page does after a good code)."""
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    session = client.session
    stamp = session.get(LOGIN_AT) or clock.now().timestamp()
    session[LOGIN_AT] = stamp
    session[totp.SESSION_VERIFIED] = stamp
    session.save()
    return client


def verified_client(user) -> Client:
    """A new client logged in as `user` with the second factor passed."""
    client = Client()
    client.force_login(user)
    return mark_second_factor_passed(client, user)
