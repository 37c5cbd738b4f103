"""Pages of unit-admin rights (法人单位系统管理员权限): apply, a request by number, the
approving department's worklist with the grants it may revoke."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rencai.accounts.models import RoleGrant
from rencai.accounts.roles import acting_as_for
from rencai.core.errors import DomainError
from rencai.orgs import approvers as rules
from rencai.orgs.forms import UnitChoiceField
from rencai.orgs.models import Office
from rencai.orgs.selectors import unit_resolve_reference
from rencai.process import views as process_views
from rencai.process.form_page import RequestForm
from rencai.process.selectors import is_office, official_office_ids
from rencai.rights import forms, selectors, services
from rencai.rights.processes import UNIT_ADMIN


def _office_contact(office: Office | None) -> dict | None:
    if office is None:
        return None
    return {"office": office, "phones": "、".join(office.phones or []), "hours": office.hours_text}


def _choice(request) -> tuple:
    """The unit the rights form names (POST, else ?unit=), why it is refused, who approves."""
    if not hasattr(request, "_unit_admin_choice"):
        posted = request.POST.get("unit") if request.method == "POST" else None
        ref = posted or request.GET.get("unit")
        unit = unit_resolve_reference(ref) if ref else None
        refusal = rules.unit_admin_refusal(unit) if unit else ""
        approvers = rules.unit_admin_approvers(unit) if unit and not refusal else []
        request._unit_admin_choice = unit, refusal, approvers
    return request._unit_admin_choice


def _guided(request):
    """The POST with the guided approving department when none was chosen (may be changed)."""
    data, approvers = request.POST.copy(), _choice(request)[2]
    if approvers and not data.get("office"):
        data["office"] = str(approvers[0].pk)
    return data


def _apply_context(request, kind) -> dict:
    unit, refusal, approvers = _choice(request)
    return {
        "unit": unit if unit is not None and unit.is_active else None, "refusal": refusal,
        "approver": _office_contact(approvers[0]) if approvers else None,
        "acting": acting_as_for(request),
    }  # fmt: skip


def _apply_initial(request, kind) -> dict:
    unit, _refusal, approvers = _choice(request)
    return {"unit": unit.pk, "office": approvers[0].pk if approvers else None} if unit else {}


#: Pick the unit (registry picker), see who approves and their contact, then submit. Units
#: that need no unit admin are refused with the reason before anything is sent.
APPLY_FORM = RequestForm(
    forms={"unit_admin": (forms.UnitAdminApplyForm, "")}, template="rights/apply.html",
    done="rights:detail", data=_guided, initial=_apply_initial, context=_apply_context,
    submit=lambda request, kind, cleaned, draft: services.unit_admin_request_create(
        applicant=request.user, request=request, **cleaned
    ),
    is_search=lambda data: "submit" not in data or UnitChoiceField.is_search_submit(data, "unit"),
    success=gettext_lazy("权限申请已提交，编号 %(number)s。请及时联系%(office)s审批开通。"),
    said=lambda obj: {"office": obj.office.name},
)  # fmt: skip
apply = APPLY_FORM.view("unit_admin")


PAGES = process_views.RequestPages(
    process=UNIT_ADMIN, get=selectors.unit_admin_request_get, template="rights/detail.html",
    is_office=is_office, name="r", office_flag="is_official",
    done="rights:worklist", decide_url="rights:decide", form_class=forms.ApproveForm,
    context=lambda request, obj: {
        "contact": _office_contact(obj.office), "is_applicant": obj.applicant_id == request.user.pk,
    },
    success={
        "approve": gettext_lazy("已批准 %(number)s，申请人已获得单位系统管理员权限。"),
        "reject": gettext_lazy("已驳回 %(number)s。"),
    },
)  # fmt: skip


worklist = PAGES.worklist_view(
    queue=selectors.unit_admin_worklist, template="rights/worklist.html",
    allowed=lambda user: bool(official_office_ids(user=user)) or user.is_superuser,
    extra=lambda request: {
        "grants": list(selectors.unit_admin_grants_revocable(user=request.user)[:500]),
        "revoke_form": forms.RevokeForm(),
    },
)  # fmt: skip


@login_required
@require_POST
def revoke(request, grant_id: int):
    grant = get_object_or_404(
        RoleGrant.objects.select_related("unit"), pk=grant_id, role=RoleGrant.Role.UNIT_ADMIN
    )
    if not services.unit_admin_can_revoke(user=request.user, grant=grant):
        raise Http404
    form = forms.RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.unit_admin_revoke(
                grant=grant, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已撤销 %(name)s 的单位系统管理员权限。") % {"name": grant.user.real_name},
            )
    else:
        messages.error(request, _("撤销原因：请填写。"))
    return redirect(reverse("rights:worklist") + "?" + urlencode({"done": grant.pk}))
