"""Benchmark: deadline computation for one worker sweep (10,000 cases).

    .venv/bin/python bench/workdays_deadlines.py [N]

Computes N `deadline_for(submitted_at, 5)` over submissions spread across December
2026 – February 2027 (crossing into the provisional year and its 春节), through a pinned
`calendar.snapshot()` and `with calendar.pinned():` (what a sweep should do: no
queries), and through the bare module-level function (one revision-token query per
call). Uses the configured database (migrate it first). Target: pinned >= 20,000
deadlines/s on one core, i.e. a 10,000-case sweep in under half a second.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
django.setup()

from rencai.core.clock import SHANGHAI  # noqa: E402
from rencai.workdays import calendar  # noqa: E402


def main(n: int) -> None:
    base = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    starts = [base + timedelta(hours=(i * 7) % (24 * 90)) for i in range(n)]
    calendar.snapshot()  # warm the cache

    t0 = time.perf_counter()
    cal = calendar.snapshot()
    pinned = [cal.deadline_for(s, 5) for s in starts]
    t1 = time.perf_counter()
    loose = [calendar.deadline_for(s, 5) for s in starts]
    t2 = time.perf_counter()
    with calendar.pinned():
        block = [calendar.deadline_for(s, 5) for s in starts]
    t3 = time.perf_counter()

    assert pinned == loose == block
    provisional = sum(d.provisional for d in pinned)
    print(f"{n} deadlines, {provisional} provisional")
    print(f"pinned snapshot : {t1 - t0:.3f}s  ({n / (t1 - t0):,.0f}/s)")
    print(f"module functions: {t2 - t1:.3f}s  ({n / (t2 - t1):,.0f}/s)")
    print(f"calendar.pinned(): {t3 - t2:.3f}s  ({n / (t3 - t2):,.0f}/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
