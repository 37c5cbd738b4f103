"""Panels other pages include with one line (the cases and back-office templates are
being reworked by others): {% verification_precheck case %} on the draft,
{% verification_status case %} on the status page, {% verification_panel case %} on
the official's case page."""

from __future__ import annotations

from django import template

from rencai.verification import selectors
from rencai.verification.services import UNAVAILABLE_NOTICE, enabled

register = template.Library()


def _data(case) -> dict:
    data = selectors.panel(case)
    request = data["latest"]
    data.update(case=case, enabled=enabled(), unavailable_notice=UNAVAILABLE_NOTICE,
                ocr=request.ocr_findings if request else [])  # fmt: skip
    return data


@register.inclusion_tag("verification/_precheck.html", takes_context=True)
def verification_precheck(context, case):
    return {**_data(case), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("verification/_status.html")
def verification_status(case):
    data = _data(case)
    data["all_reasons"] = (
        selectors.return_reasons(case) if case.status in ("returned", "rejected") else ""
    )
    return data


@register.inclusion_tag("verification/_panel.html", takes_context=True)
def verification_panel(context, case):
    data = _data(case)
    forms = context.get("action_forms") or []
    data.update(
        csrf_token=context.get("csrf_token"),
        can_return=any(getattr(a, "action", "") == "return" for a, _f in forms),
        can_reject=any(getattr(a, "action", "") == "reject" for a, _f in forms),
        all_reasons=selectors.return_reasons(case),
    )
    return data
