"""{% unit_admin_notice unit %}: on the unit step of a draft, tell the applicant at once
when the chosen unit has no unit admin (nobody could review the application), and how
the unit gets one: the rights request, who approves it and their contact."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from rencai.cases.routing import unit_admin_missing
from rencai.core.errors import DomainError

register = template.Library()


@register.inclusion_tag("cases/_unit_admin_notice.html")
def unit_admin_notice(unit):
    missing = None
    if unit is not None and getattr(unit, "pk", None):
        try:
            missing = unit_admin_missing(unit)
        except DomainError:  # no department on record: the route check says so
            missing = None
    if missing is None:
        return {"missing": None}
    from rencai.helpdesk.selectors import phone_links

    try:
        apply_url = reverse("rights:apply") + f"?unit={unit.pk}"
    except NoReverseMatch:
        apply_url = ""
    approver = missing.approver
    return {
        "missing": missing,
        "apply_url": apply_url,
        "approver": approver,
        "phones": phone_links(approver.phones or []) if approver else [],
    }


@register.inclusion_tag("cases/_unit_request_drafts.html")
def unit_request_drafts(change, user):
    """{% unit_request_drafts change user %} on a 新增单位 request's page: the requester's
    applications waiting for (or filled from) it, each a link back (issue #11)."""
    from rencai.cases.services_draft_unit import case_drafts_of_request

    if getattr(change, "kind", "") != "unit_new":
        return {"drafts": []}
    return {"drafts": case_drafts_of_request(change, user), "change": change}
