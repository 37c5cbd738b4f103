"""The applicant's pages: my applications, start, the draft form, attachments, status.

Thin: services (rencai.cases.services, .reapply) decide; every page works without JS.
A case that is not the caller's answers 404 (selectors raise NotFound).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rencai.accounts.roles import acting_as_for
from rencai.cases import forms, idempotency, workflow
from rencai.cases.models import Case
from rencai.cases.page_attachments import (  # noqa: F401 (views_status uses _attachments)
    _attachments,
    _documents,
    _requirements,
    _type_choices,
    _type_names,
)
from rencai.cases.reapply import reapply_status
from rencai.cases.routing import office_contact, route_describe, unit_admin_missing
from rencai.cases.selectors import (
    case_actions_for,
    case_catalogue_requests,
    case_checklist,
    case_get_for_page,
    case_list_mine,
    case_status_text,
)
from rencai.cases.services import (
    FORM_FIELDS,
    OPEN_CASE_CODE,
    application_start,
    case_attachment_upload,
    case_editable,
    case_open_of,
    case_unit_change_refusal,
    case_update,
)
from rencai.core import clock
from rencai.core.errors import DomainError, NotFound
from rencai.documents.services import MULTI_TYPES
from rencai.helpdesk.selectors import office_directory, phone_links


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _get_case(request, number: str) -> tuple[Case, str]:
    """The case and the caller's role: the applicant or the unit admin. Officials work in
    /office/ (second factor required there), so here they get a 404 like strangers."""
    try:
        case, role = case_get_for_page(
            number=number, user=request.user, acting_as=acting_as_for(request)
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if role not in (workflow.Role.APPLICANT, workflow.Role.UNIT_ADMIN):
        raise Http404
    return case, role


def _add_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _route(case: Case) -> tuple[list[str], str]:
    try:
        return route_describe(case.unit), ""
    except DomainError as exc:
        return [], exc.message


def _office_view(office) -> dict | None:
    if office is None:
        return None
    return {
        "office": office,
        "phones": phone_links(office.phones or []),
        "contact": office_contact(office),
    }


def _submit_action(case: Case, role: str) -> str | None:
    actions = {a.action for a in case_actions_for(case=case, role=role)}
    for action in ("submit", "forward"):
        if action in actions:
            return action
    return None


# --- pages --------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    """我的申请."""
    cases = [(c, case_status_text(c)) for c in case_list_mine(user=request.user)]
    return render(
        request,
        "cases/mine.html",
        {
            "cases": cases,
            "reapply": reapply_status(request.user),
            "open_case": case_open_of(request.user),
        },
    )


def _blocked_page(request, status, *, http_status=200):
    return render(
        request,
        "cases/blocked.html",
        {"status": status, "rows": office_directory()},
        status=http_status,
    )


#: The 新建申请 form carries a one-time token (like registration's): the key of its
#: IdempotencyKey row, so a double click or a resent form opens the draft the first
#: submission created — also when both arrive at once (rencai.cases.idempotency).
FORM_TOKEN = "form_token"


def _open_notice(request) -> str:
    open_case = case_open_of(request.user)
    if open_case is None:
        return ""
    return _(
        "您已有一份进行中的入户申请%(number)s（%(status)s）：同一时间只能有一份进行中的申请。"
    ) % {"number": open_case.number, "status": case_status_text(open_case)}


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """Start an application: category and employer (picked from the registry only)."""
    acting = acting_as_for(request)
    if not acting.is_personal:
        return render(request, "cases/personal_only.html", status=403)
    status = reapply_status(request.user)
    if status.blocked and status.lifted_case is None:
        return _blocked_page(request, status)
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    if request.GET.get("category") in Case.Category.values:
        initial["category"] = request.GET["category"]
    data = request.POST if request.method == "POST" else None
    form = forms.StartForm(data, initial=initial, applicant=request.user)
    searching = data is not None and forms.is_search_submit(data)
    token = (data.get(FORM_TOKEN) or "")[:64] if data is not None else ""
    if data is not None and not searching and form.is_valid():
        try:
            case = _start_once(request, form, token)
        except DomainError as exc:
            if exc.code == "reapply_blocked":
                return _blocked_page(request, reapply_status(request.user), http_status=409)
            form.add_error(
                exc.field if exc.field in form.fields else None,
                ValidationError(exc.message, code=exc.code),
            )
        else:
            if (missing := unit_admin_missing(case.unit)) is not None:
                # Told now, when the unit is chosen, not at submission (issue #9.4).
                messages.warning(request, missing.message)
                return redirect(reverse("cases:edit", args=[case.number]) + "#unit")
            return redirect("cases:edit", number=case.number)
    return render(
        request,
        "cases/new.html",
        {
            "form": form,
            "show_errors": data is not None and not searching,
            "lift": status.lift,
            "unit_new_url": _url("changes:unit_new"),
            "form_token": token or secrets.token_urlsafe(16),
            "open_notice": _open_notice(request),
        },
        status=_new_status(form, data, searching),
    )


def _new_status(form, data, searching) -> int:
    if data is None or searching or not form.errors:
        return 200
    if any(e.code == OPEN_CASE_CODE for e in form.errors.as_data().get("__all__", [])):
        return 409
    return 400


def _start_once(request, form, token: str) -> Case:
    """application_start, once per form token: a resent form opens the first draft."""
    created = {}

    def work():
        case = application_start(
            applicant=request.user,
            unit=form.cleaned_data["unit"],
            category=form.cleaned_data["category"],
            request=request,
        )
        created["case"] = case
        messages.success(request, _("已创建申请 %(n)s，请继续填写。") % {"n": case.number})
        return 302, {"number": case.number}

    if not token:
        work()
        return created["case"]
    fp = idempotency.fingerprint(method="POST", path=request.path, body=token)
    outcome = idempotency.run_once(
        user=request.user, key=f"page:cases:new:{token}", fp=fp, work=work
    )
    if outcome.replayed:
        messages.info(request, _("该申请已创建：%(n)s。") % {"n": outcome.body["number"]})
    return created.get("case") or Case.objects.get(number=outcome.body["number"])


def _edit_context(request, case: Case, role: str, **forms_in) -> dict:
    detail_class = forms.DETAIL_FORMS[case.category]
    initial = {name: getattr(case, name) for name in FORM_FIELDS}
    unit_refusal = (
        case_unit_change_refusal(case)
        if role == workflow.Role.APPLICANT
        else _("单位管理员不能更换引进单位。")
    )
    route, route_error = _route(case)
    documents = _documents(case)  # one read for the attachments and the requirements
    return {
        "case": case,
        "role": role,
        "status_text": case_status_text(case),
        "applicant": case.applicant,
        "details_form": forms_in.get("details") or detail_class(initial=initial),
        "unit_form": forms_in.get("unit")
        or forms.UnitForm(
            initial={"unit": case.unit or case.unit_request}, applicant=case.applicant
        ),
        "unit_refusal": unit_refusal,
        "upload_form": forms_in.get("upload") or forms.UploadForm(type_choices=_type_choices(case)),
        "attachments": _attachments(case, documents),
        "requirements": _requirements(case, documents),
        "checklist": case_checklist(case),
        "route": route,
        "route_error": route_error,
        "submit_action": _submit_action(case, role),
        "catalogue_requests": case_catalogue_requests(case)
        if case.category == Case.Category.EDUCATION
        else [],
        "institution_new_url": _url("changes:institution_new"),
        "major_new_url": _url("changes:major_new"),
        "changes_url": _url("changes:index"),
        "max_mb": _max_mb(),
        **_summary_context(request, case),
    }


def unit_admin_missing_safe(case: Case):
    try:
        return unit_admin_missing(case.unit)
    except DomainError:
        return None


def _summary_context(request, case: Case) -> dict:
    """The error summary after a refused 送审 (?refused=1, see views_status.act) and the
    unit-dependent refusal shown at the unit field and on the disabled submit button."""
    from rencai.cases.summary import case_problems, unit_refusal
    from rencai.cases.views_status import REFUSAL_KEY

    refusal = request.session.get(REFUSAL_KEY) or {}
    if refusal.get("number") == case.number:
        request.session.pop(REFUSAL_KEY, None)
    refusal_text = unit_refusal(case)
    context = {
        "route_refusal": refusal_text,
        # the unit_admin_notice above the field already explains a missing admin
        "route_refusal_note": refusal_text if unit_admin_missing_safe(case) is None else "",
        "problems": [],
        "summary_message": "",
    }
    if request.GET.get("refused") == "1" or refusal.get("number") == case.number:
        problems = case_problems(case)
        message = refusal.get("message", "") if refusal.get("number") == case.number else ""
        if problems:  # the guard's message names the same items: the list says it better
            message = ""
        context.update(problems=problems, summary_message=message)
    return context


def _max_mb() -> str:
    from django.conf import settings

    return f"{settings.RENCAI_UPLOAD_MAX_BYTES / (1024 * 1024):g}"


def _edit_page(request, case: Case, role: str) -> HttpResponse:
    """The draft as it stands, whole from the shared cache when nothing on it changed."""
    from rencai.cases import draft_cache
    from rencai.cases.views_status import REFUSAL_KEY

    waiting = REFUSAL_KEY in request.session
    key = draft_cache.key_for(request, case, role, refusal_waiting=waiting)
    if (html := draft_cache.page(key)) is not None:
        return HttpResponse(html)
    response = render(request, "cases/edit.html", _edit_context(request, case, role))
    draft_cache.page_store(key, response.content)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, number: str):
    """The draft: each section saves on its own; checklist, route and submit at the end."""
    case, role = _get_case(request, number)
    if not case_editable(case, role):
        if request.method == "POST":
            messages.error(request, _("当前状态下不能修改申请资料。"))
        return redirect("cases:detail", number=case.number)
    if request.method == "GET":
        return _edit_page(request, case, role)
    section = request.POST.get("section")
    if section == "unit":
        form = forms.UnitForm(request.POST, applicant=case.applicant)
        bound = {"unit": form}
    elif section == "details":
        form = forms.DETAIL_FORMS[case.category](request.POST)
        bound = {"details": form}
    else:
        raise Http404
    if forms.is_search_submit(request.POST):
        context = _edit_context(request, case, role, **bound)
        context["searching"] = section
        return render(request, "cases/edit.html", context)
    if section == "details" and request.headers.get(AUTOSAVE_HEADER) == "1":
        return _autosave(request, case, form)
    if _section_save(request, case, section, form):
        messages.success(request, _("已保存。"))
        return redirect(reverse("cases:edit", args=[case.number]) + f"#{section}")
    case.refresh_from_db()
    return render(
        request, "cases/edit.html", _edit_context(request, case, role, **bound), status=400
    )


#: site.js saves the details section as the applicant types (the buttons stay for
#: browsers without JavaScript); the answer is JSON for the status line, not a page.
AUTOSAVE_HEADER = "X-Rencai-Autosave"


def _section_save(request, case: Case, section: str, form) -> bool:
    """Validate and save one draft section; errors land on the form. True when saved."""
    if not form.is_valid():
        return False
    if section == "unit":
        fields, unit = {}, form.cleaned_data["unit"]
    else:
        fields, unit = dict(form.cleaned_data), None
        for name in getattr(form, "NOT_SAVED", ()):
            fields.pop(name, None)
    try:
        case_update(
            case=case, actor=request.user, acting_as=acting_as_for(request),
            fields=fields, unit=unit, request=request,
        )  # fmt: skip
    except DomainError as exc:
        _add_error(form, exc)
        return False
    return True


def _autosave(request, case: Case, form) -> JsonResponse:
    if _section_save(request, case, "details", form):
        saved = clock.now().astimezone(clock.SHANGHAI).strftime("%H:%M")
        return JsonResponse({"ok": True, "message": _("已自动保存（%(time)s）") % {"time": saved}})
    errors = [
        f"{form.fields[name].label if name in form.fields else ''}：{message}".lstrip("：")
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    return JsonResponse(
        {"ok": False, "message": _("尚未保存：") + "；".join(errors), "errors": form.errors},
        status=400,
    )


@login_required
@require_POST
def upload(request, number: str):
    """Upload an attachment: listed with its preview at once, before submission."""
    case, role = _get_case(request, number)
    if not case_editable(case, role):
        messages.error(request, _("当前状态下不能上传附件。"))
        return redirect("cases:detail", number=case.number)
    form = forms.UploadForm(request.POST, request.FILES, type_choices=_type_choices(case))
    if form.is_valid() and _upload_files(request, case, form):
        next_url = reverse("cases:edit", args=[case.number]) + "#attachments"
        if request.headers.get("X-Rencai-Upload") == "1":  # upload-progress.js goes there
            return JsonResponse({"next": next_url})
        return redirect(next_url)
    return render(
        request, "cases/edit.html", _edit_context(request, case, role, upload=form), status=400
    )


def _upload_files(request, case: Case, form) -> bool:
    """Several files in one POST (issue #11): each checked and stored on its own (one
    transaction each, scanned as one upload is), so a refused file costs none of the
    others; each refusal is named with its file. True when every file was stored."""

    type_code, files = form.cleaned_data["type_code"], form.cleaned_data["file"]
    name = _type_names().get(type_code, type_code)
    if len(files) > 1 and type_code not in MULTI_TYPES:
        # Each of these types keeps one current file: a second would replace the first.
        form.add_error(
            "file",
            _(
                "“%(type)s”只保留一个文件，您一次选择了%(n)d个：请只选择一个（多页材料请合并为"
                "一个 PDF），或选择“其他材料”一次上传多个文件。"
            )
            % {"type": name, "n": len(files)},
        )
        return False
    saved, failed = [], []
    for one, error in files:
        if error:
            failed.append(_("%(file)s：%(error)s") % {"file": one.name, "error": error})
            continue
        try:
            case_attachment_upload(
                case=case, actor=request.user, acting_as=acting_as_for(request),
                type_code=type_code, file=one, request=request,
            )  # fmt: skip
        except DomainError as exc:
            failed.append(_("%(file)s：%(error)s") % {"file": one.name, "error": exc.message})
        else:
            saved.append(one.name)
    if saved:
        messages.success(
            request,
            _("已上传：%(name)s（%(files)s）")
            % {"name": name, "files": pgettext("list separator", "、").join(saved)},
        )
    for line in failed:
        form.add_error("file", line)
    return not failed
