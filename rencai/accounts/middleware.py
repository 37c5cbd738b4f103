"""Idle and absolute session timeouts, "log out everywhere", and the second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout

from rencai.core import clock

LOGIN_AT = "_login_at"
LAST_SEEN = "_last_seen"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock.now().timestamp()
            login_at = request.session.get(LOGIN_AT, now)
            last_seen = request.session.get(LAST_SEEN, now)
            revoked = user.sessions_valid_after and login_at < user.sessions_valid_after.timestamp()
            if (
                revoked
                or now - last_seen > settings.SESSION_IDLE_SECONDS
                or now - login_at > settings.SESSION_COOKIE_AGE
            ):
                from rencai.audit.services import audit_record

                audit_record(
                    event="session.revoked" if revoked else "session.timeout",
                    actor=user,
                    request=request,
                    obj=user,
                )
                logout(request)  # flushes the server-side session
                request.session_expired = True
            else:
                request.session.setdefault(LOGIN_AT, login_at)
                # Write at most once a minute to spare the session table.
                if now - last_seen > 60 or LAST_SEEN not in request.session:
                    request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """The one place the second factor is enforced: every resolved view, for everyone who
    acts in an official capacity (rule and exemptions in rencai.backoffice.access). After
    SessionTimeoutMiddleware, so an expired session is anonymous here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from rencai.backoffice.access import second_factor_refusal

        return second_factor_refusal(request)
