"""The person's pages: open a ticket (from a case/request page or the help centre), see
it, follow up or close it, rate a finished step. Officials' pages: views_office."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rencai.accounts.roles import acting_as_for
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.process import engine
from rencai.process.models import ProcessEvent
from rencai.process.selectors import history
from rencai.support import selectors, services
from rencai.support.forms import RatingForm, TicketActionForm, TicketForm
from rencai.support.processes import TICKET


def _404(exc: NotFound):
    raise Http404(exc.message) from exc


def _context(request) -> selectors.TicketContext | None:
    source = request.GET if request.method == "GET" else request.POST
    try:
        if source.get("case"):
            return selectors.context_for_case(
                number=source["case"], user=request.user, acting_as=acting_as_for(request)
            )
        if source.get("ref") and ":" in source["ref"]:
            key, number = source["ref"].split(":", 1)
            return selectors.context_for_request(process_key=key, number=number, user=request.user)
    except NotFound as exc:
        _404(exc)
    return None


def _add_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    context = _context(request)
    form = TicketForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ticket = services.ticket_open(
                    user=request.user, acting_as=acting_as_for(request), context=context,
                    topic=form.cleaned_data["topic"], body=form.cleaned_data["body"],
                    client_token=request.POST.get("token", ""), request=request,
                )  # fmt: skip
            except DomainError as exc:
                _add_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("已提交咨询/反馈%(n)s，%(office)s将在期限内答复。")
                    % {"n": ticket.number, "office": ticket.office.name},
                )
                return redirect("support:ticket", number=ticket.number)
    token = request.POST.get("token") or secrets.token_urlsafe(16)
    return render(
        request, "support/ticket_new.html",
        {"form": form, "ctx": context, "token": token[:40],
         "case_number": getattr(context and context.case, "number", ""),
         "ref": request.GET.get("ref") or request.POST.get("ref", "")},
        status=status,
    )  # fmt: skip


@login_required
def ticket_list(request):
    return render(
        request, "support/ticket_list.html", {"tickets": selectors.tickets_mine(user=request.user)}
    )


def ticket_page_context(request, ticket, *, office: bool, **extra) -> dict:
    acting = getattr(request, "acting", None) or acting_as_for(request)
    return {
        "ticket": ticket,
        "history": history(process=TICKET, obj=ticket),
        "actions": [
            {
                "action": t.action,
                "label": TICKET.action_label(t),
                "reason_required": t.reason_required,
            }
            for t in engine.actions_for(
                process=TICKET, obj=ticket, actor=request.user, acting_as=acting
            )
            if t.action not in ("fix_reroute", "fix_return") or ticket.case_id
        ],
        "office_view": office,
        **extra,
    }


@login_required
def ticket_detail(request, number: str):
    try:
        ticket = selectors.ticket_for_requester(number=number, user=request.user)
    except NotFound as exc:
        _404(exc)
    steps = selectors.steps_for_case(case=ticket.case, user=request.user) if ticket.case_id else []
    return render(
        request, "support/ticket.html",
        ticket_page_context(request, ticket, office=False, steps=steps[:5]),
    )  # fmt: skip


def act_once(request, ticket, form, *, run, done_url, page):
    """Run a ticket button; a repeat of a press that already happened (double click,
    resubmitted form) is reported as done instead of a conflict."""
    data = form.cleaned_data
    try:
        run(data)
    except Conflict as exc:
        repeat = exc.code == "stale" and ProcessEvent.objects.filter(
            process=TICKET.key, object_id=ticket.pk, version=data["expected_version"] + 1,
            action=data["action"], actor=request.user,
        ).exists()  # fmt: skip
        if not repeat:
            ticket.refresh_from_db()
            return page(error=exc.message, status=409)
    except DomainError as exc:
        _add_error(form, exc)
        return page(error=exc.message, status=exc.status, form=form, failed=data["action"])
    messages.success(request, _("已办理：%(n)s") % {"n": ticket.number})
    return redirect(done_url)


@login_required
@require_POST
def ticket_act(request, number: str):
    try:
        ticket = selectors.ticket_for_requester(number=number, user=request.user)
    except NotFound as exc:
        _404(exc)
    form = TicketActionForm(request.POST)

    def page(*, error, status, form=None, failed=""):
        ctx = ticket_page_context(
            request, ticket, office=False, error=error, form=form, failed=failed
        )
        return render(request, "support/ticket.html", ctx, status=status)

    if not form.is_valid():
        return page(error=_("请求无效，请刷新页面后重试。"), status=400)
    if form.cleaned_data["action"] not in ("follow_up", "close"):
        raise Http404

    def run(data):
        services.ticket_act(
            ticket=ticket, action=data["action"], user=request.user,
            acting_as=acting_as_for(request), reason=data["reason"],
            expected_version=data["expected_version"], request=request,
        )  # fmt: skip

    return act_once(request, ticket, form, run=run, done_url=reverse("support:ticket", args=[number]),
                    page=page)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, key: str):
    try:
        step = selectors.step_get(key=key, user=request.user)
    except NotFound as exc:
        _404(exc)
    back = step.back_url or "support:mine"
    if step.rating is not None:
        if request.method == "POST":  # a double submit: the first one counted
            messages.info(request, _("您已评价过该环节，每个环节只能评价一次。"))
            return redirect(back)
        return render(request, "support/rate.html", {"step": step, "done": step.rating})
    form = RatingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rating = services.rating_submit(
                    user=request.user, step=step, score=form.cleaned_data["score"],
                    tags=form.cleaned_data["tags"], comment=form.cleaned_data["comment"],
                    request=request,
                )  # fmt: skip
            except Conflict as exc:
                messages.info(request, exc.message)
                return redirect(back)
            except DomainError as exc:
                _add_error(form, exc)
                status = exc.status
            else:
                text = _("感谢您的评价。")
                if rating.poor:
                    text += " " + _("已转%(office)s整改，将在期限内答复您。") % {
                        "office": rating.office.name
                    }
                messages.success(request, text)
                return redirect(back)
    return render(request, "support/rate.html", {"step": step, "form": form}, status=status)
