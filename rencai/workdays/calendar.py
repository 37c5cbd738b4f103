"""The statutory working-day calendar (Asia/Shanghai). Public API used by every app.

    is_workday(d)                  -> bool
    add_workdays(start, n)         -> date      the n-th working day after `start`
    workdays_between(a, b)         -> int       working days d with a < d <= b
    deadline_for(start, n)         -> Deadline  (due_date, fires_at, provisional)
    remaining_workdays(due, today) -> int       0 = due today, negative = overdue
    snapshot()                     -> Calendar  the same methods on one pinned calendar

Counting rule (次日起算): day 1 is the first working day *after* `start`, whatever `start`
is. A submission on Saturday 2025-09-27 therefore has Sunday 09-28 (a make-up workday) as
day 1; a Saturday submission before an ordinary week has Monday as day 1 and Friday as
day 5. `add_workdays(start, 0)` is `start` itself when it is a working day, else the next
working day. Negative `n` is refused. These rules make
`workdays_between(a, add_workdays(a, n)) == n` for every n >= 1.

Where the days come from, weakest first: weekends; the `chinesecalendar` package's State
Council schedule, or for a year it does not know, the provisional calendar of statutory
core holidays (see `statutory`); then `WorkdayOverride` rows, which win. A year is
*provisional* until the package knows it or an `OfficialYear` row says its schedule is
loaded; every deadline that touches a provisional year says so (`Deadline.provisional`).

Speed: each year is built once into a frozenset of days off, cached per calendar revision
token (see `models.CalendarRevision`), so nothing needs clearing in tests. The module-level
functions read the token with one tiny primary-key query per call (~50 µs on SQLite). Hot
loops (a sweep over 10,000 cases) pin one calendar and run with no queries at all, either

    cal = calendar.snapshot()
    for case in batch:
        deadline = cal.deadline_for(case.submitted_at, 5)

or, for code that calls the module-level functions deep down,

    with calendar.pinned():
        for case in batch:
            case_deadlines_refresh(case)   # calls calendar.deadline_for(...) inside
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.workdays import statutory

__all__ = [
    "Calendar",
    "Deadline",
    "add_workdays",
    "deadline_for",
    "is_provisional_year",
    "is_workday",
    "pinned",
    "remaining_workdays",
    "snapshot",
    "workdays_between",
]

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    due_date: date  # the last working day allowed
    fires_at: datetime  # 00:00 Asia/Shanghai of the first working day after due_date
    provisional: bool  # True when any day from start to fires_at is in a provisional year


def _as_date(value: date | datetime) -> date:
    """A datetime becomes its Asia/Shanghai date (naive datetimes are taken as Shanghai time)."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.date()
        return value.astimezone(SHANGHAI).date()
    return value


class Calendar:
    """One consistent view of the calendar: package/provisional base plus overrides."""

    def __init__(
        self,
        *,
        token: str = "",
        overrides: dict[date, bool] | None = None,
        official_years: frozenset[int] | set[int] = frozenset(),
    ):
        self.token = token
        self._overrides: dict[int, dict[date, bool]] = defaultdict(dict)
        for day, workday in (overrides or {}).items():
            self._overrides[day.year][day] = workday
        self._official_years = frozenset(official_years)
        self._years: dict[int, frozenset[date]] = {}

    # -- building blocks ---------------------------------------------------------------

    def days_off(self, year: int) -> frozenset[date]:
        """All non-working days of `year` (weekends included), built once per calendar."""
        off = self._years.get(year)
        if off is None:
            overrides = self._overrides.get(year)
            if not overrides:
                off = statutory.base_days_off(year)
            else:
                days = set(statutory.base_days_off(year))
                for day, workday in overrides.items():
                    if workday:
                        days.discard(day)
                    else:
                        days.add(day)
                off = frozenset(days)
            self._years[year] = off
        return off

    def is_provisional_year(self, year: int) -> bool:
        return not statutory.package_covers(year) and year not in self._official_years

    # -- the public API ----------------------------------------------------------------

    def is_workday(self, d: date | datetime) -> bool:
        d = _as_date(d)
        return d not in self.days_off(d.year)

    def add_workdays(self, start: date | datetime, n: int) -> date:
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = _as_date(start)
        year = day.year
        off = self.days_off(year)
        if n == 0:
            while day in off:
                day += ONE_DAY
                if day.year != year:
                    year, off = day.year, self.days_off(day.year)
            return day
        counted = 0
        while counted < n:
            day += ONE_DAY
            if day.year != year:
                year, off = day.year, self.days_off(day.year)
            if day not in off:
                counted += 1
        return day

    def workdays_between(self, a: date | datetime, b: date | datetime) -> int:
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        for year in range(a.year, b.year + 1):
            lo = max(a + ONE_DAY, date(year, 1, 1)) if year == a.year else date(year, 1, 1)
            hi = b if year == b.year else date(year, 12, 31)
            if hi < lo:
                continue
            off = self.days_off(year)
            total = (hi - lo).days + 1
            count += total - sum(1 for d in off if lo <= d <= hi)
        return count

    def deadline_for(self, start: date | datetime, n: int) -> Deadline:
        start_date = _as_date(start)
        due = self.add_workdays(start_date, n)
        fires_on = self.add_workdays(due, 1)
        provisional = any(
            self.is_provisional_year(y) for y in range(start_date.year, fires_on.year + 1)
        )
        return Deadline(
            due_date=due,
            fires_at=datetime.combine(fires_on, time.min, tzinfo=SHANGHAI),
            provisional=provisional,
        )

    def remaining_workdays(self, due_date: date, today: date | None = None) -> int:
        return self.workdays_between(clock.today() if today is None else _as_date(today), due_date)


