"""The footer's language switch without a CSRF token.

Every page carries the switch; `{% csrf_token %}` in it made each anonymous page draw a
fresh masked token (32 `os.urandom` calls, ~20 % of a help page's CPU) and set a cookie,
which also kept those pages from being shared by any cache. The one thing this POST does is
set the language cookie and redirect to a same-site `next` (Django's `set_language`
checks it), so a forged cross-site request could at worst switch someone's language. We
still refuse that: browsers send `Origin` (and `Sec-Fetch-Site`) on every form POST, and a
request from another site is answered 403 like a CSRF failure. Works with JS off."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


def cross_site(request) -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:  # old browsers and non-browser clients: nothing to forge with
        return False
    return origin != f"{request.scheme}://{request.get_host()}" and origin not in getattr(
        settings, "CSRF_TRUSTED_ORIGINS", []
    )


@csrf_exempt
@require_POST
def set_language(request):
    if cross_site(request):
        return HttpResponseForbidden(_("请求来自其他网站，已拒绝。"))
    return django_set_language(request)
