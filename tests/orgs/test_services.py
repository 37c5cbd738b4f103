import pytest

from rencai.core.errors import Conflict, DomainError
from rencai.orgs.models import District, Office, Unit, UnitNameHistory
from rencai.orgs.names import name_grams, names_text, normalize_name, pinyin_initials
from rencai.orgs.services import unit_create, unit_rename

from .conftest import make_code

pytestmark = pytest.mark.django_db


def test_city_unit_needs_supervisory_department(reference_data):
    district = District.objects.get(name="越秀区")
    with pytest.raises(DomainError) as exc:
        unit_create(
            name="广州市某市属事业单位",
            code=make_code(prefix="12"),
            nature=Unit.Nature.INSTITUTION,
            level=Unit.Level.CITY,
            district=district,
        )
    assert exc.value.field == "supervisory_office"
    window = Office.objects.filter(kind=Office.Kind.DISTRICT_WINDOW).first()
    with pytest.raises(DomainError):
        unit_create(
            name="广州市某市属事业单位",
            code=make_code(prefix="12"),
            nature=Unit.Nature.INSTITUTION,
            level=Unit.Level.CITY,
            district=district,
            supervisory_office=window,  # not a supervisory department
        )


def test_create_refuses_bad_and_duplicate_codes(make_unit):
    unit = make_unit("广州市代码测试有限公司")
    with pytest.raises(Conflict):
        make_unit("另一个名称有限公司", code=unit.code.lower())
    with pytest.raises(DomainError) as exc:
        make_unit(
            "校验位错误有限公司", code=unit.code[:-1] + ("0" if unit.code[-1] != "0" else "1")
        )
    assert "统一社会信用代码校验位错误" in exc.value.message and exc.value.field == "code"


def test_rename_keeps_identity_and_history(make_unit):
    unit = make_unit("广州市甲旧名有限公司")
    unit_rename(unit=unit, new_name="广州市乙新名有限公司")
    unit_rename(unit=unit, new_name="广州市丙最新有限公司")
    unit.refresh_from_db()
    assert unit.name == "广州市丙最新有限公司"
    assert set(UnitNameHistory.objects.filter(unit=unit).values_list("name", flat=True)) == {
        "广州市甲旧名有限公司",
        "广州市乙新名有限公司",
    }
    assert unit.name_pinyin_initials == pinyin_initials("广州市丙最新有限公司")
    assert "甲旧" in unit.search_grams and "乙新" in unit.search_grams
    with pytest.raises(DomainError):
        unit_rename(unit=unit, new_name="广州市丙最新有限公司")


def test_search_keys():
    assert normalize_name("华盛电子（广州）有限公司 ") == "华盛电子广州有限公司"
    assert name_grams(["广州市人社局"]) == " 广州 州市 市人 人社 社局 "
    assert name_grams(["甲乙", "丙丁"]) == " 甲乙 qqq 丙丁 "
    assert names_text(["广州（集团）", "TCL科技"]) == "广州集团 tcl科技"
    assert pinyin_initials("广州市人社局") == "gzsrsj"
    assert pinyin_initials("中国银行广州分行").startswith("zgyh")
    assert pinyin_initials("广州市番禺区").startswith("gzspy")  # 番禺 = pān yú
    assert pinyin_initials("广州会计服务有限公司").startswith("gzkj")  # 会计 = kuài jì


def test_plain_orm_writes_stay_searchable(reference_data):
    """Demo data and factories create units with the ORM; save() keeps the keys."""
    from rencai.orgs.selectors import unit_search

    unit = Unit.objects.create(
        name="广州示范直写科技有限公司",
        code=make_code(),
        nature=Unit.Nature.PRIVATE,
        level=Unit.Level.DISTRICT,
        district=District.objects.get(name="天河区"),
    )
    assert unit_search(q="直写").results[0].unit == unit
    assert unit_search(q="gzsfzx").results[0].unit == unit
    unit.name = "广州示范改写科技有限公司"
    unit.save(update_fields=["name"])
    assert unit_search(q="改写").results[0].unit == unit
    assert unit_search(q="直写").results == []
