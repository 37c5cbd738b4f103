"""Catalogue look-ups used by search boxes and the application form. Public reference data."""

from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils.translation import gettext

from rencai.catalog.models import AttachmentType, EducationLevel, Institution, Major, TitleSeries

SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 20
SIMILAR_LIMIT = 10


def _rank(q: str, field: str):
    return Case(
        When(**{field: q}, then=Value(0)),
        When(**{f"{field}__startswith": q}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def institution_search(*, q: str, limit: int = SEARCH_LIMIT) -> list[Institution]:
    """Active institutions whose current or former name contains `q` (exact, prefix first)."""
    q = (q or "").strip()
    if len(q) < SEARCH_MIN_CHARS:
        return []
    qs = (
        Institution.objects.filter(is_active=True)
        .filter(Q(name__contains=q) | Q(former_names__contains=q) | Q(moe_code=q))
        .annotate(rank=_rank(q, "name"), name_len=Length("name"))
        .order_by("rank", "name_len", "moe_code")
    )
    return list(qs[:limit])


def major_search(*, q: str, level: str | None = None, limit: int = SEARCH_LIMIT) -> list[Major]:
    """Active majors by name substring or code prefix (e.g. 计算机, 0809, 080901)."""
    q = (q or "").strip()
    if len(q) < SEARCH_MIN_CHARS:
        return []
    qs = Major.objects.filter(is_active=True).filter(
        Q(name__contains=q) | Q(code__istartswith=q) | Q(category__contains=q)
    )
    if level in Major.Level.values:
        qs = qs.filter(level=level)
    qs = qs.annotate(rank=_rank(q, "name"), name_len=Length("name")).order_by(
        "rank", "name_len", "code"
    )
    return list(qs[:limit])


def title_series_list() -> QuerySet[TitleSeries]:
    return TitleSeries.objects.filter(is_active=True)


def attachment_type_list() -> QuerySet[AttachmentType]:
    return AttachmentType.objects.filter(active=True)


def attachment_type_get(*, code: str) -> AttachmentType:
    return AttachmentType.objects.get(code=code)


#: The catalogue level of major that goes with a highest education (FAQ 一.8): 本科
#: graduates studied an undergraduate major, 大专 graduates a 高职专科 one. Graduate
#: degrees have no catalogue of their own here: any level.
MAJOR_LEVEL_FOR_EDUCATION = {
    EducationLevel.BACHELOR: Major.Level.UNDERGRADUATE,
    EducationLevel.COLLEGE: Major.Level.VOCATIONAL,
}


def major_level_for(education_level: str | None) -> str | None:
    return MAJOR_LEVEL_FOR_EDUCATION.get(education_level or "")


def major_level_mismatch(*, education_level: str | None, major: Major | None) -> str | None:
    """The warning when the major's catalogue level does not go with the education."""
    expected = major_level_for(education_level)
    if major is None or expected is None or major.level == expected:
        return None
    return gettext(
        "专业：“%(major)s”属于%(level)s专业目录，与最高学历“%(education)s”不符。请选择%(expected)s"
        "专业；如毕业证书上的专业确属该层次，请勾选下方的确认后再保存。"
    ) % {
        "major": major.name,
        "level": Major.Level(major.level).label,
        "education": EducationLevel(education_level).label,
        "expected": Major.Level(expected).label,
    }


# --- a school or major about to be added ("是否是以下院校/专业？") ---------------------------


def institution_similar(*, name: str) -> list[Institution]:
    """Active institutions whose name resembles `name`."""
    found = {i.pk: i for i in institution_search(q=name, limit=SIMILAR_LIMIT)}
    core = re.sub(r"(大学|学院|学校|职业技术学院|职业学院|高等专科学校)$", "", name)
    queries = [core] if len(core) >= 2 and core != name else []
    if (cut := name.find("大学")) >= 2 and cut + 2 < len(name):
        queries.append(name[: cut + 2])  # 某某大学城市学院 → 某某大学
    for q in queries:
        for i in institution_search(q=q, limit=SIMILAR_LIMIT):
            found.setdefault(i.pk, i)
    return list(found.values())[:SIMILAR_LIMIT]


def major_similar(*, name: str, level: str) -> list[Major]:
    """Active majors of `level` whose name resembles `name`."""
    found = {m.pk: m for m in major_search(q=name, level=level, limit=SIMILAR_LIMIT)}
    core = re.sub(r"(专业|技术|工程)$", "", name)
    if len(core) >= 2 and core != name:
        for m in major_search(q=core, level=level, limit=SIMILAR_LIMIT):
            found.setdefault(m.pk, m)
    return list(found.values())[:SIMILAR_LIMIT]
