"""Generations for cached fragments: what rarely changes (help articles, the office
directory, reference data) is cached under a key that carries its generation, and a change
bumps the generation, so no process ever reads a fragment older than the last change.

The cache is `settings.CACHES["default"]`: Redis when REDIS_URL is set, else the database
cache table, shared by every server process and the worker. A cache that is down or
missing never breaks a page: `generation()` then answers None and callers render uncached.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)


def _key(name: str) -> str:
    return f"gen:{name}"


def generation(name: str) -> str | None:
    """The current generation of `name` (created on first use), None if the cache fails."""
    found = generations(name)
    return None if found is None else found[0]


def bump(*names: str) -> None:
    """Invalidate every fragment of `names` (new generations, in one round trip; old
    entries expire)."""
    value = str(time.time_ns())
    try:
        cache.set_many({_key(name): value for name in names}, timeout=None)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: could not bump %s", names[0], exc_info=True)


def bump_on_change(name: str, *models) -> None:
    """Connect post_save / post_delete of `models` to bump(name) (call from AppConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    def receiver(sender, using=None, **kwargs):
        # After the commit: a bump inside the transaction would let another process cache
        # the old rows again before they change, and a cache error must not abort the
        # writer's transaction (PostgreSQL would refuse the rest of it).
        transaction.on_commit(lambda: bump(name), using=using)

    receiver.__name__ = f"bump_{name}"
    for model in models:
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"bump:{name}:{model}")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"bump:{name}:{model}")


def generations(*names: str) -> list[str] | None:
    """The generations of `names` in one round trip (missing ones created); None if the
    cache fails."""
    keys = [_key(name) for name in names]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, str(time.time_ns()), timeout=None)
        if len(found) < len(keys):
            found = cache.get_many(keys)
        return [found[key] for key in keys]
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: %s rendered uncached", names[0], exc_info=True)
        return None


def now_and_after_commit(action, using: str | None = None) -> None:
    """Run `action` (a bump) at once and again after the commit, so that a process which
    read the old rows before the commit and stored them under the first bump is outdated.
    Inside the writer's transaction a failing database cache must not abort it: a
    savepoint."""
    if transaction.get_connection(using).in_atomic_block:
        try:
            with transaction.atomic(using=using):
                action()
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable: a bump inside the transaction failed")
        transaction.on_commit(action, using=using)
    else:
        action()


def bump_now_and_after_commit(*names: str, using: str | None = None) -> None:
    if names:
        now_and_after_commit(lambda: bump(*names), using)
