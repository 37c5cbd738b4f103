"""The calendar's admin pages: provisional warning, statutory-holiday refusal next to the field."""

from datetime import date, datetime

import pytest

from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.workdays import calendar
from rencai.workdays.models import OfficialYear, WorkdayOverride

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/admin/workdays/workdayoverride/", "/admin/workdays/officialyear/"]
)
def test_changelists_warn_about_the_coming_provisional_year(admin_client, url):
    with clock.frozen(datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)):
        page = admin_client.get(url).content.decode()
    assert "请加载2027年国务院节假日安排" in page
    with clock.frozen(datetime(2026, 5, 20, 9, 0, tzinfo=SHANGHAI)):
        assert "国务院节假日安排" not in admin_client.get(url).content.decode()


def test_admin_refuses_a_statutory_holiday_as_workday(admin_client):
    response = admin_client.post(
        "/admin/workdays/workdayoverride/add/",
        {"date": "2027-02-06", "is_workday": "on", "note": "初一上班"},
    )
    assert response.status_code == 400  # a form re-rendered with errors
    assert "法定节假日（春节）" in response.content.decode()
    assert not WorkdayOverride.objects.exists()


def test_admin_marks_a_year_official(admin_client):
    response = admin_client.post(
        "/admin/workdays/officialyear/add/", {"year": "2027", "source": "admin", "note": "已录入"}
    )
    assert response.status_code == 302
    assert OfficialYear.objects.get(year=2027).source == "admin"
    assert not calendar.is_provisional_year(2027)


def test_admin_edit_and_delete_go_through_services(admin_client):
    override = WorkdayOverride.objects.create(date=date(2026, 3, 10), is_workday=False)
    response = admin_client.post(
        f"/admin/workdays/workdayoverride/{override.pk}/change/",
        {"is_workday": "on", "note": "恢复上班"},
    )
    assert response.status_code == 302
    assert calendar.is_workday(date(2026, 3, 10))
    response = admin_client.post(
        f"/admin/workdays/workdayoverride/{override.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
