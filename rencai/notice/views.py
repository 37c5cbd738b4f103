"""Public pages (no login): the notice list and the objection form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rencai.audit.services import client_ip
from rencai.core.errors import DomainError, NotFound
from rencai.notice import selectors, services
from rencai.notice.forms import ObjectionForm

PAGE_SIZE = 20


@require_GET
def notice_list(request):
    paginator = Paginator(selectors.notice_queryset(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = [selectors.notice_entry(case) for case in page.object_list]
    return render(request, "notice/list.html", {"page": page, "entries": entries})


@require_http_methods(["GET", "POST"])
def objection(request, number: str):
    entry = selectors.notice_get(number=number)
    if entry is None:
        raise Http404(_("公示中没有该申请编号"))
    status = 200
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.objection_file(
                number=number, **form.cleaned_data, ip=client_ip(request), request=request
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status
        else:
            messages.success(
                request,
                _("您对申请%(number)s的异议已提交（异议编号%(id)s），办理机构将核查处理。")
                % {"number": number, "id": filed.pk},
            )
            return redirect("notice:list")
    elif request.method == "POST":
        status = 400
    return render(request, "notice/objection.html", {"entry": entry, "form": form}, status=status)
