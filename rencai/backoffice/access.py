"""Who may open /office/ pages: a logged-in person with an active official grant, who
passed the second factor in this session and is acting as one of their offices. And the
same second factor in front of every /admin/ page for staff."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import URLResolver, reverse

from rencai.accounts.roles import acting_as_for
from rencai.backoffice import totp


def _with_next(name: str, request) -> str:
    return reverse(name) + "?" + urlencode({"next": request.get_full_path()})


def second_factor_required(view):
    """Logged in, holds an official grant, second factor passed in this session."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not totp.needs_second_factor(request.user):
            raise Http404
        if not totp.session_verified(request):
            return redirect(_with_next(_second_factor_page(request.user), request))
        return view(request, *args, **kwargs)

    return wrapped


def office_required(view):
    """As above, and acting as an office (acting_as_for(request).office is set)."""

    @wraps(view)
    @second_factor_required
    def wrapped(request, *args, **kwargs):
        acting = acting_as_for(request)
        if acting.office is None:
            return redirect(_with_next("backoffice:choose", request))
        request.office = acting.office
        request.acting = acting
        return view(request, *args, **kwargs)

    return wrapped


def _second_factor_page(user) -> str:
    return "backoffice:totp_verify" if user.totp_secret else "backoffice:totp_enrol"


def admin_second_factor_required(view):
    """Active staff (whom the admin would let in) pass the second factor first, enrolling
    if they have no authenticator yet; everyone else goes on to the admin's own checks
    (anonymous users to the admin login, as before)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if totp.admin_needs_second_factor(user) and not totp.session_verified(request):
            return redirect(_with_next(_second_factor_page(user), request))
        return view(request, *args, **kwargs)

    return wrapped


# Leaving must stay possible without the code.
ADMIN_EXEMPT = {"logout"}


def _wrap_patterns(patterns) -> None:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _wrap_patterns(entry.url_patterns)
        elif entry.name not in ADMIN_EXEMPT:
            entry.callback = admin_second_factor_required(entry.callback)


def admin_urls_second_factor(urls):
    """`admin.site.urls` with every view (model admins included) behind the second factor:
    `path("admin/", admin_urls_second_factor(admin.site.urls))`."""
    patterns, app_name, namespace = urls
    _wrap_patterns(patterns)
    return patterns, app_name, namespace
