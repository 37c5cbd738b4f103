"""The provisional calendar for years the package does not know (2027 with chinesecalendar 1.11.0)."""

from datetime import date, datetime

import chinese_calendar
import pytest

from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.workdays import calendar, statutory
from rencai.workdays.checks import check_official_schedule_loaded
from rencai.workdays.selectors import provisional_years_ahead


def test_package_stops_at_2026():
    # If this fails the package was upgraded: move the provisional examples a year on.
    assert statutory.PACKAGE_LAST_YEAR == 2026
    assert not statutory.package_covers(2027)


def test_2027_core_holidays_are_computed():
    core = statutory.core_holidays(2027)
    expected = {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节",  # 除夕
        date(2027, 2, 6): "春节",  # 正月初一
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",  # 初三
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }
    assert core == expected


def test_qingming_agrees_with_the_packages_solar_term_formula():
    for year in (2027, 2028, 2029, 2030):
        terms = dict(
            (name, day)
            for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        )
        assert {d for d, n in statutory.core_holidays(year).items() if n == "清明节"} == {
            terms["清明"]
        }


def test_core_holidays_match_the_package_in_years_it_covers():
    # Same law (2025 revision): every computed core holiday is a day off in the real schedule.
    for year in (2025, 2026):
        for day in statutory.core_holidays(year):
            assert not chinese_calendar.is_workday(day), day


def test_mid_autumn_on_national_day_2028_adds_no_day():
    core = statutory.core_holidays(2028)
    assert core[date(2028, 10, 3)] == "中秋节"
    assert len(core) == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day",
    [
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 4, 5),
        date(2027, 6, 9),
        date(2027, 9, 15),
        date(2027, 10, 1),
    ],
)
def test_2027_weekday_holidays_are_days_off(day):
    assert day.weekday() < 5
    assert not calendar.is_workday(day)


@pytest.mark.django_db
def test_2027_spring_festival_deadline_is_provisional_and_skips_the_holiday():
    # Wednesday 2027-02-03: 02-04, (02-05..02-08 off), 02-09, 02-10, 02-11, 02-12.
    deadline = calendar.deadline_for(datetime(2027, 2, 3, 9, 0, tzinfo=SHANGHAI), 5)
    assert deadline.due_date == date(2027, 2, 12)
    assert deadline.fires_at == datetime(2027, 2, 15, 0, 0, tzinfo=SHANGHAI)
    assert deadline.provisional


@pytest.mark.django_db
def test_provisional_years_ahead_looks_90_days_ahead():
    assert provisional_years_ahead(today=date(2026, 10, 2)) == []
    assert provisional_years_ahead(today=date(2026, 10, 3)) == [2027]


@pytest.mark.django_db
def test_system_check_asks_to_load_the_schedule():
    with clock.frozen(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)):
        warnings = check_official_schedule_loaded()
    assert [w.id for w in warnings] == ["workdays.W001"]
    assert "请加载2027年国务院节假日安排" in warnings[0].msg
    with clock.frozen(datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)):
        assert check_official_schedule_loaded() == []
