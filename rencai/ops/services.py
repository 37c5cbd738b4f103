"""Writes of the operations app."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.db.models import F

from rencai.core import clock
from rencai.ops.models import WorkerHeartbeat

#: Rows of workers not seen for this long are forgotten (a restarted worker has a new pid).
FORGET_AFTER = timedelta(days=1)


def worker_heartbeat(*, done: int = 0) -> None:
    """Stamp this worker process as alive (one small upsert per round)."""
    name = f"{socket.gethostname()}:{os.getpid()}"[:200]
    now = clock.now()
    updated = WorkerHeartbeat.objects.filter(worker=name).update(
        seen_at=now, rounds=F("rounds") + 1, last_done=done
    )
    if not updated:
        WorkerHeartbeat.objects.get_or_create(
            worker=name, defaults={"seen_at": now, "rounds": 1, "last_done": done}
        )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
