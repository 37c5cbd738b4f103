"""Who may open /office/ pages: a logged-in person with an active official grant, who
passed the second factor in this session and is acting as one of their offices."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

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
            target = (
                "backoffice:totp_verify" if request.user.totp_secret else "backoffice:totp_enrol"
            )
            return redirect(_with_next(target, request))
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
