"""{% unit_invitations_notice %}: on 我的申请, how many unit invitations wait for the person."""

from __future__ import annotations

from django import template

from rencai.cases.unit_access import invitations_pending

register = template.Library()


@register.inclusion_tag("cases/_invitations_notice.html", takes_context=True)
def unit_invitations_notice(context):
    user = context["request"].user
    return {"count": len(invitations_pending(user)) if user.is_authenticated else 0}
