"""The background worker: delivers the outbox and fires due deadlines.

Each sweep is a function `(*, batch: int) -> int` listed in settings.RENCAI_WORKER_SWEEPS;
it must be safe to run in several workers at once (claim rows, never assume).
"""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger("rencai.worker")


def sweeps():
    return [import_string(path) for path in settings.RENCAI_WORKER_SWEEPS]


def run_once(*, batch: int = 500) -> dict[str, int]:
    """Run every sweep once; returns how much each did."""
    from rencai.ops.services import worker_heartbeat

    done = {}
    # Keyed by the configured path (a sweep may live elsewhere and be re-exported there).
    for path, sweep in zip(settings.RENCAI_WORKER_SWEEPS, sweeps(), strict=True):
        done[path] = sweep(batch=batch)
    worker_heartbeat(done=sum(done.values()))  # readiness: this worker is alive
    return done


def run_forever(*, interval: float = 2.0, batch: int = 500) -> None:
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker started")
    while not stopping:
        close_old_connections()
        try:
            done = run_once(batch=batch)
        except Exception:  # keep serving; the failing sweep retries next round
            log.exception("worker sweep failed")
            done = {}
        if not any(done.values()):
            time.sleep(interval)
    log.info("worker stopped")
