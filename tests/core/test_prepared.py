"""rencai.core.prepared (the case and session-user lookups compiled once per process) and
rencai.core.redis_cache (one Redis client per pool): the same answers as the plain ORM."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rencai.accounts.backends import IdentifierBackend
from rencai.accounts.models import RoleGrant
from rencai.cases.models import Case
from rencai.cases.selectors import _CASE_BY_NUMBER, PAGE_RELATED
from rencai.core import clock
from rencai.core.prepared import PreparedLookup
from tests.cases.factories import build_world, new_case, person
from tests.redis_cache import REDIS_URL, use_redis_cache

pytestmark = pytest.mark.django_db


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _same(prepared, plain) -> None:
    assert type(prepared) is type(plain) and prepared.pk == plain.pk
    assert _values(prepared) == _values(plain)
    assert set(prepared._state.fields_cache) == set(plain._state.fields_cache)
    for name, related in plain._state.fields_cache.items():
        other = prepared._state.fields_cache[name]
        assert (other is None) == (related is None), name
        if related is not None:
            assert _values(other) == _values(related), name
    assert prepared._state.adding is False and prepared._state.db == plain._state.db


def test_the_case_lookup_is_the_querysets_answer_in_one_query():
    world = build_world()
    case = new_case(world)
    plain = Case.objects.select_related(*PAGE_RELATED).get(pk=case.pk)
    with CaptureQueriesContext(connection) as queries:
        prepared = _CASE_BY_NUMBER.first(case.number)
        again = _CASE_BY_NUMBER.first(case.number)  # compiled already: same SQL, new run
    assert len(queries.captured_queries) == 2
    assert queries.captured_queries[0]["sql"] == queries.captured_queries[1]["sql"]
    _same(prepared, plain)
    _same(again, plain)
    # The applicant came with it; their ID number still decrypts.
    assert prepared.applicant.real_name == world.applicant.real_name
    assert prepared.applicant.reveal_id_number() == world.applicant.reveal_id_number()
    assert prepared.created_at.tzinfo is not None


def test_another_number_another_case_and_an_unknown_one_none():
    world = build_world()
    first, second = new_case(world), new_case(world)
    assert _CASE_BY_NUMBER.first(second.number).pk == second.pk
    assert _CASE_BY_NUMBER.first(first.number).pk == first.pk
    assert _CASE_BY_NUMBER.first("RC2099-999999") is None
    assert _CASE_BY_NUMBER.first("") is None


def test_a_saved_change_shows_on_the_next_lookup():
    world = build_world()
    case = new_case(world)
    _CASE_BY_NUMBER.first(case.number)
    Case.objects.filter(pk=case.pk).update(updated_at=clock.now())
    world.applicant.real_name = "改名后"
    world.applicant.save(update_fields=["real_name"])
    found = _CASE_BY_NUMBER.first(case.number)
    assert found.applicant.real_name == "改名后"
    assert found.updated_at == Case.objects.get(pk=case.pk).updated_at


def test_the_session_user_carries_the_grant_flag_and_follows_a_revocation():
    world = build_world()
    backend = IdentifierBackend()
    plain = backend.get_user(world.applicant.pk)
    assert plain.pk == world.applicant.pk and plain.has_active_grants is False
    admin = backend.get_user(world.unit_admin.pk)
    assert admin.has_active_grants is True
    RoleGrant.objects.filter(user=world.unit_admin).update(revoked_at=clock.now())
    assert backend.get_user(world.unit_admin.pk).has_active_grants is False
    assert (
        backend.get_user(str(world.unit_admin.pk)).pk == world.unit_admin.pk
    )  # as the session keeps it
    assert backend.get_user(10**9) is None
    world.applicant.is_active = False
    world.applicant.save(update_fields=["is_active"])
    assert backend.get_user(world.applicant.pk) is None


def test_a_logged_in_request_reads_its_user_through_it():
    user = person("会话用户")
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/").status_code == 200
    request = type("R", (), {"session": client.session})()
    assert get_user(request).pk == user.pk


def test_a_persons_grants_are_the_querysets_rows_with_their_units_and_offices():
    from rencai.accounts.roles import _ACTIVE_GRANTS, active_grants
    from rencai.orgs.models import Office

    world = build_world()
    user = world.unit_admin
    office = Office.objects.get(code="district-440106")
    RoleGrant.objects.create(user=user, role=RoleGrant.Role.OFFICIAL, office=office)
    RoleGrant.objects.create(user=user, role=RoleGrant.Role.UNIT_ADMIN, unit=world.private)
    plain = list(active_grants(user))
    with CaptureQueriesContext(connection) as queries:
        prepared = _ACTIVE_GRANTS.all(user.pk)
    assert len(queries.captured_queries) == 1 and len(plain) == 3
    assert [g.pk for g in prepared] == [g.pk for g in plain]
    for one, other in zip(prepared, plain, strict=True):
        _same(one, other)
    revoked = plain[0]
    revoked.revoked_at = clock.now()
    revoked.save(update_fields=["revoked_at"])
    assert [g.pk for g in _ACTIVE_GRANTS.all(user.pk)] == [g.pk for g in plain[1:]]
    assert _ACTIVE_GRANTS.all(person("无授权").pk) == []


def test_the_dashboards_latest_cases_are_the_querysets_with_the_same_deferred_fields():
    from rencai.cases.dashboard import _LATEST_CASES, _latest_cases

    world = build_world()
    first = new_case(world)
    Case.objects.filter(pk=first.pk).update(status="withdrawn")
    second = new_case(world, applicant=first.applicant)
    plain = list(_latest_cases(first.applicant_id)[:5])
    prepared = _LATEST_CASES.all(first.applicant_id)
    assert [c.pk for c in prepared] == [c.pk for c in plain] == [second.pk, first.pk]
    for one, other in zip(prepared, plain, strict=True):
        assert one.get_deferred_fields() == other.get_deferred_fields() != set()
        assert (one.number, one.status, one.unit.name) == (other.number, other.status,
                                                           other.unit.name)  # fmt: skip


def test_a_build_that_does_not_use_the_value_falls_back_to_the_queryset(caplog):
    world = build_world()
    case = new_case(world)
    ignoring = PreparedLookup(Case, "number", lambda number: Case.objects.order_by("pk"))
    with caplog.at_level(logging.WARNING, logger="rencai.core.prepared"):
        assert ignoring.first("whatever").pk == Case.objects.order_by("pk").first().pk
    assert "marker found 0 times" in caplog.text
    assert case.pk


@pytest.fixture
def redis_cache(settings):
    use_redis_cache(settings, REDIS_URL)
    return cache


def test_one_redis_client_serves_every_call_and_survives_a_dropped_connection(redis_cache):
    import redis

    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("k", {"v": 1})
    assert redis_cache.get("k") == {"v": 1}
    assert redis_cache.get_many(["k", "missing"]) == {"k": {"v": 1}}
    # Redis drops every connection (a restart, a proxy timeout): the next call reconnects.
    redis.Redis.from_url(REDIS_URL).client_kill_filter(_type="normal", skipme=True)
    assert redis_cache.get("k") == {"v": 1}
    assert redis_cache._cache.get_client() is client