# -- the calendar in force, cached per revision token ------------------------------------

_MAX_CACHED = 8
_cache: OrderedDict[str, Calendar] = OrderedDict()
_lock = threading.Lock()


def _load(token: str) -> Calendar:
    from rencai.workdays.models import CalendarRevision, OfficialYear, WorkdayOverride

    for _attempt in range(3):
        overrides = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
        official = frozenset(OfficialYear.objects.values_list("year", flat=True))
        after = CalendarRevision.current_token()
        if after == token:
            break
        token = after  # someone wrote meanwhile: read again under the newer token
    return Calendar(token=token, overrides=overrides, official_years=official)


_pinned: contextvars.ContextVar[Calendar | None] = contextvars.ContextVar(
    "workdays_pinned_calendar", default=None
)


@contextlib.contextmanager
def pinned() -> Iterator[Calendar]:
    """Within the block, every module-level call uses one calendar and makes no query.

    Changes made to the calendar inside the block are not seen by it: keep blocks to one
    batch of reads (a worker sweep), not around calendar writes.
    """
    token = _pinned.set(None)
    try:
        cal = snapshot()
        _pinned.set(cal)
        yield cal
    finally:
        _pinned.reset(token)


def _current_token(revision) -> str:
    """In a request, from the shared reference cache (rencai.core.refcache: bumped by
    `CalendarRevision.bump`, read once per request); elsewhere (the worker) the row."""
    from rencai.core import refcache

    if refcache.in_request():
        return refcache.get("calendar-token", revision.current_token)
    return revision.current_token()


def snapshot() -> Calendar:
    """The calendar in force now (one primary-key query; a cache miss loads the overrides)."""
    from rencai.workdays.models import CalendarRevision

    held = _pinned.get()
    if held is not None:
        return held
    token = _current_token(CalendarRevision)
    with _lock:
        cal = _cache.get(token)
        if cal is not None:
            _cache.move_to_end(token)
            return cal
    cal = _load(token)
    with _lock:
        _cache[cal.token] = cal
        while len(_cache) > _MAX_CACHED:
            _cache.popitem(last=False)
    return cal


def is_workday(d: date) -> bool:
    return snapshot().is_workday(d)


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start` (n=0: `start` if a working day, else the next one)."""
    return snapshot().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    """Working days d with a < d <= b; negative (the count of b < d <= a) when b < a."""
    return snapshot().workdays_between(a, b)


def deadline_for(start: datetime, n: int) -> Deadline:
    """Deadline `n` working days after `start` (its Asia/Shanghai date).

    fires_at is 00:00 Asia/Shanghai of the first working day after due_date, so
    "accepted automatically on the 6th working day" is `deadline_for(submitted_at, 5).fires_at`.
    """
    return snapshot().deadline_for(start, n)


def remaining_workdays(due_date: date, today: date | None = None) -> int:
    """Working days left until `due_date`: 0 on the due date itself, negative once overdue.

    Equals `workdays_between(today, due_date)`; `today` defaults to `clock.today()`.
    """
    return snapshot().remaining_workdays(due_date, today)


def is_provisional_year(year: int) -> bool:
    return snapshot().is_provisional_year(year)
