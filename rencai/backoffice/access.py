"""The one rule for the second factor, and who may open /office/ pages.

Whoever can act in an official capacity — holds an active official grant, is staff, or is a
superuser — must have passed the second factor in this session before ANY request: pages,
the API, files, cards, changes, the admin. `SecondFactorMiddleware`
(rencai.accounts.middleware) applies `second_factor_refusal` to every resolved view, so no
view carries its own check; the decorators below only choose who is an official at all
(404 otherwise) and which office they act for."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from rencai.accounts.models import RoleGrant
from rencai.accounts.roles import acting_as_for, request_grants
from rencai.backoffice import totp
from rencai.core.errors import Forbidden

#: Views reachable before the second factor: the step itself, leaving, the language switch
#: and the health probe. Everything else (public pages included) waits for the code: an
#: official's login is not complete until it is passed.
EXEMPT_VIEWS = frozenset(
    {
        "backoffice:totp_verify",
        "backoffice:totp_enrol",
        "accounts:logout",
        "admin:logout",
        "set_language",
        "healthz",
    }
)
API_PREFIX = "/api/"
REFUSAL_CODE = Forbidden.code  # the API's error shape: {"code", "message", "field"}
REFUSAL_MESSAGE = "请先完成动态口令验证（二次验证）后再操作。Second factor required."


def second_factor_due(user, grants: list[RoleGrant] | None = None) -> bool:
    """Acts in an official capacity: active official grant, staff, or superuser. `grants`:
    the request's active grants (request_grants), which saves the query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return _holds_official(grants) if grants is not None else totp.needs_second_factor(user)


def _holds_official(grants: list[RoleGrant]) -> bool:
    return any(g.role == RoleGrant.Role.OFFICIAL for g in grants)


def second_factor_page(user) -> str:
    return "backoffice:totp_verify" if user.totp_secret else "backoffice:totp_enrol"


def _with_next(name: str, request) -> str:
    # A POST cannot be replayed by the redirect: come back to the step's default target.
    if request.method not in ("GET", "HEAD"):
        return reverse(name)
    return reverse(name) + "?" + urlencode({"next": request.get_full_path()})


def second_factor_refusal(request):
    """None when the request may go on; else the refusal: the TOTP step for pages, 403 in
    the API's error shape for the API."""
    match = request.resolver_match
    if match is None or match.view_name in EXEMPT_VIEWS:
        return None
    user = request.user
    if not getattr(user, "is_authenticated", False) or totp.session_verified(request):
        return None
    if not second_factor_due(user, request_grants(request)):
        return None
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {"code": REFUSAL_CODE, "message": REFUSAL_MESSAGE, "field": None},
            status=403,
            json_dumps_params={"ensure_ascii": False},
        )
    return redirect(_with_next(second_factor_page(user), request))


def official_required(view):
    """Logged in and holding an active official grant (404 for everyone else). The second
    factor itself is checked by the middleware for every request."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not _holds_official(request_grants(request)):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def office_required(view):
    """As above, and acting as an office (acting_as_for(request).office is set)."""

    @wraps(view)
    @official_required
    def wrapped(request, *args, **kwargs):
        acting = acting_as_for(request)
        if acting.office is None:
            return redirect(
                reverse("backoffice:choose") + "?" + urlencode({"next": request.get_full_path()})
            )
        request.office = acting.office
        request.acting = acting
        return view(request, *args, **kwargs)

    return wrapped
