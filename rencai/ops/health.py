"""Readiness: can this instance serve, and is the background work keeping up?

Each check returns a Check. A failed *critical* check makes /readyz answer 503 (take the
instance out of rotation, page someone); a failed *warning* is reported with 200, because
pulling every web process out of rotation would itself be the outage (e.g. next year's
holiday schedule, still a few weeks away). Thresholds are settings (docs/operations.md).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from rencai.core import clock


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    critical: bool = True


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_database() -> Check:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return Check("database", True, f"{(time.monotonic() - started) * 1000:.1f} ms")


def check_storage() -> Check:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)
    return Check("storage", True, "writable")


_migrations_ok_until = 0.0


def check_migrations() -> Check:
    """Unapplied migrations (a deploy that forgot `rencai migrate`). Cached for a minute:
    loading the migration graph costs tens of milliseconds."""
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return Check("migrations", True, "all applied")
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        return Check("migrations", False, f"{len(plan)} unapplied: {names}; run rencai migrate")
    _migrations_ok_until = time.monotonic() + 60
    return Check("migrations", True, "all applied")


def check_worker() -> Check:
    from rencai.ops.models import WorkerHeartbeat

    limit = _setting("RENCAI_READY_WORKER_MAX_AGE", 60)
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
    newest = newest.first()
    if newest is None:
        return Check("worker", False, "no worker has ever run: start `rencai worker`")
    age = (clock.now() - newest).total_seconds()
    if age > limit:
        return Check("worker", False, f"last heartbeat {age:.0f} s ago (limit {limit} s)")
    return Check("worker", True, f"last heartbeat {age:.0f} s ago")


def check_outbox() -> Check:
    from rencai.notify.models import OutboxMessage

    limit = _setting("RENCAI_READY_OUTBOX_MAX_LAG", 600)
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    overdue = pending.filter(next_attempt_at__lt=clock.now() - timedelta(seconds=limit))
    count = overdue.count()
    if count:
        return Check("outbox", False, f"{count} messages waiting over {limit} s past their time")
    return Check("outbox", True, f"{pending.count()} pending, none overdue")


def check_deadlines() -> Check:
    from rencai.cases.models import Case

    limit = _setting("RENCAI_READY_DEADLINE_MAX_LAG", 600)
    oldest = (
        Case.objects.filter(due_at__isnull=False, due_at__lt=clock.now())
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if oldest is None:
        return Check("deadlines", True, "none overdue")
    lag = (clock.now() - oldest).total_seconds()
    if lag > limit:
        return Check(
            "deadlines", False, f"oldest due deadline {lag:.0f} s overdue (limit {limit} s)"
        )
    return Check("deadlines", True, f"oldest due deadline {lag:.0f} s overdue")


def check_holidays() -> Check:
    """In December the State Council's schedule for next year should be loaded."""
    from rencai.workdays.selectors import provisional_warnings

    today = clock.today()
    if today.month == 12:
        messages = [m for m in provisional_warnings() if str(today.year + 1) in m]
        if messages:
            return Check("holidays", False, messages[0], critical=False)
    return Check("holidays", True, "official schedule loaded", critical=False)


CHECKS = (
    check_database,
    check_storage,
    check_migrations,
    check_worker,
    check_outbox,
    check_deadlines,
    check_holidays,
)


def readiness() -> tuple[bool, list[dict]]:
    results = []
    for check in CHECKS:
        name = check.__name__.removeprefix("check_")
        try:
            results.append(check())
        except (DatabaseError, OSError) as exc:
            results.append(Check(name, False, f"{type(exc).__name__}: {exc}"[:300]))
    ready = all(r.ok for r in results if r.critical)
    return ready, [asdict(r) for r in results]
