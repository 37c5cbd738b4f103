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

# With a shared cache (Redis: sessions in it, rencai.core.refcache's generation in it): the
# user (with whether they hold a grant), the case, its history, its documents, its
# verification requests. Reference data (offices, chain steps, attachment types, rules, the
# calendar token) comes from the cache; the help panel reuses the history.
STATUS_MAX = 5
# Without Redis both the session and the reference generation are rows in the database.
STATUS_MAX_DB_CACHE = STATUS_MAX + 2
DRAFT_MAX = 11  # was 20; the rest: documents for the checklist, change requests (rencai.changes)
DASHBOARD_MAX = 4  # session, user, role grants, the latest case


def _get(client, url):
    client.get(url)  # the session's first write
    return client.get(url)


@pytest.fixture
def shared_cache(settings):
    """The production set-up with REDIS_URL (settings.py): a cache outside the database and
    sessions kept in it (rencai.accounts.sessions); a per-process cache stands in for Redis."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "rencai.accounts.sessions"


def test_status_page_queries(client, world, django_assert_max_num_queries):
    case = place(new_case(world), "under_review")
    client.force_login(world.applicant)
    client.get(f"/cases/{case.number}/")
    with django_assert_max_num_queries(STATUS_MAX_DB_CACHE):
        r = client.get(f"/cases/{case.number}/")
    assert r.status_code == 200 and case.number in r.content.decode()


def test_status_page_queries_with_a_shared_cache(
    client, world, shared_cache, django_assert_max_num_queries
):
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
