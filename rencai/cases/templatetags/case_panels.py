"""Panels the back office's case page loads from the cases app (selectors decide)."""

from __future__ import annotations

from django import template

from rencai.cases.selectors import case_other_cases

register = template.Library()


@register.simple_tag(takes_context=True)
def other_cases(context, case):
    """`{% other_cases case as others %}`: the applicant's other applications, for the
    official viewing the page (request.acting, set by the back office)."""
    request = context.get("request")
    if request is None:
        return []
    return case_other_cases(
        case=case, user=request.user, acting_as=getattr(request, "acting", None)
    )
