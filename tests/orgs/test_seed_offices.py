"""The loaded offices equal the seed's own table (not our JSON copy of it)."""

from pathlib import Path

import pytest
from django.conf import settings

from rencai.orgs.models import Office

SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_d7a90972dc106fd5.txt"
TABLE_TITLE = "各区人社部门引进人才对外服务联系方式"
HEADER = ["受理机构", "受理点", "地   址", "咨询电话", "办公时间"]


def seed_office_table(text: str) -> list[dict]:
    """Rows of the seed's office table (FAQ 二.2).

    In the seed's text export each cell starts on a tab-indented line; a cell's further
    lines (a second phone number, the morning and afternoon hours) follow unindented.
    """
    start = text.index(TABLE_TITLE)
    end = text.index("[bookmark", start)
    cells: list[list[str]] = []
    for line in text[start:end].splitlines()[1:]:
        if line.startswith("\t"):
            cells.append([line.strip()])
        elif line.strip():
            cells[-1].append(line.strip())
    assert [c[0] for c in cells[:5]] == HEADER, cells[:5]
    body = cells[5:]
    assert len(body) % 5 == 0
    rows = []
    for i in range(0, len(body), 5):
        office, point, address, phones, hours = body[i : i + 5]
        rows.append(
            {
                "short_name": office[0],
                "service_point": point[0],
                "address": address[0],
                "phones": phones,
                "open_days": hours[0],
                "hours_morning": hours[1],
                "hours_afternoon": hours[2],
            }
        )
    return rows


@pytest.fixture
def seed_rows():
    if not SEED.exists():
        pytest.skip(f"the original seed is not in this checkout ({SEED})")
    return seed_office_table(SEED.read_text(encoding="utf-8"))


def test_every_district_office_equals_the_seed_table(reference_data, seed_rows):
    assert len(seed_rows) == 11
    loaded = list(Office.objects.filter(kind=Office.Kind.DISTRICT_WINDOW).order_by("sort_order"))
    assert [o.short_name for o in loaded] == [r["short_name"] for r in seed_rows]  # seed order
    for office, row in zip(loaded, seed_rows, strict=True):
        assert {key: getattr(office, key) for key in row} == row, office.code
        assert office.name == f"广州市{office.district.name}人力资源和社会保障局"
        assert office.short_name == f"{office.district.name}人社局"
    # the rows the audit checked by hand
    by_name = {r["short_name"]: r for r in seed_rows}
    assert by_name["荔湾区人社局"]["phones"] == ["81376119", "81378224"]
    assert by_name["天河区人社局"]["phones"] == ["38470847", "85583630"]
    assert by_name["增城区人社局"]["phones"] == ["82731139", "82758916"]
    afternoons = {r["hours_afternoon"] for r in seed_rows}
    assert afternoons == {"下午13:00-17:00", "下午14:00-18:00"}
