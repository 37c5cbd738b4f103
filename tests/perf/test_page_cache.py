"""Public pages from the shared cache for anonymous visitors: served again without a query,
re-rendered at once after a change of what they show, never shared with a session or when
the page holds a visitor's CSRF token. Run on the database cache and on Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from rencai.helpdesk.models import Article

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("RENCAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_up() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(params=["database", "redis"])
def page_cache(request, settings):
    settings.RENCAI_PAGE_CACHE = True
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis at " + REDIS_URL)
        settings.CACHES = {
            "default": {
                "BACKEND": "rencai.core.redis_cache.SharedClientRedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"rencai-test-{uuid.uuid4().hex}",  # this test's own keys
            }
        }
    cache.clear() if request.param == "database" else None
    yield request.param


def _article() -> Article:
    article = Article.objects.filter(published=True).order_by("pk").first()
    if article is None:
        article = Article.objects.create(
            slug="t-1", section=1, number=1, question="测试问题", answer="答", sort=1
        )
    return article


def test_second_anonymous_visit_is_served_from_the_cache(page_cache, django_assert_num_queries):
    _article()
    first = Client().get("/help/")
    assert first.status_code == 200
    queries = 0 if page_cache == "redis" else 1  # the database cache: one SELECT of the entry
    with django_assert_num_queries(queries):
        again = Client().get("/help/")
    assert again.status_code == 200
    assert again.content == first.content
    assert "Accept-Language" in again["Vary"]


def test_a_change_shows_at_once_after_its_commit(page_cache, django_capture_on_commit_callbacks):
    article = _article()
    Client().get("/help/")
    with django_capture_on_commit_callbacks(execute=True) as bumps:
        article.question = "新的问题文字𠇔"
        article.save()
    assert bumps  # the generation moves on commit, not inside the writer's transaction
    assert "新的问题文字𠇔" in Client().get("/help/").content.decode()


def test_languages_are_kept_apart(page_cache):
    _article()
    zh = Client().get("/help/", headers={"Accept-Language": "zh-hans"})
    en = Client().get("/help/", headers={"Accept-Language": "en"})
    assert zh["Content-Language"] != en["Content-Language"]


def test_a_session_is_never_served_a_cached_page(page_cache, django_user_model):
    Client().get("/")  # cached for anonymous visitors
    user = django_user_model.objects.create_user(login_name="perf_u", password="x-Very-long-1!")
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302  # logged in: the dashboard, not the cached home page


def test_a_page_with_a_csrf_token_is_not_stored(page_cache):
    client = Client()
    first = client.get("/accounts/login/")
    assert b"csrfmiddlewaretoken" in first.content
    # not a cached group at all, and a token page is refused by _storable as well:
    from rencai.core.pagecache import AnonymousPageCacheMiddleware, group_for

    assert group_for("/accounts/login/") is None
    assert not AnonymousPageCacheMiddleware._storable(first.wsgi_request, first)


def test_cached_answer_keeps_security_headers(page_cache):
    Client().get("/notice/")
    again = Client().get("/notice/")
    assert again.status_code == 200
    assert "Content-Security-Policy" in again
    assert again["X-Frame-Options"] == "DENY"
