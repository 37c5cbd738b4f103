"""Pages: change requests (新增/修改单位信息, 增加院校/专业, 修改单位电话/性质), the progress
page (查询信息注册情况及进度), the data centre's worklist, and unit-admin rights requests."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from rencai.accounts.models import RoleGrant
from rencai.accounts.roles import acting_as_for
from rencai.catalog.models import EducationLevel
from rencai.changes import forms, rules, selectors, services
from rencai.changes.attachments import ATTACHMENTS
from rencai.changes.models import ChangeRequest
from rencai.changes.processes import CHANGE, UNIT_ADMIN
from rencai.core.errors import DomainError
from rencai.documents.selectors import folder_documents
from rencai.orgs.forms import UnitChoiceField
from rencai.orgs.models import Office, Unit
from rencai.orgs.selectors import unit_resolve_reference
from rencai.orgs.validators import normalize_unit_code
from rencai.process import views as process_views
from rencai.process.form_page import RequestForm

Kind = ChangeRequest.Kind


FORMS = {
    Kind.UNIT_NEW: (forms.UnitNewForm, gettext_lazy("新增单位信息")),
    Kind.UNIT_CHANGE: (forms.UnitChangeForm, gettext_lazy("修改单位信息")),
    Kind.INSTITUTION_NEW: (forms.InstitutionNewForm, gettext_lazy("增加院校")),
    Kind.MAJOR_NEW: (forms.MajorNewForm, gettext_lazy("增加专业")),
    Kind.UNIT_CONTACT: (forms.UnitContactForm, gettext_lazy("修改单位电话/单位性质")),
}


def _initial(request, kind: str) -> dict:
    if kind == Kind.UNIT_NEW:
        q = " ".join(request.GET.get("q", "").split())[:60]
        code = normalize_unit_code(q)
        if q and code.isalnum() and code.isascii() and any(c.isdigit() for c in code):
            return {"code": code}
        return {"name": q} if q else {}
    if kind == Kind.UNIT_CHANGE and request.GET.get("unit"):
        unit = unit_resolve_reference(request.GET["unit"])
        return {"unit": unit.pk} if unit else {}
    return {}


def _not_acting_as_unit(request, kind, title):
    if kind == Kind.UNIT_CONTACT and acting_as_for(request).unit is None:
        return render(request, "changes/unit_contact_switch.html", {"title": title})
    return None


CHANGE_FORM = RequestForm(
    attachments=ATTACHMENTS, forms=FORMS, template="changes/change_form.html",
    done="changes:detail", initial=_initial, before=_not_acting_as_unit,
    submit=lambda request, kind, cleaned, draft: services.change_request_submit(
        kind=kind, requester=request.user, request=request, draft=draft,
        acting_unit=acting_as_for(request).unit, **cleaned,
    ),
    is_search=lambda data: UnitChoiceField.is_search_submit(data, "unit"),
    context=lambda request, kind: {"acting": acting_as_for(request), "workdays": rules.WORKDAYS[kind]},
    success=gettext_lazy(
        "申请已提交，编号 %(number)s。审核结果将短信通知，也可在“查询信息注册情况及进度”中查看。"
    ),
)  # fmt: skip
#: The request forms' pages (URL name: path under new/, kind).
FORM_PAGES = {
    "unit_new": ("unit", Kind.UNIT_NEW), "unit_change": ("unit-change", Kind.UNIT_CHANGE),
    "institution_new": ("institution", Kind.INSTITUTION_NEW),
    "major_new": ("major", Kind.MAJOR_NEW), "unit_contact": ("unit-contact", Kind.UNIT_CONTACT),
}  # fmt: skip


# --- progress (查询信息注册情况及进度) -------------------------------------------------------


@login_required
@require_GET
def index(request):
    changes = [
        (c, selectors.deadline_view(c))
        for c in selectors.change_request_list_mine(user=request.user)[:200]
    ]
    admin_requests = [
        (r, selectors.deadline_view(r))
        for r in selectors.unit_admin_request_list_mine(user=request.user)[:100]
    ]
    return render(
        request,
        "changes/index.html",
        {
            "changes": changes,
            "admin_requests": admin_requests,
            "lookup_form": forms.LookupForm(),
            "is_reviewer": bool(selectors.official_office_ids(user=request.user)),
            "acting": acting_as_for(request),
        },
    )


def _change_context(request, change) -> dict:
    natures = dict(Unit.Nature.choices)
    return {
        "documents": CHANGE_FORM.labelled(folder_documents(folder=change.folder)),
        "attachment_names": rules.ATTACHMENT_NAMES,
        "nature_label": natures.get(change.nature, ""),
        "education_label": dict(EducationLevel.choices).get(change.education_level, ""),
        "before_nature_label": natures.get(change.before.get("nature", ""), ""),
    }


CHANGE_PAGES = process_views.RequestPages(
    process=CHANGE, get=selectors.change_request_get, template="changes/detail.html",
    is_office=selectors.is_office,
    name="change", office_flag="is_reviewer",
    done="changes:worklist", decide_url="changes:decide", context=_change_context,
    success={"approve": gettext_lazy("已审核通过 %(number)s，变更已生效。"), "reject": gettext_lazy("已驳回 %(number)s。")},
)  # fmt: skip


worklist = CHANGE_PAGES.worklist_view(
    queue=selectors.change_worklist, template="changes/worklist.html",
    allowed=lambda user: bool(selectors.official_office_ids(user=user)),
)  # fmt: skip


# --- unit-admin rights (法人单位系统管理员权限) -------------------------------------------------


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
UNIT_ADMIN_FORM = RequestForm(
    forms={"unit_admin": (forms.UnitAdminApplyForm, "")}, template="changes/unit_admin_apply.html",
    done="changes:unit_admin_detail", data=_guided, initial=_apply_initial, context=_apply_context,
    submit=lambda request, kind, cleaned, draft: services.unit_admin_request_create(
        applicant=request.user, request=request, **cleaned
    ),
    is_search=lambda data: "submit" not in data or UnitChoiceField.is_search_submit(data, "unit"),
    success=gettext_lazy("权限申请已提交，编号 %(number)s。请及时联系%(office)s审批开通。"),
    said=lambda obj: {"office": obj.office.name},
)  # fmt: skip
unit_admin_apply = UNIT_ADMIN_FORM.view("unit_admin")


UNIT_ADMIN_PAGES = process_views.RequestPages(
    process=UNIT_ADMIN, get=selectors.unit_admin_request_get, template="changes/unit_admin_detail.html",
    is_office=selectors.is_office,
    name="r", office_flag="is_official",
    done="changes:unit_admin_worklist", decide_url="changes:unit_admin_decide",
    context=lambda request, obj: {
        "contact": _office_contact(obj.office), "is_applicant": obj.applicant_id == request.user.pk,
    },
    success={
        "approve": gettext_lazy("已批准 %(number)s，申请人已获得单位系统管理员权限。"),
        "reject": gettext_lazy("已驳回 %(number)s。"),
    },
)  # fmt: skip


unit_admin_worklist = UNIT_ADMIN_PAGES.worklist_view(
    queue=selectors.unit_admin_worklist, template="changes/unit_admin_worklist.html",
    allowed=lambda user: bool(selectors.official_office_ids(user=user)) or user.is_superuser,
    extra=lambda request: {
        "grants": list(selectors.unit_admin_grants_revocable(user=request.user)[:500]),
        "revoke_form": forms.RevokeForm(),
    },
)  # fmt: skip


lookup = process_views.lookup_view(
    (CHANGE_PAGES, UNIT_ADMIN_PAGES), form_class=forms.LookupForm, template="changes/lookup.html"
)


@login_required
@require_POST
def unit_admin_revoke(request, grant_id: int):
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
    return redirect(reverse("changes:unit_admin_worklist") + "?" + urlencode({"done": grant.pk}))
