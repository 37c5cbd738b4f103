"""Log in with login name, mobile or ID number — and lock out per account, not per IP.

One backend does both credential kinds so that django-axes (AxesStandaloneBackend,
first in AUTHENTICATION_BACKENDS) guards them alike: `authenticate(request,
username=mobile, sms_code=code)` fails through Django's `user_login_failed`
signal exactly as a wrong password does, and counts against the same account key.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from rencai.accounts.models import User
from rencai.accounts.selectors import user_find_by_identifier
from rencai.core.prepared import PreparedLookup


def _with_grant_flag(pk):
    from django.db.models import Exists, OuterRef

    from rencai.accounts.models import RoleGrant

    active = RoleGrant.objects.filter(user=OuterRef("pk"), revoked_at__isnull=True)
    return User._default_manager.annotate(has_active_grants=Exists(active)).filter(pk=pk)


_USER_WITH_GRANT_FLAG = PreparedLookup(User, "id", lambda pk: _with_grant_flag(pk).order_by("pk"))


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, sms_code=None, **kwargs):
        if sms_code is not None and password is None:
            return self._authenticate_sms(username, sms_code)
        if not username or password is None:
            return None
        user = user_find_by_identifier(username)
        if user is None:
            # Same work as a real check, so timing does not reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The session's user, with whether they hold any active grant (issue #15): a
        person without one (most of them) then costs no second query for their grants,
        and a grant given or revoked counts from the next request on, as before. Every
        request of a logged-in person runs it: its SQL is compiled once (core.prepared)."""
        user = _USER_WITH_GRANT_FLAG.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _authenticate_sms(self, mobile, code):
        from rencai.accounts.models import OneTimeCode
        from rencai.accounts.selectors import user_find_by_mobile
        from rencai.accounts.services import otp_verify
        from rencai.accounts.validators import normalize_mobile

        mobile = normalize_mobile(mobile or "")
        if not mobile or not code:
            return None
        if not otp_verify(mobile=mobile, purpose=OneTimeCode.Purpose.LOGIN, code=code):
            return None
        user = user_find_by_mobile(mobile)
        return user if user is not None and self.user_can_authenticate(user) else None


def axes_account_key(request, credentials) -> str:
    """django-axes counts failures against the account an identifier resolves to.

    Typing the mobile, the ID number or the login name all hit one counter;
    an unknown identifier gets its own (hashed) key so it cannot lock anyone else.
    """
    identifier = str((credentials or {}).get("username") or "")
    user = user_find_by_identifier(identifier)
    if user is not None:
        return f"user:{user.pk}"
    from rencai.core.crypto import blind_index

    return "unknown:" + blind_index(identifier.strip().lower(), context="axes")[:32]
