import csv
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from rencai.catalog.models import (
    AttachmentType,
    EducationLevel,
    Institution,
    Major,
    TitleSeries,
    education_needs_catalogue_school,
)
from rencai.catalog.reference import DATA, INSTITUTIONS_CSV, catalog_load

SEED_SERIES = [
    "高等学校教师",
    "中等专业学校教师",
    "中小学（幼儿园）教师",
    "实验技术人员",
    "自然学研究人员",
    "社会科学研究人员",
    "技工学校教师",
    "工程技术人员",
    "经济专业人员",
    "会计专业人员",
    "统计专业人员",
    "农业技术人员",
    "卫生技术人员",
    "新闻专业人员",
    "体育教练员",
    "翻译",
    "广播电视播音",
    "出版专业人员",
    "工艺美术专业人员",
    "律师",
    "公证员",
    "图书资料专业人员",
    "文物博物专业人员",
    "档案专业人员",
    "艺术专业人员",
    "海关人员",
    "船舶技术人员",
    "民用航空飞行技术人员",
]


def _counts():
    return (
        TitleSeries.objects.count(),
        AttachmentType.objects.count(),
        Institution.objects.count(),
        Major.objects.count(),
    )


@pytest.mark.django_db
def test_catalog_load_is_idempotent():
    first = catalog_load()
    counts = _counts()
    second = catalog_load()
    assert _counts() == counts
    assert "2631 institutions (+2631)" in first
    assert "(+0)" in second


@pytest.mark.django_db
def test_title_series_are_the_seed_28_in_order():
    catalog_load()
    assert len(SEED_SERIES) == 28
    assert list(TitleSeries.objects.values_list("name", flat=True)) == SEED_SERIES
    assert TitleSeries.objects.filter(code="engineer", name="工程技术人员").exists()


SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_d7a90972dc106fd5.txt"


def seed_title_series(text: str) -> list[str]:
    """The series listed in the seed's answer to FAQ 一.14, in the seed's order."""
    question = text.index("14.以职称申请引进人才入户")
    answer = text[question:].split("\n", 2)[1]
    listed = re.search(r"主要包括(.+?)等(\d+)个系列", answer)
    assert listed, answer
    names = listed.group(1).split("、")
    assert len(names) == int(listed.group(2))
    return names


@pytest.mark.django_db
def test_title_series_equal_the_seed_faq_answer_itself():
    if not SEED.exists():
        pytest.skip(f"the original seed is not in this checkout ({SEED})")
    from_seed = seed_title_series(SEED.read_text(encoding="utf-8"))
    assert len(from_seed) == 28
    catalog_load()
    assert list(TitleSeries.objects.values_list("name", flat=True)) == from_seed
    assert "自然学研究人员" in from_seed  # verbatim, as the seed spells it


@pytest.mark.django_db
def test_attachment_types_have_stable_codes_and_other():
    catalog_load()
    codes = set(AttachmentType.objects.values_list("code", flat=True))
    assert {
        "id_card",
        "diploma",
        "degree",
        "title_cert",
        "skill_cert",
        "labour_contract",
        "selfie",
        "business_licence",
        "change_notice",
        "other",
    } <= codes
    assert AttachmentType.objects.get(code="other").name == "其他材料"
    assert AttachmentType.objects.order_by("-sort").first().code == "other"


@pytest.mark.django_db
def test_attachment_description_edited_in_admin_survives_reload():
    catalog_load()
    AttachmentType.objects.filter(code="selfie").update(description="改过的说明")
    catalog_load()
    assert AttachmentType.objects.get(code="selfie").description == "改过的说明"


@pytest.mark.django_db
def test_institutions_2631_from_the_shipped_copy():
    catalog_load()
    assert Institution.objects.count() == 2631
    assert Institution.objects.filter(level="本科").count() == 1243
    assert Institution.objects.filter(level="专科").count() == 1388
    pku = Institution.objects.get(moe_code="4111010001")
    assert (pku.name, pku.competent_authority, pku.location) == ("北京大学", "教育部", "北京市")
    assert INSTITUTIONS_CSV.parent == DATA  # shipped inside the package


