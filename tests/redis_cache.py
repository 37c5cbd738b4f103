"""The local Redis as the project's cache in a test (each test its own key prefix)."""

from __future__ import annotations

import os
import uuid

import pytest

REDIS_URL = os.environ.get("RENCAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def use_redis_cache(settings, url: str = REDIS_URL) -> None:
    """settings.CACHES → Redis at `url` through the project's backend, or skip the test."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.3).ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis at " + url)
    settings.CACHES = {
        "default": {
            "BACKEND": "rencai.core.redis_cache.SharedClientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"rencai-test-{uuid.uuid4().hex}",
        }
    }
