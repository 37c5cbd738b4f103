"""The dashboard (where do I stand) and 长辈版, split from views.py (issue #11).

长辈版 (elderly-friendly mode, MIIT 2021 适老化 rules): a switch in the header.

Remembered on the person (User.elder_mode) and in a cookie, so it also holds before
login and on this device after logout. A plain form post (works without JS), then back
to the page the switch was pressed on.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from rencai.accounts import roles
from rencai.core.masking import mask_mobile
from rencai.core.views_language import cross_site

COOKIE = "rencai_elder"
COOKIE_AGE = 365 * 24 * 3600


def elder_mode_on(request) -> bool:
    """The person's choice when logged in, else this device's cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.elder_mode)
    return request.COOKIES.get(COOKIE) == "1"


@csrf_exempt  # on every page: no token, so anonymous pages stay cacheable (as set_language)
@require_POST
def elder_mode(request):
    if cross_site(request):
        return HttpResponseForbidden(_("请求来自其他网站，已拒绝。"))
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


@login_required
@require_http_methods(["GET"])
def dashboard(request):
    """Where do I stand: the application, its holder and next action; what waits for me."""
    from rencai.cases import dashboard_cache
    from rencai.cases.dashboard import dashboard_for, latest_case
    from rencai.cases.routing import office_contact
    from rencai.helpdesk.selectors import phone_links

    user = request.user
    case = latest_case(user)
    key = dashboard_cache.key_for(request, case)  # None for people with grants
    if (html := dashboard_cache.page(key)) is not None:
        return HttpResponse(html)
    grants = roles.request_grants(request)
    board = dashboard_for(user=user, grants=grants, case=case)
    office = board.holder.office if board.holder else None
    contact = (
        {
            "office": office,
            "phones": phone_links(office.phones or []),
            "contact": office_contact(office),
        }
        if office
        else None
    )
    response = render(
        request,
        "accounts/dashboard.html",
        {
            "mobile_masked": mask_mobile(user.mobile or ""),
            "grants": grants,
            "is_official": any(g.role == "official" for g in grants),
            "board": board,
            "contact": contact,
        },
    )
    dashboard_cache.page_store(key, response.content)
    return response