def test_education_levels_below_college_are_free_text():
    assert [label for _v, label in EducationLevel.choices] == [
        "初中及以下",
        "高中/中专/技校",
        "大专",
        "本科",
        "硕士研究生",
        "博士研究生",
    ]
    assert not education_needs_catalogue_school(EducationLevel.JUNIOR_OR_BELOW)
    assert not education_needs_catalogue_school(EducationLevel.SENIOR_SECONDARY)
    assert education_needs_catalogue_school(EducationLevel.COLLEGE)
    assert education_needs_catalogue_school(EducationLevel.DOCTOR)


@pytest.mark.django_db
def test_majors_carry_discipline_and_category():
    catalog_load()
    cs = Major.objects.get(code="080901")
    assert (
        cs.name,
        cs.discipline_code,
        cs.discipline,
        cs.category_code,
        cs.category,
        cs.level,
    ) == (
        "计算机科学与技术",
        "08",
        "工学",
        "0809",
        "计算机类",
        "undergraduate",
    )
    assert Major.objects.get(code="510203").get_level_display() == "高职专科"


def test_major_category_file_has_every_category_once():
    with (DATA / "major_categories.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ug = [r for r in rows if r["level"] == "undergraduate"]
    voc = [r for r in rows if r["level"] == "vocational"]
    assert len({r["discipline_code"] for r in ug}) == 12  # 本科目录 2012: 12 门类 (no 军事学)
    assert len(ug) == 92
    assert len({r["discipline_code"] for r in voc}) == 19  # 职业教育 2021: 19 专业大类
    assert len({r["category_code"] for r in rows}) == len(rows)
    assert all(r["category_code"].startswith(r["discipline_code"]) for r in rows)


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["moe_code", "name", "competent_authority", "location", "level", "remarks"])
        writer.writerows(rows)


@pytest.mark.django_db
def test_import_newer_list_adds_renames_and_rejects(tmp_path):
    catalog_load()
    old = Institution.objects.get(moe_code="4111010004")
    newer = tmp_path / "moe_2024.csv"
    _write_csv(
        newer,
        [
            ["4111010004", "北京交通大学（新名）", "教育部", "北京市", "本科", ""],  # renamed
            ["4144099999", "广州新设大学", "广东省", "广州市", "本科", "民办"],  # added
            ["4111010001", "北京大学", "教育部", "北京市", "本科", ""],  # unchanged
            ["12345", "坏代码学院", "广东省", "广州市", "本科", ""],  # rejected: code
            ["4144099998", "层次错误学院", "广东省", "广州市", "研究生", ""],  # rejected: level
        ],
    )
    out, err = StringIO(), StringIO()
    call_command("import_institutions", str(newer), stdout=out, stderr=err)
    assert "新增 added 1, 更新 updated 1, 未变 unchanged 1, 拒绝 rejected 2" in out.getvalue()
    assert "第5行" in err.getvalue() and "第6行" in err.getvalue()
    renamed = Institution.objects.get(pk=old.pk)
    assert renamed.name == "北京交通大学（新名）"
    assert "北京交通大学" in renamed.former_names.splitlines()
    assert Institution.objects.get(moe_code="4144099999").remarks == "民办"
    assert Institution.objects.count() == 2632

    # The shipped-data loader never reverts a newer import.
    catalog_load()
    assert Institution.objects.get(pk=old.pk).name == "北京交通大学（新名）"

    # Importing the same file again changes nothing.
    out = StringIO()
    call_command("import_institutions", str(newer), stdout=out, stderr=StringIO())
    assert "新增 added 0, 更新 updated 0, 未变 unchanged 3" in out.getvalue()


@pytest.mark.django_db
def test_import_without_file_uses_shipped_copy():
    out = StringIO()
    call_command("import_institutions", stdout=out)
    assert "新增 added 2631" in out.getvalue()


@pytest.mark.django_db
def test_import_refuses_a_file_of_another_shape(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("code,title\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_institutions", str(bad))
    with pytest.raises(CommandError, match="file not found"):
        call_command("import_institutions", str(tmp_path / "nope.csv"))
