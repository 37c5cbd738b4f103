"""Eligibility rules, table-driven, plus invariants with hypothesis."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rencai.verification.rules import (
    EDUCATION_ORDER,
    MET,
    NOT_MET,
    SKILL_ORDER,
    TITLE_ORDER,
    UNKNOWN,
    Facts,
    age_on,
    evaluate,
)

ON = date(2026, 12, 1)

TABLE = [
    # kind, value, facts, status, words in the reason
    ("education_min", "bachelor", Facts(education_level="master"), MET, "硕士研究生"),
    ("education_min", "bachelor", Facts(education_level="bachelor"), MET, "本科"),
    ("education_min", "bachelor", Facts(education_level="college"), NOT_MET, "须本科及以上"),
    ("education_min", "bachelor", Facts(), UNKNOWN, "尚未填写最高学历"),
    ("age_max", "45", Facts(birth_date=date(1981, 12, 2), on=ON), MET, "44周岁"),
    ("age_max", "45", Facts(birth_date=date(1981, 12, 1), on=ON), MET, "45周岁"),
    ("age_max", "45", Facts(birth_date=date(1980, 12, 1), on=ON), NOT_MET, "超过45周岁"),
    ("age_max", "45", Facts(on=ON), UNKNOWN, "出生日期"),
    ("title_min", "中级", Facts(qualification_level="副高级"), MET, "副高级"),
    ("title_min", "中级", Facts(qualification_level="初级"), NOT_MET, "须中级及以上"),
    ("title_min", "中级", Facts(), UNKNOWN, "资格级别"),
    ("skill_min", "三级/高级工", Facts(qualification_level="二级/技师"), MET, "二级/技师"),
    (
        "skill_min",
        "三级/高级工",
        Facts(qualification_level="四级/中级工"),
        NOT_MET,
        "须三级/高级工",
    ),
    ("si_months_min", "6", Facts(si_months=6), MET, "满6个月"),
    ("si_months_min", "6", Facts(si_months=3), NOT_MET, "3个月，不足6个月"),
    ("si_months_min", "6", Facts(si_months=0), NOT_MET, "不足6个月"),
    ("si_months_min", "6", Facts(), UNKNOWN, "尚待数据核验"),
    ("unit_nature_in", "institution,city_soe", Facts(unit_nature="city_soe"), MET, "市属国有企业"),
    ("unit_nature_in", "institution,city_soe", Facts(unit_nature="private"), NOT_MET, "限于"),
    ("unit_nature_in", "institution", Facts(), UNKNOWN, "尚未选择引进单位"),
]


@pytest.mark.parametrize(("kind", "value", "facts", "status", "words"), TABLE)
def test_each_rule_answers_with_its_reason(kind, value, facts, status, words):
    from rencai.orgs.models import Unit

    if kind == "unit_nature_in" and words == "市属国有企业":
        words = str(Unit.Nature.CITY_SOE.label)
    outcome = evaluate(kind, value, facts)
    assert outcome.status == status
    assert words in outcome.reason


@given(
    st.dates(date(1940, 1, 1), date(2010, 12, 31)), st.dates(date(2020, 1, 1), date(2040, 12, 31))
)
def test_age_is_whole_years_and_never_decreases(birth, on):
    age = age_on(birth, on)
    assert age == age_on(birth, on)
    assert age_on(birth, on.replace(day=1) if on.day > 1 else on) <= age
    assert age <= on.year - birth.year


@given(st.integers(0, 600), st.integers(0, 120))
def test_months_rule_is_a_threshold(months, need):
    outcome = evaluate("si_months_min", str(need), Facts(si_months=months))
    assert outcome.status == (MET if months >= need else NOT_MET)


@pytest.mark.parametrize(
    ("kind", "order"),
    [("education_min", EDUCATION_ORDER), ("title_min", TITLE_ORDER), ("skill_min", SKILL_ORDER)],
)
@given(data=st.data())
def test_level_rules_are_monotonic(kind, order, data):
    need = data.draw(st.sampled_from(order))
    have = data.draw(st.sampled_from(order))
    field = "education_level" if kind == "education_min" else "qualification_level"
    outcome = evaluate(kind, need, Facts(**{field: have}))
    assert outcome.status == (MET if order.index(have) >= order.index(need) else NOT_MET)


def test_ocr_compare_flags_a_name_or_number_missing_from_the_image():
    from rencai.verification.ocr import compare

    lines = ["普通高等学校", "毕业证书", "学生 毕业生甲", "证书编号：D2024000001"]
    assert compare(lines, name="毕业生甲", number="D2024000001") == []
    problems = compare(lines, name="别人", number="D9")
    assert len(problems) == 2 and "别人" in problems[0] and "D9" in problems[1]


def test_without_an_ocr_library_the_pre_review_is_simply_off(settings):
    from rencai.verification import ocr

    settings.RENCAI_OCR_BACKEND = ""
    assert ocr.backend() is None
