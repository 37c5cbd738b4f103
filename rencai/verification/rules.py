"""Eligibility pre-check: evaluate a category's declarative rules against the facts of a
case. Pure functions of (rule kind, value, facts) so they are table-tested; each answer
is met / not met / cannot tell yet, with the reason in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
EDUCATION_ORDER = ["junior", "senior", "college", "bachelor", "master", "doctor"]
TITLE_ORDER = ["初级", "中级", "副高级", "正高级"]
SKILL_ORDER = ["五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师"]


@dataclass(frozen=True)
class Facts:
    education_level: str = ""
    birth_date: date | None = None
    on: date | None = None  # the day of submission (or today, before it)
    qualification_level: str = ""
    si_months: int | None = None  # None: not known yet (no answer from the source)
    unit_nature: str = ""


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str


def _level(order: list[str], value: str) -> int | None:
    return order.index(value) if value in order else None


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def evaluate(kind: str, value: str, facts: Facts) -> Outcome:
    from rencai.catalog.models import EducationLevel
    from rencai.orgs.models import Unit

    value = value.strip()
    if kind == "education_min":
        labels = dict(EducationLevel.choices)
        need = _level(EDUCATION_ORDER, value)
        have = _level(EDUCATION_ORDER, facts.education_level)
        if have is None:
            return Outcome(UNKNOWN, _("尚未填写最高学历"))
        if need is None or have >= need:
            return Outcome(MET, _("最高学历%(have)s，符合%(need)s及以上") % {
                "have": labels[facts.education_level], "need": labels.get(value, value)})  # fmt: skip
        return Outcome(NOT_MET, _("最高学历为%(have)s，须%(need)s及以上") % {
            "have": labels[facts.education_level], "need": labels.get(value, value)})  # fmt: skip
    if kind == "age_max":
        if facts.birth_date is None or facts.on is None:
            return Outcome(UNKNOWN, _("无法从身份证号码确定出生日期"))
        age = age_on(facts.birth_date, facts.on)
        limit = int(value)
        if age <= limit:
            return Outcome(MET, _("送审时%(age)s周岁，不超过%(limit)s周岁") % {
                "age": age, "limit": limit})  # fmt: skip
        return Outcome(NOT_MET, _("送审时%(age)s周岁，超过%(limit)s周岁") % {
            "age": age, "limit": limit})  # fmt: skip
    if kind in ("title_min", "skill_min"):
        order = TITLE_ORDER if kind == "title_min" else SKILL_ORDER
        have = _level(order, facts.qualification_level)
        need = _level(order, value)
        if have is None:
            return Outcome(UNKNOWN, _("尚未填写资格级别"))
        if need is None or have >= need:
            return Outcome(MET, _("%(have)s，符合%(need)s及以上") % {
                "have": facts.qualification_level, "need": value})  # fmt: skip
        return Outcome(NOT_MET, _("%(have)s，须%(need)s及以上") % {
            "have": facts.qualification_level, "need": value})  # fmt: skip
    if kind == "si_months_min":
        need = int(value)
        if facts.si_months is None:
            return Outcome(UNKNOWN, _("社保缴费月数尚待数据核验"))
        if facts.si_months >= need:
            return Outcome(MET, _("在引进单位缴纳社保%(have)s个月，满%(need)s个月") % {
                "have": facts.si_months, "need": need})  # fmt: skip
        return Outcome(NOT_MET, _("在引进单位缴纳社保%(have)s个月，不足%(need)s个月") % {
            "have": facts.si_months, "need": need})  # fmt: skip
    if kind == "unit_nature_in":
        allowed = [v.strip() for v in value.split(",") if v.strip()]
        labels = dict(Unit.Nature.choices)
        names = "、".join(str(labels.get(v, v)) for v in allowed)
        if not facts.unit_nature:
            return Outcome(UNKNOWN, _("尚未选择引进单位"))
        have = str(labels.get(facts.unit_nature, facts.unit_nature))
        if facts.unit_nature in allowed:
            return Outcome(MET, _("引进单位性质为%(have)s") % {"have": have})
        return Outcome(NOT_MET, _("引进单位性质为%(have)s，限于%(names)s") % {
            "have": have, "names": names})  # fmt: skip
    return Outcome(UNKNOWN, _("未知的条件类型"))
