"""Statistics on a small known data set (2025-03, no holidays): page, charts and CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.urls import reverse

from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock
from tests.cases.factories import new_case, place


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=clock.SHANGHAI)


def _data(world):
    tianhe_user, tianhe = world.officials["district-440106"]

    def act(case, action, when, reason=""):
        with clock.frozen(when):
            user, acting = (case.applicant, None) if action == "submit" else (tianhe_user, tianhe)
            return case_transition(
                case=case, action=action, actor=user, acting_as=acting, reason=reason
            )

    with clock.frozen(at(3, 8)):
        one, two, three, four = (new_case(world) for _ in range(4))
    act(one, "submit", at(3))
    act(one, "accept", at(5))  # 2 working days waiting
    for day in (6, 7, 10):
        act(one, "approve", at(day))  # 经办 → 复核 → 审批: under review Wed → Mon = 3
    act(two, "submit", at(3))  # accepted by the system on the 6th working day (11 Mar)
    act(three, "submit", at(4, 9))
    act(three, "return", at(4, 15), "材料不全")  # 0 working days
    with clock.frozen(at(11, 1)):
        assert deadlines_fire(batch=10) == 1
    place(four, "awaiting_acceptance", due_date=at(5).date(), submitted_at=at(1))  # overdue


def test_office_stats_page_and_csv(world, as_office):
    _data(world)
    client = as_office("district-440106")
    with clock.frozen(at(12, 10)):
        page = client.get(reverse("backoffice:stats"))
        export = client.get(reverse("backoffice:stats_csv"))
    stats = page.context["stats"]
    counts = {status: n for status, _label, n in stats.by_state}
    assert counts["in_notice"] == 1 and counts["under_review"] == 1
    assert counts["returned"] == 1 and counts["awaiting_acceptance"] == 1
    steps = {s.status: s for s in stats.steps}
    assert sorted(steps["awaiting_acceptance"].durations) == [0, 2, 6]
    assert steps["awaiting_acceptance"].average == 2.7
    assert steps["awaiting_acceptance"].p90 == 6
    assert steps["under_review"].durations == [3]
    assert steps["in_notice"].count == 0 and steps["in_notice"].average is None
    assert stats.overdue == 1 and stats.accepted == 2 and stats.deemed == 1
    html = page.content.decode()
    assert "<svg" in html and 'class="bar"' in html and "style=" not in html.split("<main")[1]

    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    table = {(r[0], r[1]): r[2:] for r in rows[2:]}
    assert table[("环节用时", "等待受理")] == ["3", "2.7", "6"]
    assert table[("环节用时", "审批")] == ["1", "3.0", "3"]
    assert table[("受理", "系统自动受理")][0] == "1"
    assert table[("逾期", "当前逾期")][0] == "1"


def test_period_filter_and_scopes(world, as_office):
    _data(world)
    tianhe = as_office("district-440106")
    page = tianhe.get(
        reverse("backoffice:stats"), {"date_from": "2025-03-06", "date_to": "2025-03-10"}
    )
    steps = {s.status: s for s in page.context["stats"].steps}
    assert steps["awaiting_acceptance"].count == 0 and steps["under_review"].durations == [3]

    # Another district sees nothing of 天河区's cases; the city bureau sees all.
    other = as_office("district-440104").get(reverse("backoffice:stats")).context["stats"]
    assert other.accepted == 0 and sum(n for *_x, n in other.by_state) == 0
    city = as_office("city-hrss")
    whole = city.get(reverse("backoffice:stats")).context["stats"]
    assert whole.scope_label == "全市" and whole.accepted == 2 and whole.deemed == 1
    row = next(r for r in whole.offices if r["office"].code == "district-440106")
    assert row["accepted"] == 2 and row["deemed"] == 1
    one = city.get(
        reverse("backoffice:stats"), {"office": world.office("district-440106").pk}
    ).context["stats"]
    assert one.scope_label.endswith("天河区人力资源和社会保障局") and one.accepted == 2
    # A district official cannot pick another office (the field does not exist for them).
    mine = tianhe.get(reverse("backoffice:stats"), {"office": world.office("city-hrss").pk})
    assert mine.context["stats"].scope_label == world.office("district-440106").name
