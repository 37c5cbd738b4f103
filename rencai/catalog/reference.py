"""Catalogue reference data: title series, attachment types, institutions and majors.

`catalog_load()` is idempotent and cheap on a second run: it compares the shipped files with
what is stored and writes only the difference. Shipped institutions are only *added*: a newer
list imported with `rencai import-institutions` (or an edit in the admin) is never reverted.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from rencai.catalog.models import AttachmentType, Institution, Major, TitleSeries
from rencai.reference.services import dataset_current, dataset_record, files_sha256

DATA = Path(__file__).parent / "data"
INSTITUTIONS_CSV = DATA / "moe_institutions_2017.csv"
INSTITUTIONS_SOURCE = "教育部全国普通高等学校名单（2017-05-31）"
MAJORS_SOURCE = {
    "undergraduate": "普通高等学校本科专业目录",
    "vocational": "职业教育专业目录（2021年）高职专科",
}
INSTITUTION_COLUMNS = ["moe_code", "name", "competent_authority", "location", "level", "remarks"]
INSTITUTION_FIELDS = ["name", "competent_authority", "location", "level", "remarks"]
# Data sets recorded in rencai.reference (one per source file set).
DATASET_REFERENCE = "catalog.reference"  # reference.json: title series, attachment types
DATASET_INSTITUTIONS = "catalog.institutions"
DATASET_MAJORS = "catalog.majors"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)
    rows: int = 0  # valid rows in the file
    dataset: str = ""  # the rencai.reference line ("old → new" or "unchanged")

    def __str__(self) -> str:
        return (
            f"新增 added {self.added}, 更新 updated {self.updated}, "
            f"未变 unchanged {self.unchanged}, 拒绝 rejected {len(self.rejected)}"
        )


def _read_institutions(path: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Parse and validate a list of the MOE shape; returns valid rows by code and rejections."""
    rows: dict[str, dict[str, str]] = {}
    rejected: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in INSTITUTION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"文件缺少列 missing columns: {', '.join(missing)}")
        for line, raw in enumerate(reader, start=2):
            row = {c: (raw.get(c) or "").strip() for c in INSTITUTION_COLUMNS}
            code = row["moe_code"]
            if not (len(code) == 10 and code.isdigit()):
                rejected.append(f"第{line}行：学校标识码应为10位数字 moe_code must be 10 digits")
            elif not row["name"]:
                rejected.append(f"第{line}行：学校名称为空 name is empty")
            elif row["level"] not in Institution.Level.values:
                rejected.append(f"第{line}行：办学层次应为本科或专科 level must be 本科/专科")
            elif code in rows:
                rejected.append(f"第{line}行：学校标识码重复 duplicate moe_code {code}")
            else:
                rows[code] = row
    return rows, rejected


@transaction.atomic
def institutions_import(*, path: Path, source: str, update_existing: bool = True) -> ImportReport:
    """Upsert institutions by moe_code from a CSV of the MOE list's shape.

    A renamed institution keeps its former name (searchable). With `update_existing=False`
    only missing institutions are added (what the shipped-data loader does).
    """
    rows, rejected = _read_institutions(path)
    report = ImportReport(rejected=rejected, rows=len(rows))
    existing = {i.moe_code: i for i in Institution.objects.filter(moe_code__in=rows)}
    to_create, to_update = [], []
    for code, row in rows.items():
        current = existing.get(code)
        if current is None:
            to_create.append(
                Institution(moe_code=code, source=source, **{f: row[f] for f in INSTITUTION_FIELDS})
            )
            continue
        changed = update_existing and (
            any(getattr(current, f) != row[f] for f in INSTITUTION_FIELDS) or not current.is_active
        )
        if not changed:
            report.unchanged += 1
            continue
        if current.name != row["name"]:
            former = [n for n in current.former_names.splitlines() if n]
            if current.name not in former:
                former.append(current.name)
            current.former_names = "\n".join(former)
        for f in INSTITUTION_FIELDS:
            setattr(current, f, row[f])
        current.source = source
        current.is_active = True
        to_update.append(current)
    Institution.objects.bulk_create(to_create, batch_size=500)
    Institution.objects.bulk_update(
        to_update, [*INSTITUTION_FIELDS, "former_names", "source", "is_active"], batch_size=500
    )
    report.added, report.updated = len(to_create), len(to_update)
    if update_existing:  # a full import: this list is now the institutions' version
        report.dataset = dataset_record(
            name=DATASET_INSTITUTIONS,
            version=source,
            sha256=files_sha256([path]),
            rows=len(rows),
            source=str(path.name),
        )
    return report


