"""Pages: change requests (新增/修改单位信息, 增加院校/专业, 修改单位电话/性质), the progress
page (查询信息注册情况及进度) with the lookup by number (rights requests too), the data
centre's worklist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from rencai.accounts.roles import acting_as_for
from rencai.catalog.models import EducationLevel, Institution, Major
from rencai.changes import forms, rules, selectors, services
from rencai.changes.attachments import ATTACHMENTS
from rencai.changes.models import ChangeRequest
from rencai.changes.processes import CHANGE
from rencai.documents.selectors import folder_documents
from rencai.orgs.forms import UnitChoiceField
from rencai.orgs.models import Unit
from rencai.orgs.selectors import unit_resolve_reference
from rencai.orgs.validators import unit_code_like
from rencai.process import views as process_views
from rencai.process.form_page import RequestForm
from rencai.process.selectors import is_office, official_office_ids, rows_for
from rencai.rights.processes import UNIT_ADMIN
from rencai.rights.selectors import unit_admin_request_list_mine
from rencai.rights.views import PAGES as RIGHTS_PAGES

Kind = ChangeRequest.Kind


#: Each kind's form and its page title (the kind's name).
FORMS = {
    form.kind: (form, Kind(form.kind).label)
    for form in (forms.UnitNewForm, forms.UnitChangeForm, forms.InstitutionNewForm,
                 forms.MajorNewForm, forms.UnitContactForm)
}  # fmt: skip


def _initial(request, kind: str) -> dict:
    if kind == Kind.UNIT_NEW:
        q = " ".join(request.GET.get("q", "").split())[:60]
        return {"code": code} if (code := unit_code_like(q)) else ({"name": q} if q else {})
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
    success=_(
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
    user = request.user
    rows = rows_for(process=CHANGE, objs=selectors.change_request_list_mine(user=user)[:200])
    rows += rows_for(process=UNIT_ADMIN, objs=unit_admin_request_list_mine(user=user)[:100])
    return render(request, "changes/index.html", {
        "rows": rows, "lookup_form": forms.LookupForm(), "acting": acting_as_for(request),
        "is_reviewer": bool(official_office_ids(user=user)),
    })  # fmt: skip


LEVELS = {Kind.UNIT_NEW: Unit.Level.choices, Kind.INSTITUTION_NEW: Institution.Level.choices,
          Kind.MAJOR_NEW: Major.Level.choices}  # fmt: skip


def _change_context(request, change) -> dict:
    natures = dict(Unit.Nature.choices)
    return {
        "documents": CHANGE_FORM.labelled(folder_documents(folder=change.folder)),
        "attachment_names": rules.ATTACHMENT_NAMES,
        "nature_label": natures.get(change.nature, ""),
        "education_label": dict(EducationLevel.choices).get(change.education_level, ""),
        "level_label": dict(LEVELS.get(change.kind, ())).get(change.level, change.level),
        "before_nature_label": natures.get(change.before.get("nature", ""), ""),
    }


CHANGE_PAGES = process_views.RequestPages(
    process=CHANGE, get=selectors.change_request_get, template="changes/detail.html",
    is_office=is_office,
    name="change", office_flag="is_reviewer",
    done="changes:worklist", decide_url="changes:decide", context=_change_context,
    success={"approve": _("已审核通过 %(number)s，变更已生效。"), "reject": _("已驳回 %(number)s。")},
)  # fmt: skip


worklist = CHANGE_PAGES.worklist_view(
    queue=selectors.change_worklist, template="process/worklist_page.html",
    allowed=lambda user: bool(official_office_ids(user=user)),
    extra=lambda request: {"heading": _("待审核的信息变更申请"), "empty": _("没有待审核的申请。")},
)  # fmt: skip


lookup = process_views.lookup_view(
    (CHANGE_PAGES, RIGHTS_PAGES), form_class=forms.LookupForm, template="changes/lookup.html"
)
