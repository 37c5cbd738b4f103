"""Worklists: per-office isolation, sorting by deadline, keyset paging, filters."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from rencai.backoffice import selectors
from rencai.cases.models import Case
from rencai.core import clock
from rencai.orgs.models import Unit
from tests.cases.factories import new_case, place, unit


def _waiting(world, *, days: int, **kwargs) -> Case:
    """A case waiting for acceptance at 天河区, due in `days` calendar days."""
    case = new_case(world, **kwargs)
    due = clock.now() + timedelta(days=days)
    return place(
        case,
        "awaiting_acceptance",
        due_at=due,
        due_date=due.astimezone(clock.SHANGHAI).date(),
        due_action="auto_accept",
        submitted_at=clock.now() - timedelta(days=1),
    )


def test_an_office_sees_only_its_cases_and_gets_404_for_others(world, as_office):
    tianhe_case = _waiting(world, days=3)
    tianhe = as_office("district-440106")
    haizhu = as_office("district-440105")  # the "stranger" of the test world (海珠区)
    page = tianhe.get(reverse("backoffice:worklist", args=["acceptance"]))
    assert tianhe_case.number in page.content.decode()
    assert (
        tianhe_case.number
        not in haizhu.get(reverse("backoffice:worklist", args=["acceptance"])).content.decode()
    )
    assert tianhe.get(reverse("backoffice:case", args=[tianhe_case.number])).status_code == 200
    assert haizhu.get(reverse("backoffice:case", args=[tianhe_case.number])).status_code == 404
    response = haizhu.post(
        reverse("backoffice:case_act", args=[tianhe_case.number]),
        {"action": "accept", "accept-action": "accept", "accept-expected_version": 1},
    )
    assert response.status_code == 404
    tianhe_case.refresh_from_db()
    assert tianhe_case.status == "awaiting_acceptance"
    assert (
        haizhu.post(reverse("backoffice:case_reveal", args=[tianhe_case.number])).status_code == 404
    )


def test_sorted_by_deadline_with_remaining_days_and_overdue(world, as_office):
    later = _waiting(world, days=6)
    overdue = _waiting(world, days=-3)
    soon = _waiting(world, days=1)
    client = as_office("district-440106")
    response = client.get(reverse("backoffice:worklist", args=["acceptance"]))
    rows = response.context["page"].rows
    assert [r.case.number for r in rows] == [overdue.number, soon.number, later.number]
    assert rows[0].overdue and rows[0].remaining < 0
    assert not rows[1].overdue
    html = response.content.decode()
    assert "is-overdue" in html and "已逾期" in html and "剩余" in html


def test_keyset_paging_visits_every_row_once(world):
    cases = [_waiting(world, days=d % 4) for d in range(7)]
    nulls = [place(new_case(world), "awaiting_acceptance") for _ in range(2)]  # no deadline
    _user, acting = world.officials["district-440106"]
    queue = selectors.queue_for(acting_as=acting, key="acceptance")
    seen, after, pages = [], "", 0
    while True:
        page = selectors.worklist_page(acting_as=acting, queue=queue, after=after, size=3)
        seen += [r.case.pk for r in page.rows]
        pages += 1
        if not page.next_cursor:
            break
        after = page.next_cursor
    expected = sorted(cases, key=lambda c: (c.due_at, c.pk))
    assert seen == [c.pk for c in expected] + sorted(c.pk for c in nulls)
    assert pages == 3


def test_paging_links_in_the_page(world, as_office):
    for d in range(selectors.PAGE_SIZE + 2):
        _waiting(world, days=d % 5)
    client = as_office("district-440106")
    first = client.get(reverse("backoffice:worklist", args=["acceptance"]), {"category": "title"})
    assert len(first.context["page"].rows) == selectors.PAGE_SIZE
    next_url = first.context["next_url"]
    assert "after=" in next_url and "category=title" in next_url
    second = client.get(reverse("backoffice:worklist", args=["acceptance"]) + next_url)
    assert len(second.context["page"].rows) == 2
    assert second.context["next_url"] is None
    assert "回到第一页" in second.content.decode()
    assert (
        client.get(
            reverse("backoffice:worklist", args=["acceptance"]), {"after": "garbage"}
        ).status_code
        == 200
    )


def test_filters_category_unit_and_dates(world, as_office):
    other_unit = unit(nature=Unit.Nature.PRIVATE, level=Unit.Level.DISTRICT)
    a = _waiting(world, days=2)
    b = _waiting(world, days=2, unit=other_unit)
    c = new_case(world)
    Case.objects.filter(pk=c.pk).update(category="skill")
    c = place(c, "awaiting_acceptance", submitted_at=clock.now() - timedelta(days=20))
    client = as_office("district-440106")
    url = reverse("backoffice:worklist", args=["acceptance"])

    def numbers(params):
        response = client.get(url, params)
        return {r.case.number for r in response.context["page"].rows}, response

    assert numbers({"category": "skill"})[0] == {c.number}
    assert numbers({"unit": other_unit.code.lower()})[0] == {b.number}
    today = clock.today()
    recent = numbers({"submitted_from": str(today - timedelta(days=5))})[0]
    assert recent == {a.number, b.number}
    old = numbers({"submitted_to": str(today - timedelta(days=10))})[0]
    assert old == {c.number}
    _rows, bad = numbers({"unit": "91440101MA0000000X", "submitted_from": "2026-13-01"})
    html = bad.content.decode()
    assert "没有代码为" in html and "日期格式" in html


def test_queues_per_office_kind(world, as_office):
    dept = as_office("dept-sasac")
    response = dept.get(reverse("backoffice:index"))
    assert response.url == reverse("backoffice:worklist", args=["department"])
    case = place(new_case(world, unit=world.soe), "dept-review".replace("-", "_"),
                 step=world.dept_steps[0], submitted_at=clock.now())  # fmt: skip
    page = dept.get(response.url, {"step": world.dept_steps[0].pk})
    assert case.number in page.content.decode()
    assert dept.get(reverse("backoffice:worklist", args=["acceptance"])).status_code == 404


def test_data_centre_links_to_the_change_requests(world):
    from rencai.accounts.models import RoleGrant
    from rencai.accounts.roles import ActingAs
    from rencai.orgs.models import Office
    from tests.backoffice.conftest import office_client
    from tests.cases.factories import person

    user = person("数据")
    grant = RoleGrant.objects.create(
        user=user, role="official", office=Office.objects.get(code="data-centre")
    )
    page = office_client(user, ActingAs(grant)).get(reverse("backoffice:index"))
    assert page.status_code == 200
    assert reverse("changes:worklist") in page.content.decode()


def test_the_first_page_is_the_same_index_range_as_the_next(world):
    """PostgreSQL chose the partial index case_due for "due_at IS NOT NULL" and sorted every
    case sharing the earliest deadline (73 ms at 1M cases, bench/worklist_paging.py): the
    first page's query is the row-value range the next pages use, from the bottom."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _waiting(world, days=2)
    _user, acting = world.officials["district-440106"]
    queue = selectors.queue_for(acting_as=acting, key="acceptance")
    with CaptureQueriesContext(connection) as queries:
        page = selectors.worklist_page(acting_as=acting, queue=queue)
    assert len(page.rows) == 1
    first = queries.captured_queries[0]["sql"]
    assert '("cases_case"."due_at", "cases_case"."id") >' in first.replace("ROW(", "(")
    assert "IS NOT NULL" not in first