def _load_simple() -> tuple[int, int, str]:
    path = DATA / "reference.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    from rencai.catalog.names_en import ATTACHMENT_TYPES_EN, TITLE_SERIES_EN

    for sort, (code, name) in enumerate(data["title_series"], start=1):
        TitleSeries.objects.update_or_create(
            code=code,
            defaults={"name": name, "sort": sort, "name_en": TITLE_SERIES_EN.get(code, "")},
        )
    for sort, (code, name, description) in enumerate(data["attachment_types"], start=1):
        # Names are ours; descriptions and the active flag are maintained in the admin.
        AttachmentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "sort": sort * 10,
                "name_en": ATTACHMENT_TYPES_EN.get(code, ""),
            },
            create_defaults={
                "name": name,
                "sort": sort * 10,
                "description": description,
                "name_en": ATTACHMENT_TYPES_EN.get(code, ""),
            },
        )
    series, types = len(data["title_series"]), len(data["attachment_types"])
    version = dataset_record(
        name=DATASET_REFERENCE,
        version=data.get("version", ""),
        sha256=files_sha256([path]),
        rows=series + types,
        source=data.get("title_series_source", ""),
    )
    return series, types, version


def majors_load() -> tuple[int, str]:
    with (DATA / "major_categories.csv").open(encoding="utf-8", newline="") as handle:
        categories = {row["category_code"]: row for row in csv.DictReader(handle)}
    with (DATA / "majors.csv").open(encoding="utf-8", newline="") as handle:
        wanted = {}
        for row in csv.DictReader(handle):
            cat = categories[row["category_code"]]
            wanted[row["code"]] = {
                "name": row["name"],
                "discipline_code": cat["discipline_code"],
                "discipline": cat["discipline"],
                "category_code": cat["category_code"],
                "category": cat["category"],
                "level": row["level"],
                "source": MAJORS_SOURCE[row["level"]],
            }
    fields = list(next(iter(wanted.values())).keys())
    existing = {m.code: m for m in Major.objects.filter(code__in=wanted)}
    to_create, to_update = [], []
    for code, values in wanted.items():
        current = existing.get(code)
        if current is None:
            to_create.append(Major(code=code, **values))
        elif any(getattr(current, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(current, f, v)
            to_update.append(current)
    Major.objects.bulk_create(to_create, batch_size=500)
    Major.objects.bulk_update(to_update, fields, batch_size=500)
    version = dataset_record(
        name=DATASET_MAJORS,
        sha256=files_sha256([DATA / "major_categories.csv", DATA / "majors.csv"]),
        rows=len(wanted),
        source="；".join(MAJORS_SOURCE.values()),
    )
    return len(wanted), version


def _shipped_institutions_record(*, rows: int) -> str:
    """The shipped list is the institutions' version until a newer list is imported: the
    loader only adds the shipped rows that are missing, so an import stays the version."""
    current = dataset_current(name=DATASET_INSTITUTIONS)
    if current is not None and current.version != INSTITUTIONS_SOURCE:
        return f"[{DATASET_INSTITUTIONS}] 保留导入的名单 imported list kept: {current.version}"
    return dataset_record(
        name=DATASET_INSTITUTIONS,
        version=INSTITUTIONS_SOURCE,
        sha256=files_sha256([INSTITUTIONS_CSV]),
        rows=rows,
        source=INSTITUTIONS_CSV.name,
    )


@transaction.atomic
def catalog_load() -> str:
    series, types, reference_version = _load_simple()
    institutions = institutions_import(
        path=INSTITUTIONS_CSV, source=INSTITUTIONS_SOURCE, update_existing=False
    )
    institutions_version = _shipped_institutions_record(rows=institutions.rows)
    _majors, majors_version = majors_load()
    return (
        f"catalog: {series} title series, {types} attachment types, "
        f"{Institution.objects.count()} institutions (+{institutions.added}), "
        f"{Major.objects.count()} majors; "
        f"{reference_version}; {institutions_version}; {majors_version}"
    )
