"""The unit admin's pages (acting as the unit): worklist, look a person up by ID number,
start an application for them (FAQ 二.3). Opening, forwarding, returning and the
1-hour withdrawal use the shared status page (views_status.detail / act).

The look-up names a person only if they have named the unit; an application the unit
starts waits for the person to accept it (rencai.cases.unit_access)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rencai.accounts.roles import acting_as_for
from rencai.cases import forms, unit_access
from rencai.cases.routing import route_kind
from rencai.cases.selectors import case_status_text, unit_worklist
from rencai.core.errors import DomainError


def _unit_or_refuse(request):
    unit = acting_as_for(request).unit
    if unit is None:
        return None, render(request, "cases/unit_only.html", status=403)
    return unit, None


@login_required
@require_GET
def worklist(request):
    """单位业务: applications routed to the unit."""
    unit, refusal = _unit_or_refuse(request)
    if refusal:
        return refusal
    groups = {
        key: [(c, case_status_text(c)) for c in cases]
        for key, cases in unit_worklist(unit=unit).items()
    }
    return render(
        request,
        "cases/unit_worklist.html",
        {"unit": unit, "groups": groups, "via_unit": route_kind(unit) == "via_unit"},
    )


def _invitations(unit):
    return [
        (i, unit_access.invitation_status_label(i)) for i in unit_access.invitations_sent(unit=unit)
    ]


def _lookup_page(request, unit, *, form, result=None, start_form=None, status=200):
    return render(
        request,
        "cases/unit_lookup.html",
        {
            "unit": unit,
            "form": form,
            "result": result,
            "start_form": start_form,
            "invitations": _invitations(unit),
        },
        status=status,
    )


@sensitive_post_parameters("id_number")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def lookup(request):
    """人才引进申办: the admin types an ID number (POST: it never goes into a URL or log)."""
    unit, refusal = _unit_or_refuse(request)
    if refusal:
        return refusal
    form = forms.LookupForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _lookup_page(request, unit, form=form)
    if not form.is_valid():
        return _lookup_page(request, unit, form=form, status=400)
    number = form.cleaned_data["id_number"].strip().upper()
    try:
        result = unit_access.unit_lookup(
            admin=request.user, acting_as=acting_as_for(request), id_number=number,
            request=request,
        )  # fmt: skip
    except DomainError as exc:
        form.add_error("id_number" if exc.field == "id_number" else None, exc.message)
        return _lookup_page(request, unit, form=form, status=exc.status)
    start_form = forms.StartForPersonForm(initial={"id_number": number})
    return _lookup_page(request, unit, form=form, result=result, start_form=start_form)


@sensitive_post_parameters("id_number")
@login_required
@require_POST
def start(request):
    """「点击这里」: an application for the person, which they confirm on their own page."""
    unit, refusal = _unit_or_refuse(request)
    if refusal:
        return refusal
    form = forms.StartForPersonForm(request.POST)
    if form.is_valid():
        try:
            invitation = unit_access.unit_invite(
                admin=request.user,
                acting_as=acting_as_for(request),
                id_number=form.cleaned_data["id_number"].strip().upper(),
                category=form.cleaned_data["category"],
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "已向身份证号码为%(masked)s的人员发出申报邀请。本人登录系统（尚未注册的须先注册）"
                    "确认后，申请将出现在本单位的“单位业务”中，届时可代为填写并送审。"
                )
                % {"masked": invitation.id_number_masked},
            )
    else:
        messages.error(request, _("请选择申报类别。"))
    return redirect("cases:unit_lookup")
