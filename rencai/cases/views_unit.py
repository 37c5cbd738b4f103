"""The unit admin's pages (acting as the unit): worklist, look a person up by ID number,
start an application for them (FAQ 二.3). Opening, forwarding, returning and the
1-hour withdrawal use the shared status page (views_applicant.detail / act)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rencai.accounts.roles import acting_as_for
from rencai.cases import forms
from rencai.cases.routing import route_kind
from rencai.cases.selectors import case_status_text, unit_person_lookup, unit_worklist
from rencai.cases.services import case_start_for_person
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


@login_required
@require_http_methods(["GET", "POST"])
def lookup(request):
    """人才引进申办: the admin types an ID number (POST: it never goes into a URL or log)."""
    unit, refusal = _unit_or_refuse(request)
    if refusal:
        return refusal
    form = forms.LookupForm(request.POST if request.method == "POST" else None)
    result = start_form = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["id_number"].strip().upper()
        result = unit_person_lookup(unit=unit, id_number=number)
        if result.kind == "invalid":
            form.add_error("id_number", result.message)
            result = None
        elif result.kind in ("not_applied", "applied"):
            start_form = forms.StartForPersonForm(initial={"id_number": number})
    return render(
        request,
        "cases/unit_lookup.html",
        {"unit": unit, "form": form, "result": result, "start_form": start_form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def start(request):
    """「点击这里」: start a draft for the person, pre-filled from what they registered."""
    unit, refusal = _unit_or_refuse(request)
    if refusal:
        return refusal
    form = forms.StartForPersonForm(request.POST)
    if form.is_valid():
        try:
            case = case_start_for_person(
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
                request, _("已为该人员创建申请 %(n)s，请填写并送审。") % {"n": case.number}
            )
            return redirect("cases:edit", number=case.number)
    else:
        messages.error(request, _("请选择申报类别。"))
    return redirect("cases:unit_lookup")
