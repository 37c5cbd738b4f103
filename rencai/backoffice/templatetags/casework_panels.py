"""Panels of the officials' case page that bring their own data (so the page's view and
its other panels stay as they are): {% objections_panel %} and {% card_panel %}.
Both read `case` and `request` from the page's context: the view has already checked
that the official's office holds the case."""

from __future__ import annotations

from django import template

from rencai.backoffice.forms_casework import ObjectionFindingForm
from rencai.cards.selectors import card_for_case
from rencai.notice.selectors import objection_rows_for_case

register = template.Library()


@register.inclusion_tag("backoffice/_objections.html", takes_context=True)
def objections_panel(context):
    case = context["case"]
    return {
        "case": case,
        "rows": objection_rows_for_case(case=case),
        "finding_form": ObjectionFindingForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("backoffice/_card.html", takes_context=True)
def card_panel(context):
    case = context["case"]
    return {"case": case, "card": card_for_case(case=case)}
