"""Issue #15: the dashboard of a person without grants, whole from the shared cache
(rencai.cases.dashboard_cache). Each test views it (now cached), changes one thing it
shows, and views it again: the change shows at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rencai.accounts.models import RoleGrant, User
from rencai.cases.models import Case
from rencai.cases.selectors import case_status_text
from rencai.orgs.models import Unit
from tests.cases.apply_helpers import catalog, media  # noqa: F401 (fixtures)
from tests.cases.factories import new_case, place
from tests.cases.test_status_cache import status_cache_on  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "catalog", "status_cache_on")]


def _board(client) -> str:
    response = client.get("/accounts/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_cached_dashboard_costs_two_queries_and_is_the_same_page(client, world):
    case = place(new_case(world), "under_review", step=world.review_steps[1])
    client.force_login(world.applicant)
    first = _board(client)
    with CaptureQueriesContext(connection) as queries:
        again = _board(client)
    assert again == first and case.number in again
    tables = [q["sql"] for q in queries.captured_queries
              if "django_session" not in q["sql"] and "rencai_cache" not in q["sql"]]  # fmt: skip
    assert len(tables) == 2, tables  # the user, the latest case: nothing else read


def test_a_bulk_status_change_and_a_new_name_show_at_once(client, world):
    case = place(new_case(world), "under_review", step=world.review_steps[1])
    client.force_login(world.applicant)
    _board(client)
    before = case_status_text(case)
    assert before in _board(client)
    Case.objects.filter(pk=case.pk).update(status="awaiting_acceptance")  # no signal
    after = case_status_text(Case.objects.get(pk=case.pk))
    assert after != before and after in _board(client) and before not in _board(client)
    User.objects.filter(pk=world.applicant.pk).update(real_name="看板新名")
    assert "看板新名" in _board(client)
    Unit.objects.filter(pk=case.unit_id).update(name="看板新单位有限公司")
    assert "看板新单位有限公司" in _board(client)


def test_an_action_on_the_case_shows_and_its_message_is_shown_once(client, world):
    case = place(new_case(world), "awaiting_acceptance")
    client.force_login(world.applicant)
    before = _board(client)
    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "withdraw", "expected_version": case.version, "reason": "材料有误"},
        HTTP_REFERER="/accounts/",
    )
    assert response.status_code == 302
    client.get(response.url)  # the page the action leads to shows (and spends) the message
    after = _board(client)
    assert after != before and "已撤回" in after


def test_people_with_grants_are_never_served_from_the_cache(client, world):
    admin = world.unit_admin
    client.force_login(admin)
    first = _board(client)
    case = new_case(world, unit=world.soe)
    Case.objects.filter(pk=case.pk).update(status="unit_review")
    assert _board(client) != first  # the unit's count moved: rendered anew
    RoleGrant.objects.filter(user=admin).update(revoked_at=case.created_at)
    assert "待单位审核" not in _board(client)
