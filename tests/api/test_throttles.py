"""Request-rate limits of the JSON API in the shared cache (issue #15): per client address
for visitors, per account for people; 429 with the one error shape and Retry-After; the
count is shared by every process because it lives in the cache (database table or Redis),
and an X-Forwarded-For from an untrusted peer does not open a fresh allowance."""

from __future__ import annotations

import os

import pytest
from django.conf import settings as project_settings
from django.core.cache import cache
from django.test import Client

from rencai.api.urls import api
from tests.redis_cache import use_redis_cache

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("RENCAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
URL = "/api/units?q=%E7%A4%BA%E8%8C%83"  # 示范


LIMIT = 5


def test_the_shipped_rates():
    assert project_settings.RENCAI_API_RATE_VISITOR == "300/m"
    assert project_settings.RENCAI_API_RATE_PERSON == "600/m"
    assert {type(t).__name__ for t in api.throttle} == {"VisitorRateThrottle", "PersonRateThrottle"}


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings, monkeypatch):
    for throttle in api.throttle:  # the same objects every operation checks; a small limit
        monkeypatch.setattr(throttle, "num_requests", LIMIT)
    if request.param == "redis":
        use_redis_cache(settings, REDIS_URL)
    cache.clear() if request.param == "database" else None
    return request.param


def test_a_visitor_over_the_rate_gets_429_with_retry_after(shared_cache):
    limit = LIMIT
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [visitor.get(URL).status_code for _ in range(limit)]
    assert set(statuses) == {200}
    refused = visitor.get(URL, headers={"X-Forwarded-For": "198.51.100.1"})  # not trusted
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited" and body["message"].startswith("请求过于频繁")
    assert int(refused["Retry-After"]) >= 1
    # another address has its own allowance; a fresh client (another process) shares the count
    assert Client(REMOTE_ADDR="203.0.113.8").get(URL).status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.7").get(URL).status_code == 429


def test_people_are_counted_by_account_not_by_address(shared_cache):
    from rencai.accounts.models import User

    limit = LIMIT
    office = "203.0.113.50"  # a company behind one NAT address
    for _ in range(limit):
        Client(REMOTE_ADDR=office).get(URL)
    assert Client(REMOTE_ADDR=office).get(URL).status_code == 429
    person = Client(REMOTE_ADDR=office)
    person.force_login(User.objects.create_user("natuser", "Xy-2026-unused", real_name="李𠇔华"))
    assert person.get(URL).status_code == 200  # logged in: the person's own allowance
