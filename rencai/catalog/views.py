"""Typeahead endpoints: JSON by default, an HTML fragment for HTMX (or ?format=html)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rencai.catalog import selectors


def _message(q: str, results: list) -> str:
    if len(q.strip()) < selectors.SEARCH_MIN_CHARS:
        return _("请至少输入%(n)d个字 Type at least %(n)d characters") % {
            "n": selectors.SEARCH_MIN_CHARS
        }
    if not results:
        return _("没有找到匹配的结果 No matches")
    return ""


def _wants_html(request) -> bool:
    return request.headers.get("HX-Request") == "true" or request.GET.get("format") == "html"


@require_GET
def institution_search(request):
    q = request.GET.get("q", "")
    results = selectors.institution_search(q=q)
    message = _message(q, results)
    if _wants_html(request):
        return render(
            request,
            "catalog/_institution_results.html",
            {"results": results, "message": message, "q": q},
        )
    return JsonResponse(
        {
            "q": q,
            "message": message,
            "results": [
                {
                    "id": i.pk,
                    "moe_code": i.moe_code,
                    "name": i.name,
                    "location": i.location,
                    "level": i.level,
                    "competent_authority": i.competent_authority,
                }
                for i in results
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def major_search(request):
    q = request.GET.get("q", "")
    results = selectors.major_search(q=q, level=request.GET.get("level"))
    message = _message(q, results)
    if _wants_html(request):
        return render(
            request, "catalog/_major_results.html", {"results": results, "message": message, "q": q}
        )
    return JsonResponse(
        {
            "q": q,
            "message": message,
            "results": [
                {
                    "id": m.pk,
                    "code": m.code,
                    "name": m.name,
                    "category": m.category,
                    "discipline": m.discipline,
                    "level": m.level,
                    "level_label": m.get_level_display(),
                }
                for m in results
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
