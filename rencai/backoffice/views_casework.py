"""The objection and card panels of the officials' case page (/office/cases/N/…): an
objection's finding and the audited reveal of the objector's contact, and revoking the
case's card. Same door as the case page: the office holding the case, second factor
passed (backoffice.access.office_required); revoking also asks for a fresh code."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from rencai.backoffice import selectors, totp
from rencai.backoffice.access import office_required
from rencai.backoffice.forms_casework import CardRevokeForm, ObjectionFindingForm
from rencai.cards.selectors import card_for_case
from rencai.cards.services import card_revoke
from rencai.core.errors import DomainError, NotFound
from rencai.notice import selectors as notice_selectors
from rencai.notice import services as notice_services


def _case(request, number: str):
    try:
        return selectors.case_for_official(
            number=number, user=request.user, acting_as=request.acting
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _objection(request, number: str, objection_id: int):
    case = _case(request, number)
    try:
        return case, notice_selectors.objection_get_for_case(case=case, objection_id=objection_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back_to_objections(number: str):
    return redirect(reverse("backoffice:case", args=[number]) + "#objections")


@office_required
@require_POST
def objection_finding(request, number: str, objection_id: int):
    case, objection = _objection(request, number, objection_id)
    form = ObjectionFindingForm(request.POST)
    if form.is_valid():
        try:
            notice_services.objection_finding_record(
                objection=objection,
                actor=request.user,
                finding=form.cleaned_data["finding"],
                request=request,
            )
        except DomainError as exc:
            form.add_error("finding" if exc.field == "finding" else None, exc.message)
        else:
            messages.success(request, _("已记录异议#%(id)s的核查意见。") % {"id": objection.pk})
            return _back_to_objections(case.number)
    return render(
        request,
        "backoffice/objection_finding.html",
        {"case": case, "objection": objection, "form": form},
        status=409 if form.errors.get("__all__") else 400,
    )


@never_cache
@office_required
@require_POST
def objection_reveal(request, number: str, objection_id: int):
    """The objector's full contact, on its own page (not cached), audited."""
    case, objection = _objection(request, number, objection_id)
    notice_services.objection_contact_reveal(
        objection=objection, actor=request.user, request=request
    )
    return render(
        request, "backoffice/objection_contact.html", {"case": case, "objection": objection}
    )


@sensitive_post_parameters("code")
@never_cache
@office_required
@require_http_methods(["GET", "POST"])
def card_revoke_page(request, number: str):
    case = _case(request, number)
    card = card_for_case(case=case)
    if card is None:
        raise Http404(_("该申请尚未出具入户卡"))
    form = CardRevokeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                totp.totp_verify(request=request, user=request.user, code=form.cleaned_data["code"])
                card_revoke(
                    card=card,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                    acting_as=request.acting.record_label,
                )
            except DomainError as exc:  # wrong codes lock the account's TOTP step (totp.py)
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("入户卡%(number)s已作废，已短信告知持卡人。") % {"number": card.number},
                )
                return redirect("backoffice:case", number=case.number)
    return render(
        request,
        "backoffice/card_revoke.html",
        {"case": case, "card": card, "form": form},
        status=status,
    )
