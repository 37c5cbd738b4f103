"""The person's own page for units (/cases/units/): applications a unit started for them
to accept or decline, and 「允许该单位为我申报」 (who may find them by ID number).
Rules in rencai.cases.unit_access."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from rencai.accounts.roles import acting_as_for
from rencai.cases import unit_access
from rencai.core.errors import DomainError
from rencai.orgs.forms import UnitChoiceField


class ConsentForm(forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("允许该单位为我申报"))


def _page(request, *, form=None, status=200, searching=False):
    person = request.user
    return render(
        request,
        "cases/unit_consent.html",
        {
            "invitations": unit_access.invitations_pending(person),
            "consents": unit_access.consents_active(person),
            "form": form or ConsentForm(),
            "searching": searching,
        },
        status=status,
    )


def _personal_or_refuse(request):
    if not acting_as_for(request).is_personal:
        return render(request, "cases/personal_only.html", status=403)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def units(request):
    refusal = _personal_or_refuse(request)
    if refusal:
        return refusal
    if request.method == "GET":
        return _page(request)
    form = ConsentForm(request.POST)
    if UnitChoiceField.is_search_submit(request.POST, "unit"):
        return _page(request, form=form, searching=True)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        consent = unit_access.consent_grant(
            person=request.user, unit=form.cleaned_data["unit"], request=request
        )
    except DomainError as exc:
        form.add_error("unit", exc.message)
        return _page(request, form=form, status=exc.status)
    messages.success(
        request,
        _("已允许“%(unit)s”为您申报：该单位管理员按您的身份证号码查询时可以看到您的姓名。")
        % {"unit": consent.unit.name},
    )
    return redirect("cases:units")


@login_required
@require_POST
def consent_revoke(request, consent_id: int):
    refusal = _personal_or_refuse(request)
    if refusal:
        return refusal
    try:
        unit_access.consent_revoke(person=request.user, consent_id=consent_id, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销授权。"))
    return redirect("cases:units")


@login_required
@require_POST
def invitation_answer(request, invitation_id: int):
    refusal = _personal_or_refuse(request)
    if refusal:
        return refusal
    accept = request.POST.get("answer") == "accept"
    try:
        if accept:
            case = unit_access.invitation_accept(
                person=request.user, invitation_id=invitation_id, request=request
            )
        else:
            unit_access.invitation_decline(
                person=request.user, invitation_id=invitation_id, request=request
            )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:units")
    if accept:
        messages.success(
            request,
            _("已接受：申请%(number)s已创建，引进单位可代为填写并送审，您也可以自己填写。")
            % {"number": case.number},
        )
        return redirect("cases:detail", number=case.number)
    messages.success(request, _("已拒绝该单位的申报邀请。"))
    return redirect("cases:units")
