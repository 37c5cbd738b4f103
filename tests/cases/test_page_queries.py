"""Issue #15: the logged-in pages read the database a bounded number of times, and reading
the role grants once per request keeps a revocation, a new grant and a logout immediate."""

from __future__ import annotations

import pytest

from rencai.accounts.models import RoleGrant
from rencai.core import clock
from tests.cases.apply_helpers import catalog, media
from tests.cases.factories import new_case, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]

# Session, user, role grants (second factor), case, history, chain steps, the calendar's
# revision (a review step has a deadline), attachment types,
# documents, verification requests, rules, the help panel's events. The aim is 5;
# the rest are reference data and the help panel (rencai.support), not yet shared.
STATUS_MAX = 12
DRAFT_MAX = 20
DASHBOARD_MAX = 5  # session, user, role grants, the latest case, the calendar (its deadline)


def _get(client, url):
    client.get(url)  # the session's first write
    return client.get(url)


def test_status_page_queries(client, world, django_assert_max_num_queries):
    case = place(new_case(world), "under_review")
    client.force_login(world.applicant)
    client.get(f"/cases/{case.number}/")
    with django_assert_max_num_queries(STATUS_MAX):
        r = client.get(f"/cases/{case.number}/")
    assert r.status_code == 200 and case.number in r.content.decode()


def test_draft_page_queries(client, world, django_assert_max_num_queries):
    case = new_case(world)
    client.force_login(world.applicant)
    client.get(f"/cases/{case.number}/edit/")
    with django_assert_max_num_queries(DRAFT_MAX):
        r = client.get(f"/cases/{case.number}/edit/")
    assert r.status_code == 200


def test_dashboard_queries(client, world, django_assert_max_num_queries):
    place(new_case(world), "under_review")
    client.force_login(world.applicant)
    client.get("/accounts/")
    with django_assert_max_num_queries(DASHBOARD_MAX):
        r = client.get("/accounts/")
    assert r.status_code == 200


def test_status_page_of_someone_else_is_404(client, world):
    case = place(new_case(world), "under_review")
    client.force_login(world.unit_admin)
    assert client.get(f"/cases/{case.number}/").status_code == 404


def test_new_official_grant_asks_the_second_factor_on_the_next_request(client, world):
    client.force_login(world.applicant)
    assert _get(client, "/accounts/").status_code == 200
    office = world.review_steps[0].office
    RoleGrant.objects.create(user=world.applicant, role=RoleGrant.Role.OFFICIAL, office=office)
    r = client.get("/accounts/")
    assert r.status_code == 302 and "/office/2fa" in r["Location"]


def test_revoked_grant_takes_effect_on_the_next_request(client, world):
    office = world.review_steps[0].office
    grant = RoleGrant.objects.create(
        user=world.applicant, role=RoleGrant.Role.OFFICIAL, office=office
    )
    client.force_login(world.applicant)
    assert client.get("/accounts/").status_code == 302  # second factor due
    RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=clock.now())
    assert client.get("/accounts/").status_code == 200  # an applicant again, at once


def test_logout_takes_effect_at_once(client, world):
    client.force_login(world.applicant)
    assert _get(client, "/accounts/").status_code == 200
    client.post("/accounts/logout/")
    r = client.get("/accounts/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("state", ["draft", "unit_review", "card_issued", "returned"])
def test_dashboard_queries_for_each_state(client, world, state, django_assert_max_num_queries):
    case = new_case(world)
    if state != "draft":
        place(case, state)
    client.force_login(world.applicant)
    client.get("/accounts/")
    # + the route's window for a draft (route_for), + the card for a card issued
    with django_assert_max_num_queries(DASHBOARD_MAX + 1):
        r = client.get("/accounts/")
    assert r.status_code == 200 and case.number in r.content.decode()
