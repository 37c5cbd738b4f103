"""Officials' pages (/support/office/…): the office's tickets and work orders, a ticket
with its context and the fixes (reroute / return the case) run from it, and answering a
work order. Same door as the back office: office_required (second factor passed)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rencai.backoffice.access import office_required
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.orgs.models import Office
from rencai.process.selectors import history
from rencai.support import selectors, services
from rencai.support.forms import TicketActionForm, WorkOrderAnswerForm
from rencai.support.processes import WORK_ORDER
from rencai.support.views import _404, act_once, ticket_page_context

OFFICE_ACTIONS = ("reply", "fix_reroute", "fix_return", "close")


@office_required
def office_index(request):
    lists = selectors.office_tickets(acting_as=request.acting)
    return render(request, "support/office_index.html", {"lists": lists})


def _ticket(request, number: str):
    try:
        return selectors.ticket_for_office(
            number=number, user=request.user, acting_as=request.acting
        )
    except NotFound as exc:
        _404(exc)


def _windows():
    return Office.objects.filter(kind=Office.Kind.DISTRICT_WINDOW, is_active=True)


def _page(request, ticket, **extra):
    status = extra.pop("status", 200)
    ctx = ticket_page_context(request, ticket, office=True, windows=_windows(), **extra)
    return render(request, "support/office_ticket.html", ctx, status=status)


@office_required
def office_ticket(request, number: str):
    return _page(request, _ticket(request, number))


@office_required
@require_POST
def office_ticket_act(request, number: str):
    ticket = _ticket(request, number)
    form = TicketActionForm(request.POST)
    if not form.is_valid():
        return _page(request, ticket, error=_("请求无效，请刷新页面后重试。"), status=400)
    if form.cleaned_data["action"] not in OFFICE_ACTIONS:
        raise Http404

    def run(data):
        services.ticket_act(
            ticket=ticket, action=data["action"], user=request.user, acting_as=request.acting,
            reason=data["reason"], expected_version=data["expected_version"],
            target_office_id=data["target_office"], case_version=data["case_version"],
            request=request,
        )  # fmt: skip

    def page(*, error, status, form=None, failed=""):
        return _page(request, ticket, error=error, status=status, form=form, failed=failed)

    done = reverse("support:office_ticket", args=[number])
    return act_once(request, ticket, form, run=run, done_url=done, page=page)


@office_required
@require_http_methods(["GET", "POST"])
def office_order(request, number: str):
    try:
        order = selectors.work_order_for_office(
            number=number, user=request.user, acting_as=request.acting
        )
    except NotFound as exc:
        _404(exc)
    form = WorkOrderAnswerForm(request.POST if request.method == "POST" else None)
    status, error = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.work_order_answer(
                    order=order, user=request.user, acting_as=request.acting,
                    answer=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["expected_version"], request=request,
                )  # fmt: skip
            except Conflict as exc:
                order.refresh_from_db()
                if order.answered_by_id == request.user.pk:  # a double submit: done once
                    return redirect("support:office_order", number=number)
                error, status = exc.message, 409
            except DomainError as exc:
                form.add_error("reason" if exc.field == "reason" else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("已答复工单%(n)s。") % {"n": order.number})
                return redirect("support:office_order", number=number)
    return render(
        request, "support/office_order.html",
        {"order": order, "form": form, "error": error,
         "history": history(process=WORK_ORDER, obj=order)},
        status=status,
    )  # fmt: skip
