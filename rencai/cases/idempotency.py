"""Run a creating request once per (user, key): the API's `Idempotency-Key` header and
the one-time token of the 新建申请 page.

The key row is inserted FIRST in the transaction that does the work, and receives the
response before commit. So:

* a retry after success finds the row and gets the stored status and body;
* a duplicate arriving while the first still runs blocks on the unique index
  (PostgreSQL) or on the write lock (SQLite, IMMEDIATE transactions) until the first
  commits, then reads the stored response. We wait rather than answer 409 "in
  progress": the guarded work is one short transaction (milliseconds), and the client
  gets the very response the first request produced instead of having to retry;
* a request that fails (DomainError) rolls back with its key row: nothing was done, so
  a retry with the same key runs again;
* the same key with another request (method, path or body) is refused with 409;
* keys are kept KEEP_HOURS (a worker sweep deletes older ones): a retry comes within
  minutes, and a later one with the same key runs as a new request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.cases.models import IdempotencyKey
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError

HEADER = "Idempotency-Key"
MAX_KEY = 200
KEEP_HOURS = 24


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


def fingerprint(*, method: str, path: str, body: bytes | str) -> str:
    if isinstance(body, str):
        body = body.encode()
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def key_clean(raw: str | None) -> str | None:
    """The header's value, or None when absent; refused when unusable."""
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise DomainError(
            format_lazy(
                gettext_lazy("{HEADER}：须为1至{MAX_KEY}个可打印ASCII字符（建议使用UUID）"),
                HEADER=HEADER,
                MAX_KEY=MAX_KEY,
            ),
            field=HEADER,
        )
    return key


def _replay(row: IdempotencyKey, fp: str) -> Outcome:
    if row.fingerprint != fp:
        raise Conflict(
            format_lazy(
                gettext_lazy(
                    "{HEADER}已用于另一个请求（内容不同）：同一幂等键只能用于同一请求，新的请求请使用新的幂等键。"
                ),
                HEADER=HEADER,
            ),
            code="idempotency_key_reused",
        )
    return Outcome(row.status_code, row.body, True)


def run_once(*, user, key: str, fp: str, work: Callable[[], tuple[int, Any]]) -> Outcome:
    """Run `work` (returning status and a JSON-able body) once for (user, key)."""
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is not None:
        return _replay(row, fp)
    try:
        with transaction.atomic():
            # First write of the transaction: the loser of a race waits here for the winner.
            row = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fp, status_code=0, body=None,
                created_at=clock.now(),
            )  # fmt: skip
            status, body = work()
            row.status_code, row.body = status, body
            row.save(update_fields=["status_code", "body"])
    except IntegrityError:
        row = IdempotencyKey.objects.filter(user=user, key=key).first()
        if row is None:
            raise
        return _replay(row, fp)
    return Outcome(status, body, False)


def keys_expire(*, batch: int = 1000) -> int:
    """Worker sweep: delete keys older than KEEP_HOURS. Returns how many."""
    from datetime import timedelta

    cutoff = clock.now() - timedelta(hours=KEEP_HOURS)
    ids = list(
        IdempotencyKey.objects.filter(created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    return IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
