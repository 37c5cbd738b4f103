"""长辈版 (elderly-friendly mode, MIIT 2021 适老化 rules): a switch in the header.

Remembered on the person (User.elder_mode) and in a cookie, so it also holds before
login and on this device after logout. A plain form post (works without JS), then back
to the page the switch was pressed on.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "rencai_elder"
COOKIE_AGE = 365 * 24 * 3600


def elder_mode_on(request) -> bool:
    """The person's choice when logged in, else this device's cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elder_mode)
    return request.COOKIES.get(COOKIE) == "1"


@require_POST
def elder_mode(request):
    on = request.POST.get("on") == "1"
    user = request.user
    if user.is_authenticated and user.elder_mode != on:
        user.elder_mode = on
        user.save(update_fields=["elder_mode"])
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        COOKIE, "1" if on else "0", max_age=COOKIE_AGE, samesite="Lax", secure=request.is_secure()
    )
    return response
