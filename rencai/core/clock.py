"""One replaceable clock for every deadline and "within one hour" rule.

Tests freeze or advance it with `clock.frozen(dt)` / `clock.advance(td)`
instead of patching datetime.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def today() -> date:
    """Today's date in Asia/Shanghai, the calendar all deadlines use."""
    return now().astimezone(SHANGHAI).date()


@contextlib.contextmanager
def frozen(at: datetime) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: timedelta) -> None:
    """Move the clock forward (tests and the demo's 'advance time' tool)."""
    global _offset, _frozen
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def reset() -> None:
    global _offset, _frozen
    _offset, _frozen = timedelta(0), None
