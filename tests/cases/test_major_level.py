"""Issue #11: a 本科 applicant's major search lists 本科 majors only; the others on request,
with a warning; a major of another level is refused unless the applicant confirms it."""

from __future__ import annotations

import re

import pytest

from rencai.cases.models import Case
from rencai.catalog.models import Major
from rencai.catalog.reference import catalog_load
from tests.cases.factories import new_case


@pytest.fixture
def education_case(world):
    catalog_load()
    case = new_case(world, attach=False)
    Case.objects.filter(pk=case.pk).update(category="education")
    return case


def _search(client, case, **extra):
    data = {"section": "details", "education_level": "bachelor", "major_q": "计算机",
            "major_search": "1", **extra}  # fmt: skip
    response = client.post(f"/cases/{case.number}/edit/", data)
    assert response.status_code == 200
    page = response.content.decode()
    codes = re.findall(r'name="major" value="(\d+)"', page)  # the results (none chosen)
    return page, [Major.objects.get(pk=int(pk)) for pk in codes]


def test_bachelor_sees_undergraduate_majors_only_then_others_with_a_warning(
    client, world, education_case
):
    client.force_login(world.applicant)
    page, majors = _search(client, education_case)
    assert majors and {m.level for m in majors} == {"undergraduate"}
    assert "显示其他层次的专业" in page and "只列出了本科专业" in page
    assert "层次不符" not in page

    page, majors = _search(client, education_case, major_all_levels="1")
    levels = [m.level for m in majors]
    assert "vocational" in levels
    assert levels == sorted(levels, key=lambda level: level != "undergraduate")  # own first
    assert "也列出了其他层次的专业" in page and "层次不符" in page


def test_a_major_of_another_level_is_refused_unless_confirmed(client, world, education_case):
    client.force_login(world.applicant)
    vocational = Major.objects.filter(level="vocational", name__contains="计算机").first()
    undergraduate = Major.objects.get(code="080901")
    url = f"/cases/{education_case.number}/edit/"
    details = {"section": "details", "education_level": "bachelor"}

    response = client.post(url, {**details, "major": vocational.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "属于高职专科专业目录，与最高学历“本科”不符" in page
    assert 'name="major_level_confirmed"' in page  # offered only now
    education_case.refresh_from_db()
    assert education_case.major_id is None

    response = client.post(url, {**details, "major": vocational.pk, "major_level_confirmed": "on"})
    assert response.status_code == 302
    education_case.refresh_from_db()
    assert education_case.major_id == vocational.pk

    response = client.post(url, {**details, "major": undergraduate.pk})
    assert response.status_code == 302
    education_case.refresh_from_db()
    assert education_case.major_id == undergraduate.pk
    page = client.get(url).content.decode()
    assert 'name="major_level_confirmed"' not in page  # not offered without a mismatch
