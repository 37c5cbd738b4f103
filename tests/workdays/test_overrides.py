"""Admin overrides win over the package and the provisional calendar; the cache follows them."""

from datetime import date, timedelta

import pytest
from django.db import transaction

from rencai.audit.models import AuditEvent
from rencai.core.errors import DomainError
from rencai.workdays import calendar
from rencai.workdays.models import OfficialYear, WorkdayOverride
from rencai.workdays.services import (
    official_year_mark,
    official_years_sync,
    workday_override_delete,
    workday_override_set,
)

pytestmark = pytest.mark.django_db


def test_override_turns_a_package_weekday_into_a_day_off():
    day = date(2026, 3, 10)  # an ordinary Tuesday
    assert calendar.is_workday(day)
    workday_override_set(day=day, is_workday=False, note="台风停工")
    assert not calendar.is_workday(day)
    assert calendar.add_workdays(date(2026, 3, 9), 1) == date(2026, 3, 11)


def test_override_adds_a_make_up_saturday_in_a_provisional_year():
    day = date(2027, 2, 20)  # Saturday
    assert not calendar.is_workday(day)
    workday_override_set(day=day, is_workday=True, note="春节调休上班")
    assert calendar.is_workday(day)
    assert calendar.deadline_for(date(2027, 2, 19), 1).due_date == day


def test_deleting_an_override_restores_the_base_day():
    day = date(2026, 3, 10)
    override = workday_override_set(day=day, is_workday=False)
    workday_override_delete(override=override)
    assert calendar.is_workday(day)
    assert [e.event for e in AuditEvent.objects.order_by("id")] == [
        "workdays.override_set",
        "workdays.override_delete",
    ]


def test_plain_orm_writes_also_invalidate_the_cache():
    day = date(2026, 3, 11)
    assert calendar.is_workday(day)
    WorkdayOverride.objects.create(date=day, is_workday=False)
    assert not calendar.is_workday(day)
    WorkdayOverride.objects.filter(date=day).update(is_workday=True)
    assert calendar.is_workday(day)
    WorkdayOverride.objects.filter(date=day).delete()
    OfficialYear.objects.create(year=2027, source="admin")
    assert not calendar.is_provisional_year(2027)


@pytest.mark.parametrize("day", [date(2025, 10, 1), date(2026, 2, 17), date(2027, 2, 5)])
def test_a_statutory_holiday_can_never_become_a_workday(day):
    with pytest.raises(DomainError, match="法定节假日"):
        workday_override_set(day=day, is_workday=True)
    assert not calendar.is_workday(day)
    assert not WorkdayOverride.objects.exists()


def test_marking_a_year_official_clears_the_provisional_flag_but_keeps_core_holidays():
    assert calendar.deadline_for(date(2027, 3, 1), 5).provisional
    official_year_mark(year=2027, source=OfficialYear.Source.ADMIN)
    deadline = calendar.deadline_for(date(2027, 3, 1), 5)
    assert not deadline.provisional
    assert not calendar.is_workday(date(2027, 2, 5))  # 除夕 stays a holiday


def test_snapshot_is_reused_until_something_changes(django_assert_num_queries):
    first = calendar.snapshot()
    with django_assert_num_queries(1):  # the revision token only
        assert calendar.snapshot() is first
    workday_override_set(day=date(2026, 3, 12), is_workday=False)
    assert calendar.snapshot() is not first
    cal = calendar.snapshot()
    with django_assert_num_queries(0):
        for offset in range(200):
            cal.deadline_for(date(2026, 12, 1), offset % 20)


def test_pinned_block_makes_no_queries(django_assert_num_queries):
    calendar.snapshot()
    with calendar.pinned(), django_assert_num_queries(0):
        for offset in range(50):
            calendar.deadline_for(date(2026, 12, 1) + timedelta(days=offset), 5)
            calendar.is_workday(date(2027, 2, 5))
    with django_assert_num_queries(1):
        calendar.is_workday(date(2027, 2, 5))


def test_a_rolled_back_change_is_not_seen_afterwards():
    day = date(2026, 3, 13)
    with pytest.raises(RuntimeError), transaction.atomic():
        workday_override_set(day=day, is_workday=False)
        assert not calendar.is_workday(day)
        raise RuntimeError("roll back")
    assert calendar.is_workday(day)


def test_reference_loader_records_package_years():
    summary = official_years_sync()
    assert "2004–2026" in summary
    assert OfficialYear.objects.filter(source=OfficialYear.Source.PACKAGE).count() == 23
    assert calendar.is_provisional_year(2027)
    assert "新记录 0 个" in official_years_sync()
