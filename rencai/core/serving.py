"""How many server processes and threads `rencai serve` starts on this machine.

Measured on this app (bench/pages.py, bench/README.md): Python threads in one process share
one GIL, and gunicorn's threaded worker lets one process accept most keep-alive connections,
so throughput comes from processes, one or two per core; a few threads per process cover
requests that wait on the database or on a slow client."""

from __future__ import annotations

import os

THREADS = 2


def cores() -> int:
    """Cores this process may run on (the affinity mask, cgroup-limited containers too)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def default_concurrency() -> tuple[int, int]:
    """(workers, threads): WEB_CONCURRENCY / WEB_THREADS if set, else 2 per core + 1."""
    workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cores() + 1)
    threads = int(os.environ.get("WEB_THREADS") or THREADS)
    return workers, threads
