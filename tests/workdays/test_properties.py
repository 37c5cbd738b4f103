"""Properties of the counting rules, over package, provisional and overridden years."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.workdays.calendar import Calendar

# Pure calendars (no database): the package/provisional base, and one with overrides.
BASE = Calendar()
OVERRIDDEN = Calendar(
    overrides={
        date(2026, 12, 31): False,
        date(2027, 1, 2): True,
        date(2027, 2, 20): True,
        date(2027, 2, 9): False,
    },
    official_years={2027},
)

days = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=0, max_value=60)
calendars = st.sampled_from([BASE, OVERRIDDEN])
fast = settings(max_examples=150, deadline=None)


@fast
@given(calendars, days, counts)
def test_result_is_always_a_workday_after_start(cal, start, n):
    result = cal.add_workdays(start, n)
    assert cal.is_workday(result)
    assert result > start if n >= 1 else result >= start


@fast
@given(calendars, days, counts)
def test_monotonic_in_n(cal, start, n):
    if n == 0:  # n=0 on a day off is the next working day, which is also day 1
        assert cal.add_workdays(start, 0) <= cal.add_workdays(start, 1)
    else:
        assert cal.add_workdays(start, n) < cal.add_workdays(start, n + 1)


@fast
@given(calendars, days, st.integers(min_value=1, max_value=60))
def test_consistent_with_workdays_between(cal, start, n):
    end = cal.add_workdays(start, n)
    assert cal.workdays_between(start, end) == n
    assert cal.workdays_between(end, start) == -n
    # No working day is skipped: the day before `end` holds one fewer.
    assert cal.workdays_between(start, end - timedelta(days=1)) == n - 1


@fast
@given(calendars, days, days)
def test_workdays_between_counts_days_one_by_one(cal, a, b):
    if abs((b - a).days) > 400:
        b = a + timedelta(days=(b - a).days % 400)
    lo, hi = min(a, b), max(a, b)
    count = sum(cal.is_workday(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cal.workdays_between(a, b) == (count if b >= a else -count)


@fast
@given(calendars, days, counts)
def test_deadline_fires_on_the_next_working_day_after_due(cal, start, n):
    deadline = cal.deadline_for(start, n)
    fire_day = deadline.fires_at.date()
    assert cal.is_workday(fire_day)
    assert cal.workdays_between(deadline.due_date, fire_day) == 1
    assert deadline.fires_at.hour == 0 and deadline.fires_at.minute == 0


@fast
@given(days, st.integers(min_value=1, max_value=60))
def test_provisional_exactly_when_a_provisional_year_is_touched(start, n):
    deadline = BASE.deadline_for(start, n)
    assert deadline.provisional == (deadline.fires_at.date().year >= 2027)


@pytest.mark.parametrize("year", range(2027, 2035))
def test_provisional_years_keep_every_core_holiday_off(year):
    from rencai.workdays.statutory import core_holidays

    for day in core_holidays(year):
        assert not BASE.is_workday(day)
