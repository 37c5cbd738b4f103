"""Log in with login name, mobile or ID number — and lock out per account, not per IP."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from rencai.accounts.selectors import user_find_by_identifier


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = user_find_by_identifier(username)
        if user is None:
            # Same work as a real check, so timing does not reveal which accounts exist.
            self.user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_account_key(request, credentials) -> str:
    """django-axes counts failures against the account an identifier resolves to.

    Typing the mobile, the ID number or the login name all hit one counter;
    an unknown identifier gets its own (hashed) key so it cannot lock anyone else.
    """
    identifier = (credentials or {}).get("username", "") if credentials else ""
    user = user_find_by_identifier(identifier)
    if user is not None:
        return f"user:{user.pk}"
    from rencai.core.crypto import blind_index

    return "unknown:" + blind_index(identifier.strip().lower(), context="axes")[:32]
