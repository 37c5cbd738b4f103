"""`rencai load-holidays FILE.csv` through call_command, and provisional deadlines recomputed."""

from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models

from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.workdays import calendar
from rencai.workdays.models import OfficialYear, WorkdayOverride
from rencai.workdays.registry import (
    deadline_holders,
    register_deadline_holder,
    unregister_deadline_holder,
)
from rencai.workdays.services import provisional_deadlines_recompute

# A made-up 2027 schedule in the State Council's usual shape (the real one is not out yet):
# 春节 02-05..02-11 off with make-up days Sunday 01-31 and Saturday 02-20.
SCHEDULE_2027 = """date,is_workday,note
2027-01-01,0,元旦
2027-01-31,1,春节调休上班
2027-02-05,0,春节
2027-02-06,0,春节
2027-02-07,0,春节
2027-02-08,0,春节
2027-02-09,0,春节
2027-02-10,0,春节
2027-02-11,0,春节
2027-02-20,是,春节调休上班
2027-10-01,0,国庆节
2027-10-02,0,国庆节
2027-10-03,0,国庆节
2027-10-04,0,国庆节
2027-10-05,休,国庆节
"""


class Holder(models.Model):
    """A stand-in for a case that stores a deadline (not an installed app: no migrations)."""

    started_at = models.DateTimeField()
    workdays = models.PositiveSmallIntegerField(default=5)
    due_date = models.DateField(null=True)
    fires_at = models.DateTimeField(null=True)
    provisional = models.BooleanField(default=False)

    class Meta:
        app_label = "workdays_tests"
        db_table = "workdays_tests_holder"

    def __str__(self) -> str:
        return f"holder {self.pk}"


@pytest.fixture(scope="module")
def holder_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(Holder)
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.delete_model(Holder)


@pytest.fixture
def holder(holder_table, db):
    """Holder registered for recomputes; yields the list its on_change hook fills."""
    changes = []
    registered = register_deadline_holder(
        Holder,
        due_field="due_date",
        fires_field="fires_at",
        provisional_field="provisional",
        start_field="started_at",
        workdays_field="workdays",
        on_change=lambda obj, old_due, old_fires, new: changes.append((obj.pk, old_due, new)),
    )
    try:
        with clock.frozen(datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI)):
            yield changes
    finally:
        unregister_deadline_holder(registered)


def make(start: datetime, n: int = 5) -> Holder:
    d = calendar.deadline_for(start, n)
    return Holder.objects.create(
        started_at=start,
        workdays=n,
        due_date=d.due_date,
        fires_at=d.fires_at,
        provisional=d.provisional,
    )


@pytest.fixture
def schedule_file(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_load_holidays_marks_the_year_official(schedule_file, capsys):
    assert calendar.is_workday(date(2027, 2, 9))
    call_command("load_holidays", str(schedule_file))
    out = capsys.readouterr().out
    assert "已加载2027年国务院节假日安排：新增 15 条" in out
    assert OfficialYear.objects.get(year=2027).source == OfficialYear.Source.IMPORT
    assert WorkdayOverride.objects.filter(date__year=2027).count() == 15
    assert not calendar.is_workday(date(2027, 2, 9))
    assert calendar.is_workday(date(2027, 1, 31))
    assert calendar.is_workday(date(2027, 2, 20))
    assert not calendar.is_workday(date(2027, 4, 5))  # 清明 kept although not in the file
    assert not calendar.deadline_for(date(2027, 3, 1), 5).provisional
    # Loading the same file again changes nothing.
    call_command("load_holidays", str(schedule_file))
    assert "新增 0 条，更新 0 条" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-20,1,x\n2028-01-01,0,元旦\n", "一次只能加载一个年份"),
        ("2027-02-20,maybe,x\n", "第1行"),
        ("date,is_workday\n2027-13-01,1\n", "第2行"),
        ("2027-02-06,1,春节上班？\n", "法定节假日（春节）"),
        ("2027-02-20,1\n2027-02-20,0\n", "重复"),
        ("date,is_workday,note\n", "没有任何日期"),
    ],
)
def test_load_holidays_refuses_bad_files(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_holidays", str(path))
    assert not WorkdayOverride.objects.exists()
    assert not OfficialYear.objects.exists()


@pytest.mark.django_db
def test_load_holidays_checks_the_year_option(schedule_file):
    with pytest.raises(CommandError, match="2027"):
        call_command("load_holidays", str(schedule_file), year=2028)


def test_recompute_moves_later_never_earlier(holder, schedule_file):
    later = make(datetime(2027, 2, 4, 10, 0, tzinfo=SHANGHAI))  # Thursday before 春节
    earlier = make(datetime(2027, 2, 16, 10, 0, tzinfo=SHANGHAI))  # before make-up Sat 02-20
    settled = make(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))  # all in 2026: official
    assert (later.due_date, later.provisional) == (date(2027, 2, 15), True)
    assert (earlier.due_date, earlier.provisional) == (date(2027, 2, 23), True)
    assert not settled.provisional

    call_command("load_holidays", str(schedule_file))

    later.refresh_from_db()
    earlier.refresh_from_db()
    # Official: 02-12, 02-15, 02-16, 02-17, 02-18 -> later than told: moved.
    assert later.due_date == date(2027, 2, 18)
    assert later.fires_at == datetime(2027, 2, 19, 0, 0, tzinfo=SHANGHAI)
    assert not later.provisional
    # Official would be 02-22 (the make-up Saturday counts): the told 02-23 is kept.
    assert calendar.deadline_for(earlier.started_at, 5).due_date == date(2027, 2, 22)
    assert earlier.due_date == date(2027, 2, 23)
    assert earlier.fires_at == datetime(2027, 2, 24, 0, 0, tzinfo=SHANGHAI)
    assert not earlier.provisional
    assert holder == [
        (
            later.pk,
            date(2027, 2, 15),
            calendar.Deadline(
                date(2027, 2, 18), datetime(2027, 2, 19, 0, 0, tzinfo=SHANGHAI), False
            ),
        )
    ]
    assert provisional_deadlines_recompute() == 0


def test_recompute_leaves_fired_deadlines_alone(holder):
    fired = make(datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI), n=1)
    fired.provisional = True  # pretend; it fired before today (clock is 2026-12-15)
    fired.save()
    assert provisional_deadlines_recompute() == 0


def test_admin_override_save_recomputes(holder, admin_client):
    row = make(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI))  # Mon: due Mon 03-08
    assert row.due_date == date(2027, 3, 8)
    response = admin_client.post(
        "/admin/workdays/workdayoverride/add/",
        {"date": "2027-03-03", "is_workday": "", "note": "临时停工"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.due_date == date(2027, 3, 9)
    assert row.provisional


def test_registration_is_idempotent(holder):
    register_deadline_holder(Holder, "due_date", "fires_at", "provisional", "started_at", 5)
    assert [h.model for h in deadline_holders()].count(Holder) == 1
    with pytest.raises(Exception, match="no_such_field"):
        register_deadline_holder(Holder, "no_such_field", "fires_at", "provisional", "x", 5)
