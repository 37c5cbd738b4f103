"""Reference data from the shared cache (issue #15): offices, chain steps, attachment types,
eligibility rules and the workday calendar token change a few times a year but were read
on every page. They are kept under one generation, "reference" (rencai.core.cache), read
once per request, so one cache read replaces a query per table.

- Values are language-neutral (model instances, ids, tokens), never translated text: the
  page translates them (`display_name`, gettext) in the viewer's language.
- Nothing per person is stored here.
- Every save or delete of a model listed in REFERENCE_MODELS bumps the generation twice:
  at once (inside the writer's transaction: with the database cache the new generation
  commits with the change, and the writer itself reads the new data) and after the commit
  (with Redis, a process that read the old rows before the commit under the new
  generation is outdated by the second bump). The calendar revision (updated in bulk)
  bumps it from `CalendarRevision.bump`.
- Entries are also memoised in this process per generation, so a warm request unpickles
  nothing; callers must treat what they get as read-only.
- A cache that fails degrades to reading the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS

log = logging.getLogger(__name__)

GROUP = "reference"
GEN_KEY = f"gen:{GROUP}"
TIMEOUT = 24 * 3600
_LOCAL_MAX = 512

#: app_label.Model whose rows are reference data: a save or delete bumps the generation.
REFERENCE_MODELS = (
    "orgs.Office",
    "orgs.District",
    "cases.ChainStep",
    "catalog.AttachmentType",
    "verification.EligibilityRule",
    "workdays.CalendarRevision",
)

_local: OrderedDict[str, Any] = OrderedDict()
_local_lock = threading.Lock()
_request = threading.local()  # .generation: read once per request (request_started clears)
_MISSING = object()


def _read_generation() -> str | None:
    try:
        value = cache.get(GEN_KEY)
        if value is None:
            cache.add(GEN_KEY, str(time.time_ns()), timeout=None)
            value = cache.get(GEN_KEY)
        return value
    except Exception:  # noqa: BLE001 - a broken cache: read the database instead
        log.warning("cache unavailable: reference data read uncached", exc_info=True)
        return None


def in_request() -> bool:
    return getattr(_request, "active", False)


def generation() -> str | None:
    """The reference generation: memoised for the current request, read anew outside one."""
    if getattr(_request, "active", False):
        held = getattr(_request, "generation", _MISSING)
        if held is _MISSING:
            held = _request.generation = _read_generation()
        return held
    return _read_generation()


def held() -> str | None:
    """The generation this request has read already, or None (not read, or no request)."""
    value = getattr(_request, "generation", _MISSING) if in_request() else _MISSING
    return None if value is _MISSING else value


def hold(value: str) -> str:
    """Keep `value`, read with other generations in one round trip (rencai.core.cache.
    generations(GROUP)), as this request's generation; the one read first wins."""
    if in_request() and getattr(_request, "generation", _MISSING) is _MISSING:
        _request.generation = value
    return generation() if in_request() else value


def get(name: str, loader: Callable[[], Any]) -> Any:
    """The reference value `name` (a language-neutral, picklable value), built by `loader`
    when neither this process nor the shared cache holds it for the current generation."""
    gen = generation()
    if gen is None:
        return loader()
    key = f"ref:{gen}:{name}"
    with _local_lock:
        value = _local.get(key, _MISSING)
        if value is not _MISSING:
            _local.move_to_end(key)
            return value
    try:
        value = cache.get(key, _MISSING)
    except Exception:  # noqa: BLE001
        value = _MISSING
    if value is _MISSING:
        value = loader()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:  # noqa: BLE001 - served from the database; only the copy is lost
            log.warning("cache unavailable: reference %s not stored", name, exc_info=True)
    with _local_lock:
        _local[key] = value
        while len(_local) > _LOCAL_MAX:
            _local.popitem(last=False)
    return value


def _set_generation() -> None:
    _request.generation = _MISSING
    try:
        cache.set(GEN_KEY, str(time.time_ns()), timeout=None)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: could not bump the reference data", exc_info=True)


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Reference data changed: a new generation now and another after the commit."""
    from rencai.core.cache import now_and_after_commit

    now_and_after_commit(_set_generation, using)


def _on_change(sender, using=None, **kwargs) -> None:
    bump(using or DEFAULT_DB_ALIAS)


def _request_started(**kwargs) -> None:
    _request.active = True
    _request.generation = _MISSING


def _request_finished(**kwargs) -> None:
    _request.active = False
    _request.generation = _MISSING


def connect() -> None:
    """Signals: model changes bump the generation; each request reads it once."""
    from django.apps import apps
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_save

    for label in REFERENCE_MODELS:
        model = apps.get_model(label)
        uid = f"refcache:{label}"
        post_save.connect(_on_change, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_on_change, sender=model, weak=False, dispatch_uid=uid)
    request_started.connect(_request_started, weak=False, dispatch_uid="refcache:start")
    request_finished.connect(_request_finished, weak=False, dispatch_uid="refcache:end")
