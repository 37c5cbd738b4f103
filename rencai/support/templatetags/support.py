"""{% support_box obj %}: 「我要咨询/反馈」 and the steps to rate, for any case or request
page (one line in its template). {% ratings_panel %}: ratings per office and step, for
the statistics page."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext

from rencai.support import selectors

register = template.Library()


@register.inclusion_tag("support/_box.html", takes_context=True)
def support_box(context, obj, history=None):
    """`history`: a case's events the page has already read (rencai.cases.selectors.
    case_history), so the box reads no second copy of them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or user is None or not user.is_authenticated:
        return {"show": False}
    from rencai.cases.models import Case

    if isinstance(obj, Case):
        query = {"case": obj.number}
        steps = selectors.steps_for_case(case=obj, user=user, history=history)
    else:
        p = selectors.process_of(obj)
        if p is None or p.mine is None or not p.mine(user).filter(pk=obj.pk).exists():
            return {"show": False}
        query = {"ref": f"{p.key}:{obj.number}"}
        steps = selectors.steps_for_request(obj=obj, user=user)
    return {
        "show": True,
        "new_url": reverse("support:new") + "?" + urlencode(query),
        "to_rate": [s for s in steps if s.rating is None][:5],
        "rated": [s for s in steps if s.rating is not None][:5],
    }


def ratings_scope(request) -> tuple[set[int] | None, dict]:
    """The offices the statistics page shows (as backoffice.selectors.case_stats decides)
    and its period, from the same query string."""
    from datetime import date

    from rencai.backoffice.selectors import stats_scope_offices

    offices = stats_scope_offices(acting_as=request.acting)
    ids = None if offices is None else {o.pk for o in offices}
    office = request.GET.get("office", "")
    if ids is None and office.isdigit():
        ids = {int(office)}
    period = {}
    for name in ("date_from", "date_to"):
        try:
            period[name] = date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            period[name] = None
    return ids, period


@register.inclusion_tag("support/_ratings_panel.html", takes_context=True)
def ratings_panel(context):
    request = context["request"]
    ids, period = ratings_scope(request)
    return {"rows": selectors.rating_stats(office_ids=ids, **period)}


def support_csv_rows(request, writer) -> None:
    """The ratings rows of the statistics CSV (same scope and period as the panel)."""
    ids, period = ratings_scope(request)
    rated = gettext("好差评")
    writer.writerow(
        [rated, gettext("机构"), gettext("办理环节"), gettext("评价数"), gettext("平均分"),
         gettext("差评（≤2分）")]
    )  # fmt: skip
    for r in selectors.rating_stats(office_ids=ids, **period):
        writer.writerow([rated, r.office, r.step, r.count, r.average, r.poor])
