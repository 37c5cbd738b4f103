"""Unit registry pages: search (standalone and picker) and the public unit card."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from rencai.core.errors import NotFound
from rencai.orgs.forms import UnitPickForm
from rencai.orgs.selectors import unit_former_names, unit_get, unit_search

FIELD_NAME_MAX = 40


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _field_name(value: str | None) -> str:
    value = (value or "unit").strip()
    return value if value.isidentifier() and len(value) <= FIELD_NAME_MAX else "unit"


@require_http_methods(["GET", "POST"])
def search(request):
    """GET ?q=&page= lists units. With ?next=&field= each result has a 选择 button that
    posts the unit id; a valid choice redirects to next?<field>=<id> (or the unit card).
    An HTMX request with ?picker=<field> returns the radio-list fragment for the widget."""
    params = request.POST if request.method == "POST" else request.GET
    next_url = _safe_next(request, params.get("next"))
    field = _field_name(params.get("field"))
    form = None
    if request.method == "POST":
        form = UnitPickForm(request.POST)
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            if next_url:
                sep = "&" if "?" in next_url else "?"
                return redirect(f"{next_url}{sep}{urlencode({field: unit.pk})}")
            return redirect("orgs:detail", unit_id=unit.pk)
    picker = request.GET.get("picker")
    query = params.get("q", "")
    if picker is not None:
        picker = _field_name(picker)
        query = request.GET.get(f"{picker}_q", query)
    try:
        page_number = int(params.get("page", "1"))
    except ValueError:
        page_number = 1
    result = unit_search(q=query, page=page_number)
    context = {
        "result": result,
        "q": result.query,
        "form": form,
        "next_url": next_url,
        "field": field,
        "picker": picker,
    }
    if picker is not None and request.headers.get("HX-Request"):
        return render(request, "orgs/_picker_results.html", context)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "unit-results":
        return render(request, "orgs/_search_results.html", context)
    return render(request, "orgs/search.html", context, status=400 if form is not None else 200)


@require_GET
def detail(request, unit_id: int):
    try:
        unit = unit_get(unit_id=unit_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "orgs/detail.html",
        {
            "unit": unit,
            "former_names": unit_former_names(unit=unit),
            "search_url": reverse("orgs:search"),
        },
    )
