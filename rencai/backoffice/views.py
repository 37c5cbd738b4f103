"""Officials' back office (/office/): worklists, the case page and its actions, the
re-application block, statistics, and the TOTP second factor. Views are thin: reads in
selectors, writes in services / rencai.cases.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rencai.accounts import roles
from rencai.accounts import services as account_services
from rencai.accounts.models import RoleGrant
from rencai.accounts.selectors import user_find_by_id_number
from rencai.backoffice import access, backup_codes, forms, selectors, services, totp, worklist_cache
from rencai.backoffice.access import office_required, official_required
from rencai.cases import reapply, workflow
from rencai.cases.selectors import case_deadline, case_history, case_status_text
from rencai.cases.services import STALE
from rencai.core.errors import Conflict, DomainError, NotFound, RateLimited
from rencai.documents.models import Document
from rencai.documents.selectors import folder_documents
from rencai.documents.views import document_response


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def _next(request, default: str = "backoffice:index") -> str:
    return _safe_next(request) or reverse(default)


def _totp_next(request) -> str:
    """`next`, else the office for officials or the admin for staff."""
    return _safe_next(request) or totp.default_next(request.user)


def _not_found(exc: NotFound):
    raise Http404(exc.message)


# --- second factor ------------------------------------------------------------------------


def _backup_codes_page(request) -> str:
    return reverse("backoffice:totp_backup_codes") + "?" + urlencode({"next": _totp_next(request)})


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_enrol(request):
    user = request.user
    if not access.second_factor_due(user):
        raise Http404
    if user.totp_secret:
        return redirect(
            reverse("backoffice:totp_verify") + "?" + urlencode({"next": _totp_next(request)})
        )
    secret = totp.pending_secret(request)
    form = forms.TotpForm(request.POST if request.method == "POST" else None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp.totp_enrol_confirm(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
            status = exc.status
        else:
            messages.success(request, _("已绑定动态口令验证器。"))
            request.session[totp.SESSION_NEW_CODES] = codes
            return redirect(_backup_codes_page(request))
    uri = totp.provisioning_uri(user, secret)
    return render(
        request,
        "backoffice/totp_enrol.html",
        {"form": form, "qr": totp.qr_data_uri(uri), "secret": secret, "next": _totp_next(request)},
        status=status,
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    user = request.user
    if not access.second_factor_due(user):
        raise Http404
    if not user.totp_secret:
        return redirect(
            reverse("backoffice:totp_enrol") + "?" + urlencode({"next": _totp_next(request)})
        )
    if totp.session_verified(request) and request.method == "GET":
        return redirect(_totp_next(request))
    form = forms.TotpVerifyForm(request.POST if request.method == "POST" else None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            totp.totp_verify(request=request, user=user, code=form.cleaned_data["code"])
        except RateLimited as exc:
            # Locked for this account: a new login does not lift it (totp.TotpThrottle).
            logout(request)
            messages.error(request, exc.message)
            return redirect("accounts:login")
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            left = request.session.pop(totp.SESSION_BACKUP_LEFT, None)
            if left is not None:
                messages.warning(
                    request,
                    _("已使用一个备用码，还剩%(n)d个。请尽快在“动态口令备用码”页重新生成。")
                    % {"n": left},
                )
            return redirect(_totp_next(request))
    return render(
        request,
        "backoffice/totp_verify.html",
        {"form": form, "next": _totp_next(request), "locked_until": totp.locked_until(user)},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_backup_codes(request):
    """Backup codes: the fresh set once (after enrolment or a regeneration), else how many
    are left and a button for a new set. Only after the second factor in this session."""
    user = request.user
    if not totp.second_factor_applies(user):
        raise Http404
    if not user.totp_secret or not totp.session_verified(request):
        return redirect(
            reverse("backoffice:totp_verify") + "?" + urlencode({"next": request.get_full_path()})
        )
    if request.method == "POST":
        request.session[totp.SESSION_NEW_CODES] = backup_codes.backup_codes_generate(
            user=user, request=request
        )
        messages.success(request, _("已生成新的备用码，原有备用码全部作废。"))
        return redirect(_backup_codes_page(request))
    codes = request.session.pop(totp.SESSION_NEW_CODES, None)
    return render(
        request,
        "backoffice/totp_backup_codes.html",
        {
            "codes": codes,
            "remaining": backup_codes.remaining(user),
            "count": backup_codes.COUNT,
            "next": _totp_next(request),
        },
    )


# --- choosing the office ------------------------------------------------------------------


@official_required
@require_http_methods(["GET", "POST"])
def choose(request):
    grants = [g for g in roles.active_grants(request.user) if g.role == RoleGrant.Role.OFFICIAL]
    if request.method == "POST":
        try:
            grant_id = int(request.POST.get("grant", ""))
            account_services.acting_as_switch(request=request, grant_id=grant_id)
        except (ValueError, DomainError):
            messages.error(request, _("身份：请选择一个有效的机构身份。"))
        else:
            return redirect(_next(request))
    if len(grants) == 1 and request.method == "GET":
        account_services.acting_as_switch(request=request, grant_id=grants[0].pk)
        return redirect(_next(request))
    return render(request, "backoffice/choose.html", {"grants": grants, "next": _next(request)})


# --- worklists ----------------------------------------------------------------------------


@office_required
@require_GET
def index(request):
    office = request.office
    queues = selectors.queues_for(office)
    if queues:
        return redirect("backoffice:worklist", key=queues[0].key)
    return render(request, "backoffice/index.html", {"office": office})


def _filters(form) -> selectors.Filters:
    if not form.is_valid():
        return selectors.Filters()
    data = form.cleaned_data
    unit = data.get("unit")
    return selectors.Filters(
        category=data.get("category") or "",
        unit_id=unit.pk if unit else None,
        submitted_from=data.get("submitted_from"),
        submitted_to=data.get("submitted_to"),
        step_id=data.get("step"),
    )


@office_required
@require_GET
def worklist(request, key: str):
    acting = request.acting
    try:
        queue = selectors.queue_for(acting_as=acting, key=key)
    except NotFound as exc:
        _not_found(exc)
    key = worklist_cache.key_for(request, request.office, acting)
    if (html := worklist_cache.page(key)) is not None:
        return HttpResponse(html)
    steps = selectors.chain_steps_for(acting_as=acting)
    form = forms.WorklistFilterForm(request.GET or None, steps=steps)
    filters = _filters(form) if request.GET else selectors.Filters()
    page = selectors.worklist_page(
        acting_as=acting, queue=queue, filters=filters, after=request.GET.get("after", "")
    )
    query = request.GET.copy()
    query.pop("after", None)
    next_url = None
    if page.next_cursor:
        query["after"] = page.next_cursor
        next_url = "?" + query.urlencode()
        query.pop("after")
    response = render(
        request,
        "backoffice/worklist.html",
        {
            "office": request.office,
            "queues": selectors.queues_for(request.office),
            "counts": selectors.worklist_counts(acting_as=acting),
            "queue": queue,
            "page": page,
            "form": form,
            "next_url": next_url,
            "first_url": "?" + query.urlencode() if query else "?",
            "filtered": any(request.GET.get(k) for k in form.fields),
        },
    )
    worklist_cache.page_store(key, response.content)
    return response


# --- one case -----------------------------------------------------------------------------


def _case(request, number: str):
    try:
        return selectors.case_for_official(
            number=number, user=request.user, acting_as=request.acting
        )
    except NotFound as exc:
        _not_found(exc)


def _case_page(request, case, *, status=200, forms_by_action=None, full_id="", error=""):
    actions, refusal = selectors.office_actions(case=case, user=request.user)
    forms_by_action = forms_by_action or {}
    action_forms = []
    for action in actions:
        form = forms_by_action.get(action.action) or forms.ActionForm(
            initial={"action": action.action, "expected_version": case.version},
            prefix=action.action,
        )
        action_forms.append((action, form))
    return render(
        request,
        "backoffice/case.html",
        {
            "case": case,
            "status_text": case_status_text(case),
            "applicant": case.applicant,
            "full_id": full_id,
            "documents": _documents(case),
            "history": _history(case),
            "deadline": case_deadline(case),
            # primary: move the case on; quiet: reroute/step back; danger: end or return
            "danger_actions": ("reject", "return", "objection_uphold"),
            "quiet_actions": ("reroute", "send_back_step"),
            "due_action_label": workflow.ACTION_LABELS.get(case.due_action, case.due_action),
            "chain": selectors.case_chain(case),
            "action_forms": action_forms,
            "refusal": refusal,
            "error": error,
            "reroute_offices": selectors.reroute_offices(),
        },
        status=status,
    )


def _history(case):
    from rencai.cases.progress import case_progress, history_steps

    events = case_history(case=case)
    history_steps(case, events, case_progress(case, events))  # which step each row acted on
    for event in events:
        event.action_label = workflow.ACTION_LABELS.get(event.action, event.action)
    return events


def _documents(case):
    """The case's documents with their type's name (not the code: id_card → 身份证)."""
    from rencai.catalog.models import AttachmentType

    names = {t.code: t.display_name for t in AttachmentType.objects.all()}
    documents = list(folder_documents(folder=case.folder))
    for doc in documents:
        doc.type_name = names.get(doc.type_code) or (
            _("其他材料") if doc.type_code == "other" else doc.type_code
        )
    return documents


@office_required
@require_GET
def case_detail(request, number: str):
    case = _case(request, number)
    services.case_view_record(case=case, user=request.user, request=request)
    return _case_page(request, case)


@office_required
@require_POST
def case_act(request, number: str):
    case = _case(request, number)
    action = request.POST.get("action", "")
    form = forms.ActionForm(request.POST, prefix=action or None)
    if not form.is_valid():
        return _case_page(
            request, case, status=400, forms_by_action={action: form}, error=_("请检查下列输入。")
        )
    data = form.cleaned_data
    try:
        services.case_act(
            case=case,
            action=data["action"],
            user=request.user,
            acting_as=request.acting,
            reason=data["reason"],
            expected_version=data["expected_version"],
            target_office_id=data.get("target_office") or _int(request.POST.get("target_office")),
            request=request,
        )
    except Conflict as exc:
        case.refresh_from_db()
        message = STALE if exc.code == "stale" else exc.message
        return _case_page(request, case, status=409, error=message)
    except DomainError as exc:
        form.add_error("reason" if exc.field == "reason" else None, exc.message)
        return _case_page(
            request, case, status=400, forms_by_action={data["action"]: form}, error=exc.message
        )
    messages.success(request, _("已办理：%(number)s") % {"number": case.number})
    try:
        case = selectors.case_for_official(
            number=number, user=request.user, acting_as=request.acting
        )
    except NotFound:
        return redirect("backoffice:index")  # the case left this office (returned, rerouted…)
    return redirect("backoffice:case", number=case.number)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@office_required
@require_POST
def case_reveal(request, number: str):
    case = _case(request, number)
    try:
        full = services.case_reveal_id_number(case=case, user=request.user, request=request)
    except NotFound as exc:
        return _case_page(request, case, status=404, error=exc.message)
    response = _case_page(request, case, full_id=full)
    response["Cache-Control"] = "no-store"
    return response


@office_required
@require_GET
def case_document(request, number: str, public_id, variant: str):
    case = _case(request, number)
    document = Document.objects.filter(public_id=public_id, folder_id=case.folder_id).first()
    if document is None:
        raise Http404
    services.document_view_record(
        case=case, document=document, variant=variant, user=request.user, request=request
    )
    from rencai.cases.permissions import case_document_checked_by_office

    return document_response(
        request, document=document, variant=variant, permission=case_document_checked_by_office
    )


# --- re-application block (禁止再报) ---------------------------------------------------------


@sensitive_post_parameters("id_number")
@never_cache
@office_required
@require_http_methods(["GET", "POST"])
def reapply_page(request):
    # Settlement history is personal data: only the offices that may lift the block
    # (windows, city bureau) look people up here (FAQ 一.3); others get a plain 404.
    if request.office.kind not in reapply.LIFT_OFFICE_KINDS:
        raise Http404
    person = status = lift_form = None
    code = 200
    lookup = forms.PersonLookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("step") == "lift":
            lift_form = forms.ReapplyLiftForm(request.POST)
        if lookup.is_valid():
            number = lookup.cleaned_data["id_number"]
            person = user_find_by_id_number(number)
            if person is None:
                lookup.add_error("id_number", _("身份证号码：未找到该身份证号码的注册用户。"))
                code = 404
        else:
            code = 400
        if person is not None:
            services.person_lookup_record(person=person, user=request.user, request=request)
            if lift_form is not None and not lift_form.is_valid():
                code = 400
            elif lift_form is not None:
                try:
                    reapply.reapply_lift(
                        person=person,
                        official=request.user,
                        reason=lift_form.cleaned_data["reason"],
                        office=request.office,
                        request=request,
                    )
                except DomainError as exc:
                    lift_form.add_error("reason" if exc.field == "reason" else None, exc.message)
                    code = exc.status
                else:
                    messages.success(request, _("已开通再次申报权限（限一次申报）。"))
                    lift_form = None
            status = reapply.reapply_status(person)
            lift_form = lift_form or forms.ReapplyLiftForm(initial={"id_number": number})
    return render(
        request,
        "backoffice/reapply.html",
        {
            "lookup": lookup,
            "lift_form": lift_form,
            "person": person,
            "status": status,
            "can_lift": request.office.kind in reapply.LIFT_OFFICE_KINDS,
        },
        status=code,
    )
