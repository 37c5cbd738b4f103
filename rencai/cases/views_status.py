"""The status page and its buttons (split from views_applicant, issue #11).

A refused action redirects (post/redirect/get): the draft form opens with the error
summary (?refused=1), the status page with the message kept in the session once, so a
reload never posts again and the URL is no longer /cases/<n>/act/.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rencai.accounts.roles import acting_as_for
from rencai.cases import forms, status_cache, workflow
from rencai.cases.models import Case
from rencai.cases.progress import case_progress, history_steps
from rencai.cases.routing import office_contact
from rencai.cases.selectors import (
    case_actions_for,
    case_deadline,
    case_history_for_page,
    case_holder,
    case_status_text,
)
from rencai.cases.services import case_act, case_editable
from rencai.cases.views_applicant import _attachments, _get_case, _office_view, _route, _url
from rencai.core import clock
from rencai.core.errors import DomainError
from rencai.helpdesk.selectors import phone_links

#: Session key of a refused action's message, shown once by the page redirected to.
REFUSAL_KEY = "rencai_case_refusal"

#: After forwarding, only the office holding the case can send it back (FAQ 二.4).
_HELD_AFTER_FORWARD = (
    Case.Status.DEPT_REVIEW, Case.Status.AWAITING_ACCEPTANCE, Case.Status.UNDER_REVIEW,
)  # fmt: skip


def _unit_withdraw_state(case: Case, role: str) -> tuple[bool, str]:
    """(the 1-hour window is open, the message when it is closed) — FAQ 二.4."""
    if (
        role != workflow.Role.UNIT_ADMIN
        or case.status not in _HELD_AFTER_FORWARD
        or case.forwarded_at is None
    ):
        return False, ""
    limit = timedelta(minutes=workflow.UNIT_WITHDRAW_MINUTES)
    if case.status == Case.Status.DEPT_REVIEW and clock.now() - case.forwarded_at <= limit:
        return True, ""
    office = case.holding_office
    values = {
        "office": office.name if office else "",
        # never without a contact: the office's own, or the city bureau's saying so
        "contact": "，" + office_contact(office) if office else "",
    }
    if case.status == Case.Status.DEPT_REVIEW:
        return False, _(
            "单位送审已超过1小时，单位不能自行撤回；"
            "如需修改资料，请联系人事户头（%(office)s%(contact)s）退案。"
        ) % values
    return False, _(
        "申请已由主管部门报送，单位不能撤回；如需修改资料，请联系当前办理机构"
        "（%(office)s%(contact)s）退案。"
    ) % values


def _after_card():
    """The "what next" help article (editable in the admin), or None."""
    from rencai.helpdesk.selectors import after_card_article

    return after_card_article()


def _pop_refusal(request, number: str) -> dict:
    refusal = request.session.get(REFUSAL_KEY) or {}
    if refusal.get("number") != number:
        return {}
    request.session.pop(REFUSAL_KEY, None)
    return refusal


def _detail_context(request, case: Case, role: str, refusal: dict) -> dict:
    window_open, withdraw_note = _unit_withdraw_state(case, role)
    actions = case_actions_for(case=case, role=role)
    if role == workflow.Role.UNIT_ADMIN and not window_open:
        actions = [a for a in actions if a.action != "unit_withdraw"]
    if role == workflow.Role.APPLICANT and case.status == Case.Status.DRAFT:
        actions = [a for a in actions if a.action != "submit"]  # submitted from the form
    holder = case_holder(case)
    history = case_history_for_page(case=case)
    steps = case_progress(case, history)
    history_steps(case, history, steps)
    for event in history:
        event.action_label = workflow.ACTION_LABELS.get(event.action, event.action)
    return {
        "case": case,
        "role": role,
        "role_label": workflow.Role.LABELS.get(role, ""),
        "status_text": case_status_text(case),
        "holder": holder,
        "contact": _office_view(holder.office),
        "deadline": case_deadline(case),
        "history": history,
        "steps": steps,
        "actions": actions,
        "withdraw_note": withdraw_note,
        "editable": case_editable(case, role),
        "attachments": _attachments(case),
        "route": _route(case)[0] if case.status == Case.Status.DRAFT else [],
        "unit_phones": phone_links([case.unit.phone]) if case.unit.phone else [],
        "after_card": _after_card() if case.status == Case.Status.CARD_ISSUED else None,
        "action_error": refusal.get("message", ""),
        "failed_action": refusal.get("action", ""),
        "reason": refusal.get("reason", ""),
    }


@login_required
@require_GET
def detail(request, number: str):
    """Status page: never blank (FAQ 一.9)."""
    office_url = _url("backoffice:case", number)
    if office_url and acting_as_for(request).office is not None:
        return redirect(office_url)  # officials: the back office (second factor there)
    case, role = _get_case(request, number)
    refusal = _pop_refusal(request, case.number)
    window_open = _unit_withdraw_state(case, role)[0]
    key = status_cache.key_for(request, case, role, window_open=window_open)
    whole = None if refusal else status_cache.page_key(request, key)
    if (html := status_cache.page(whole)) is not None:
        return HttpResponse(html)  # the site frame too: nothing on it has changed
    body = status_cache.body(
        key,
        lambda: render_to_string(
            "cases/_detail_body.html", _detail_context(request, case, role, refusal), request
        ),
        store=not refusal,  # the refused action's message is shown once
    )
    response = render(request, "cases/detail.html", {"case": case, "body": body})
    status_cache.page_store(whole, response.content)
    return response


@login_required
@require_POST
def act(request, number: str):
    """A button of the status/edit page: submit, withdraw, reopen, forward, return, …"""
    case, role = _get_case(request, number)
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效，请刷新页面后重试。"))
        return redirect("cases:detail", number=case.number)
    action = form.cleaned_data["action"]
    try:
        case, replayed = case_act(
            case=case, action=action, actor=request.user, acting_as=acting_as_for(request),
            reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["expected_version"],
            request=request,
        )  # fmt: skip
    except DomainError as exc:
        request.session[REFUSAL_KEY] = {
            "number": case.number, "action": action, "message": exc.message,
            "reason": form.cleaned_data["reason"][:2000],
        }  # fmt: skip
        if action in ("submit", "forward") and case_editable(case, role):
            return redirect(reverse("cases:edit", args=[case.number]) + "?refused=1#error-summary")
        return redirect(reverse("cases:detail", args=[case.number]) + "#actions-h")
    label = workflow.ACTION_LABELS.get(action, action)
    messages.success(request, _("已完成：%(label)s。当前状态：%(status)s") % {
        "label": label, "status": case_status_text(case)
    })  # fmt: skip
    if action == "reopen":
        return redirect("cases:edit", number=case.number)
    if role == workflow.Role.UNIT_ADMIN and action in ("forward", "return"):
        return redirect("cases:unit_worklist")
    return redirect("cases:detail", number=case.number)
