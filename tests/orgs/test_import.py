"""import-units / gen-units through call_command."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from rencai.orgs import importer
from rencai.orgs.models import Unit, UnitImportCheckpoint, UnitNameHistory
from rencai.orgs.selectors import unit_search
from rencai.orgs.validators import validate_unit_code

from .conftest import make_code

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = importer.COLUMNS


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def row(code, name, *, nature="private", level="district", district="440106", sup="", former=""):
    return [code, name, nature, level, district, sup, "020-12345678", "广州市天河区某路1号", former]


def read_rejects(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_import_with_rejects(tmp_path, reference_data):
    good = make_code()
    bad_check = make_code()
    bad_check = bad_check[:-1] + ("0" if bad_check[-1] != "0" else "1")
    rural = make_code(prefix="N2", region="440111")
    legacy = make_code(legacy=True)
    path = write_csv(
        tmp_path / "units.csv",
        [
            row(good, "广州市导入测试一有限公司", former="广州市导入旧名有限公司"),
            row(bad_check, "广州市校验位错误有限公司"),
            row(good.lower(), "广州市重复代码有限公司"),
            row(make_code(), "广州市未知区有限公司", district="440999"),
            row(rural, "广州市白云区某村经济联合社", nature="其他", district="白云区"),
            row(legacy, "广州市老代码有限公司", nature="民营企业", level="区属"),
            row(make_code(), "广州市市属无主管有限公司", nature="city_soe", level="city"),
        ],
    )
    rejects = tmp_path / "rejects.csv"
    call_command(
        "import_units", str(path), "--rejects", str(rejects), "--no-progress", "--batch-size", "3"
    )
    codes = set(Unit.objects.values_list("code", flat=True))
    assert codes == {good, rural, legacy}
    reasons = {r["name"]: r["reason"] for r in read_rejects(rejects)}
    assert "统一社会信用代码校验位错误" in reasons["广州市校验位错误有限公司"]
    assert "重复" in reasons["广州市重复代码有限公司"]
    assert "所在区" in reasons["广州市未知区有限公司"]
    assert "主管部门" in reasons["广州市市属无主管有限公司"]
    assert len(reasons) == 4
    lines = {r["name"]: int(r["line"]) for r in read_rejects(rejects)}
    assert lines["广州市校验位错误有限公司"] == 3  # line numbers count the header as line 1
    unit = Unit.objects.get(code=good)
    assert list(UnitNameHistory.objects.filter(unit=unit).values_list("name", flat=True)) == [
        "广州市导入旧名有限公司"
    ]
    assert unit.name_pinyin_initials.startswith("gzsdrcs")
    assert unit_search(q="导入旧名").results[0].unit == unit
    assert unit_search(q="经济联合").results[0].unit.code == rural


def test_import_with_supervisory_department(tmp_path, reference_data):
    from rencai.orgs.models import Office

    office = Office.objects.filter(kind=Office.Kind.SUPERVISORY).first()
    code = make_code()
    path = write_csv(
        tmp_path / "u.csv",
        [
            row(
                code,
                "广州市属国企测试有限公司",
                nature="city_soe",
                level="city",
                sup=office.code.removeprefix("dept-"),
            )
        ],
    )
    call_command("import_units", str(path), "--no-progress")
    assert Unit.objects.get(code=code).supervisory_office == office
    assert (tmp_path / "u.rejects.csv").exists()


def test_import_resumes_after_interruption(tmp_path, reference_data, monkeypatch):
    rows = [row(make_code(), f"广州市续传测试{i:02d}有限公司") for i in range(10)]
    rows[7][0] = "bad"
    path = write_csv(tmp_path / "resume.csv", rows)
    rejects = tmp_path / "resume.rejects.csv"
    real = importer._insert_units
    calls = {"n": 0}

    def crash_on_third_batch(*args, **kwargs):
        calls["n"] += 1
        inserted = real(*args, **kwargs)
        if calls["n"] == 3:
            raise RuntimeError("power cut")  # after the INSERT, inside the batch transaction
        return inserted

    monkeypatch.setattr(importer, "_insert_units", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        call_command("import_units", str(path), "--no-progress", "--batch-size", "3")
    assert Unit.objects.count() == 6  # batches 1 and 2 committed, batch 3 rolled back
    assert UnitImportCheckpoint.objects.get().lines_done == 6
    monkeypatch.setattr(importer, "_insert_units", real)
    call_command("import_units", str(path), "--no-progress", "--batch-size", "3")
    assert Unit.objects.count() == 9
    checkpoint = UnitImportCheckpoint.objects.get()
    assert checkpoint.finished and checkpoint.lines_done == 10 and checkpoint.imported == 9
    assert [r["line"] for r in read_rejects(rejects)] == ["9"]  # no duplicate reject lines
    # A finished file is not imported again; --restart reprocesses (all duplicates then).
    call_command("import_units", str(path), "--no-progress")
    assert Unit.objects.count() == 9
    call_command("import_units", str(path), "--no-progress", "--restart")
    assert len(read_rejects(rejects)) == 10


def test_import_defer_index_rebuilds_search(tmp_path, reference_data):
    rows = [row(make_code(), f"广州市延迟索引{i}有限公司") for i in range(5)]
    path = write_csv(tmp_path / "defer.csv", rows)
    call_command("import_units", str(path), "--no-progress", "--defer-index")
    assert unit_search(q="延迟索引").total == 5
    call_command("check_search")


def test_gen_units_then_import(tmp_path, reference_data):
    path = tmp_path / "gen.csv"
    call_command("gen_units", "300", str(path))
    with path.open(encoding="utf-8") as fh:
        data = list(csv.DictReader(fh))
    assert len(data) == 300
    codes = [r["code"] for r in data]
    assert len(set(codes)) == 300
    assert all(validate_unit_code(c) == c for c in codes)
    assert any(r["former_names"] for r in data)
    assert all(r["name"].startswith("广州") or "（广州）" in r["name"] for r in data)
    call_command("import_units", str(path), "--no-progress")
    assert Unit.objects.count() == 300
    assert read_rejects(tmp_path / "gen.rejects.csv") == []
