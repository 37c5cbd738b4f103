"""The calendar against real published dates, not against the package's own helpers."""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.workdays import calendar
from rencai.workdays.calendar import Deadline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [date(2025, 10, d) for d in range(1, 9)])
def test_national_day_2025_is_eight_days_off(day):
    assert not calendar.is_workday(day)


@pytest.mark.parametrize(
    "day",
    [date(2025, 9, 28), date(2025, 10, 11), date(2026, 2, 14), date(2026, 2, 28)],
    ids=["2025-09-28 Sun", "2025-10-11 Sat", "2026-02-14 Sat", "2026-02-28 Sat"],
)
def test_make_up_weekend_days_are_workdays(day):
    assert day.weekday() >= 5
    assert calendar.is_workday(day)


def test_plain_weekdays_and_weekends():
    assert calendar.is_workday(date(2025, 9, 26))  # Friday
    assert not calendar.is_workday(date(2025, 9, 27))  # Saturday
    assert not calendar.is_workday(date(2025, 10, 12))  # Sunday after the make-up Saturday


def test_agrees_with_package_on_every_day_it_covers():
    cal = calendar.snapshot()
    day, end = date(2004, 1, 1), date(2026, 12, 31)
    while day <= end:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_saturday_submission_counts_from_the_next_working_day():
    # Saturday 2025-09-27: day 1 is the make-up Sunday 09-28, then 09-29, 09-30, 10-09, 10-10.
    assert calendar.add_workdays(date(2025, 9, 27), 1) == date(2025, 9, 28)
    assert calendar.add_workdays(date(2025, 9, 27), 5) == date(2025, 10, 10)
    # An ordinary Saturday: Monday is day 1, Friday day 5.
    assert calendar.add_workdays(date(2025, 11, 15), 5) == date(2025, 11, 21)
    # The package's find_workday makes Monday day 0 for a Saturday start: we do not use it.
    assert chinese_calendar.find_workday(5, date(2025, 11, 15)) == date(2025, 11, 24)


def test_add_workdays_zero_and_negative():
    assert calendar.add_workdays(date(2025, 9, 26), 0) == date(2025, 9, 26)
    assert calendar.add_workdays(date(2025, 9, 27), 0) == date(2025, 9, 28)
    assert calendar.add_workdays(date(2025, 10, 1), 0) == date(2025, 10, 9)
    with pytest.raises(ValueError):
        calendar.add_workdays(date(2025, 10, 1), -1)


def test_golden_week_crossing():
    assert calendar.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert calendar.add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)  # make-up Saturday
    assert calendar.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_workdays_between():
    # 09-28 (Sun), 09-29, 09-30, 10-09, 10-10, 10-11 (Sat)
    assert calendar.workdays_between(date(2025, 9, 26), date(2025, 10, 12)) == 6
    assert calendar.workdays_between(date(2025, 10, 12), date(2025, 9, 26)) == -6
    assert calendar.workdays_between(date(2025, 10, 3), date(2025, 10, 3)) == 0
    # 12-31, then 元旦 01-01..03 off and Sunday 01-04 a make-up workday, 01-05
    assert calendar.workdays_between(date(2025, 12, 30), date(2026, 1, 5)) == 3


def test_deadline_fires_at_midnight_of_the_sixth_working_day():
    # Submitted Friday 2025-09-26 23:30 Shanghai (15:30 UTC).
    submitted = datetime(2025, 9, 26, 23, 30, tzinfo=SHANGHAI)
    deadline = calendar.deadline_for(submitted, 5)
    assert deadline == Deadline(
        due_date=date(2025, 10, 10),
        fires_at=datetime(2025, 10, 11, 0, 0, tzinfo=SHANGHAI),
        provisional=False,
    )


def test_deadline_uses_the_shanghai_date_of_a_utc_timestamp():
    # 2025-09-26 17:00 UTC is already Saturday 01:00 in Shanghai.
    from datetime import UTC

    late = datetime(2025, 9, 26, 17, 0, tzinfo=UTC)
    assert calendar.deadline_for(late, 1).due_date == date(2025, 9, 28)
    early = datetime(2025, 9, 26, 15, 0, tzinfo=UTC)  # Friday 23:00 Shanghai
    assert calendar.deadline_for(early, 1).due_date == date(2025, 9, 28)
    assert calendar.deadline_for(early, 2).due_date == date(2025, 9, 29)


def test_december_deadline_crossing_into_2027_is_provisional():
    submitted = datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI)  # Thursday
    deadline = calendar.deadline_for(submitted, 5)
    # 12-25, 12-28, 12-29, 12-30, 12-31: still 2026 ...
    assert deadline.due_date == date(2026, 12, 31)
    # ... but it fires on the first 2027 working day after 元旦 (Friday), a provisional year.
    assert deadline.fires_at == datetime(2027, 1, 4, 0, 0, tzinfo=SHANGHAI)
    assert deadline.provisional is True
    later = calendar.deadline_for(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI), 5)
    assert later.due_date == date(2027, 1, 5)
    assert later.provisional is True
    within_2026 = calendar.deadline_for(datetime(2026, 12, 14, 10, 0, tzinfo=SHANGHAI), 5)
    assert within_2026.provisional is False


def test_remaining_workdays_uses_the_clock():
    due = date(2025, 10, 10)
    with clock.frozen(datetime(2025, 9, 30, 9, 0, tzinfo=SHANGHAI)):
        assert calendar.remaining_workdays(due) == 2  # 10-09, 10-10
    with clock.frozen(datetime(2025, 10, 10, 9, 0, tzinfo=SHANGHAI)):
        assert calendar.remaining_workdays(due) == 0  # due today
    with clock.frozen(datetime(2025, 10, 14, 9, 0, tzinfo=SHANGHAI)):
        assert calendar.remaining_workdays(due) == -3  # 10-11 (Sat), 10-13, 10-14: overdue
    assert calendar.remaining_workdays(due, today=date(2025, 10, 11)) == -1


def test_datetime_arguments_are_taken_as_shanghai_dates():
    assert calendar.is_workday(datetime(2025, 9, 30, 20, 0, tzinfo=SHANGHAI))
    from datetime import UTC

    # 2025-09-30 17:00 UTC is 10-01 01:00 in Shanghai: a holiday.
    assert not calendar.is_workday(datetime(2025, 9, 30, 17, 0, tzinfo=UTC))
