"""Officials' statistics (/office/stats/ and its CSV), split from views.py (issue #11)."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rencai.backoffice import charts, forms, selectors
from rencai.backoffice.access import office_required
from rencai.backoffice.views import _not_found
from rencai.core.errors import NotFound
from rencai.support.templatetags.support import support_csv_rows

# --- statistics ---------------------------------------------------------------------------


def _stats(request):
    offices = selectors.stats_offices_choices(acting_as=request.acting)
    form = forms.StatsForm(request.GET or None, offices=offices)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        stats = selectors.case_stats(
            acting_as=request.acting,
            office_id=data.get("office"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    except NotFound as exc:
        _not_found(exc)
    return form, stats


@office_required
@require_GET
def stats_page(request):
    form, stats = _stats(request)
    state_bars = charts.bars([(label, count, str(count)) for _s, label, count in stats.by_state])
    office_bars = charts.bars(
        [(row["office"].short_name or row["office"].name, row["open"], str(row["open"]))
         for row in stats.offices or []]
    )  # fmt: skip
    step_bars = charts.bars(
        [
            (_("%(step)s 平均") % {"step": s.label}, s.average or 0, _blank(s.average) or "—")
            for s in stats.steps
        ]
        + [
            (_("%(step)s P90") % {"step": s.label}, s.p90 or 0, _blank(s.p90) or "—")
            for s in stats.steps
        ]
    )
    return render(
        request,
        "backoffice/stats.html",
        {
            "form": form,
            "stats": stats,
            "query": request.GET.urlencode(),
            "state_bars": state_bars,
            "step_bars": step_bars,
            "office_bars": office_bars,
        },
    )


@office_required
@require_GET
def stats_csv(request):
    _form, stats = _stats(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rencai-stats.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv.writer(response)
    period = f"{stats.date_from or ''}~{stats.date_to or ''}"
    # In the request's language (issue #11): Chinese, the bureau's default, unless the
    # person chose English.
    writer.writerow([_("范围"), stats.scope_label, _("统计期"), period])
    writer.writerow(
        [_("类别"), _("项目"), _("数量"), _("平均用时（工作日）"), _("90分位用时（工作日）")]
    )
    for _status, label, count in stats.by_state:
        writer.writerow([_("状态"), label, count, "", ""])
    for step in stats.steps:
        writer.writerow(
            [_("环节用时"), step.label, step.count, _blank(step.average), _blank(step.p90)]
        )
    writer.writerow([_("逾期"), _("当前逾期"), stats.overdue, "", ""])
    writer.writerow([_("受理"), _("受理总数"), stats.accepted, "", ""])
    writer.writerow([_("受理"), _("系统自动受理"), stats.deemed, "", ""])
    support_csv_rows(request, writer)  # 好差评 per office and step (rencai.support)
    if stats.offices:
        writer.writerow([_("机构"), _("名称"), _("在办"), _("逾期"), _("受理"), _("系统自动受理")])
        for row in stats.offices:
            writer.writerow(
                [_("机构"), row["office"].name, row["open"], row["overdue"], row["accepted"],
                 row["deemed"]]
            )  # fmt: skip
    return response


def _blank(value) -> str:
    return "" if value is None else str(value)
