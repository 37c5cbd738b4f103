from datetime import datetime

import pytest
from django.urls import reverse

from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.helpdesk.selectors import office_directory, phone_links
from rencai.orgs.models import Office


def _rows(client):
    body = client.get(reverse("helpdesk:directory")).content.decode()
    return body, body.split('class="office-row"')[1:]


def test_phone_links_add_the_guangzhou_area_code():
    assert [(p.display, p.tel) for p in phone_links(["37631711", " 86894782 ", "12333", ""])] == [
        ("020-37631711", "tel:02037631711"),
        ("020-86894782", "tel:02086894782"),
        ("12333", "tel:12333"),
    ]


def test_directory_lists_all_11_district_windows_in_seed_order(reference_data, client):
    body, rows = _rows(client)
    districts = list(Office.objects.filter(kind="district").order_by("sort_order"))
    assert len(districts) == 11
    positions = [body.index(f'data-office="{o.code}"') for o in districts]
    assert positions == sorted(positions)
    assert body.index('data-office="city-hrss"') > positions[-1]
    assert body.index('data-office="data-centre"') > body.index('data-office="city-hrss"')
    for office in districts:
        assert office.service_point in body
        assert office.address in body
        for phone in office.phones:
            assert f'href="tel:020{phone}"' in body
    assert 'href="tel:02081376119"' in body and 'href="tel:02081378224"' in body  # 荔湾 has two
    assert 'data-label="咨询电话"' in body  # stacked on narrow screens
    assert "上午9:00-12:00" in body and "下午14:00-18:00" in body


def test_directory_on_a_statutory_holiday(reference_data, client):
    with clock.frozen(datetime(2025, 10, 1, 10, 0, tzinfo=SHANGHAI)):
        body, rows = _rows(client)
    assert len(rows) == 13
    assert all("今日休息（法定节假日）" in row for row in rows)
    assert "办公中" not in body


def test_directory_on_a_make_up_sunday(reference_data, client):
    # 2025-09-28 is a Sunday worked in exchange for the National Day holiday.
    with clock.frozen(datetime(2025, 9, 28, 10, 0, tzinfo=SHANGHAI)):
        body, rows = _rows(client)
    district_rows = [r for r in rows if 'data-office="district-' in r]
    assert len(district_rows) == 11
    assert all("办公中" in row for row in district_rows)
    assert "今日休息" not in body


def test_open_closed_by_each_office_hours(reference_data):
    def state(at, code):
        with clock.frozen(at):
            return next(r for r in office_directory() if r.office.code == code).state

    yuexiu, haizhu = "district-440104", "district-440105"  # 13:00-17:00 and 14:00-18:00
    assert state(datetime(2025, 9, 28, 17, 30, tzinfo=SHANGHAI), yuexiu) == "已下班"
    assert state(datetime(2025, 9, 28, 17, 30, tzinfo=SHANGHAI), haizhu) == "办公中"
    assert state(datetime(2025, 9, 28, 13, 30, tzinfo=SHANGHAI), haizhu) == "午间休息（14:00恢复）"
    assert (
        state(datetime(2025, 9, 28, 8, 30, tzinfo=SHANGHAI), yuexiu) == "未到办公时间（9:00开始）"
    )
    # an ordinary Saturday and the hour boundary at noon
    assert state(datetime(2025, 9, 27, 10, 0, tzinfo=SHANGHAI), yuexiu) == "今日休息（周末）"
    assert state(datetime(2025, 9, 29, 12, 0, tzinfo=SHANGHAI), yuexiu) == "午间休息（13:00恢复）"
    # a UTC clock is read in Shanghai time: 02:00Z is 10:00 in Guangzhou
    from datetime import UTC

    assert state(datetime(2025, 9, 29, 2, 0, tzinfo=UTC), yuexiu) == "办公中"


@pytest.mark.django_db
def test_directory_without_offices_still_renders(client):
    assert client.get(reverse("helpdesk:directory")).status_code == 200
