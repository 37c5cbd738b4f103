"""Bulk import of the unit registry from CSV (`rencai import-units`).

Columns: code,name,nature,level,district_code,supervisory_code,phone,address,former_names
(former_names separated by "|"; nature/level as value or Chinese label;
supervisory_code as Office code, with or without the "dept-" prefix).

- Batches: each batch is one transaction: bulk_create of units and former names
  plus the checkpoint row (`UnitImportCheckpoint.lines_done`), so a crash leaves
  either the whole batch or nothing, and a rerun resumes after the last committed
  batch (the file is recognised by name, size and a hash of its first 64 KiB).
- Rejected rows (bad code/check character, duplicate code, unknown district,
  missing supervisory department for a city-level unit, …) go to the rejects CSV
  with the line number and the reason; the import never stops on a bad row.
- Index maintenance: with `defer_index=True` the substring-search index is dropped
  during the load and rebuilt once at the end (PostgreSQL: the pg_trgm GIN index;
  SQLite: the FTS5 insert trigger, then an FTS5 'rebuild'), which is much faster
  for millions of rows than maintaining it row by row.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from rencai.core import clock
from rencai.orgs.models import District, Office, Unit, UnitImportCheckpoint, UnitNameHistory
from rencai.orgs.services import unit_search_keys
from rencai.orgs.validators import validate_unit_code

COLUMNS = [
    "code",
    "name",
    "nature",
    "level",
    "district_code",
    "supervisory_code",
    "phone",
    "address",
    "former_names",
]
REJECT_COLUMNS = ["line", "reason", *COLUMNS]
FORMER_SEPARATOR = "|"


@dataclass
class ImportResult:
    imported: int
    rejected: int
    lines_done: int
    skipped_lines: int
    rejects_path: Path


def file_key(path: Path) -> str:
    with path.open("rb") as fh:
        head = hashlib.sha256(fh.read(65536)).hexdigest()[:24]
    return f"{path.name[:120]}:{path.stat().st_size}:{head}"


def count_data_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(0, lines - 1)


UNIT_COLUMNS = [
    "name",
    "code",
    "nature",
    "level",
    "district_id",
    "supervisory_office_id",
    "phone",
    "address",
    "status",
    "name_pinyin_initials",
    "search_grams",
    "search_text",
    "org_code",
    "created_at",
    "updated_at",
]


def _choice_map(choices) -> dict[str, str]:
    mapping = {}
    for key, label in choices.choices:
        mapping[key] = key
        mapping[str(label)] = key
    return mapping


class _Lookups:
    def __init__(self):
        self.natures = _choice_map(Unit.Nature)
        self.levels = _choice_map(Unit.Level)
        self.now = connection.ops.adapt_datetimefield_value(clock.now())
        self.districts = {d.code: d.pk for d in District.objects.all()}
        self.districts.update({d.name: d.pk for d in District.objects.all()})
        self.offices = {}
        for office in Office.objects.filter(kind=Office.Kind.SUPERVISORY):
            self.offices[office.code] = office.pk
            self.offices[office.code.removeprefix("dept-")] = office.pk


def _row_to_unit(row: dict, lookups: _Lookups) -> tuple[tuple | None, list[str], str]:
    """(values for UNIT_COLUMNS, former names, reject reason)."""
    try:
        code = validate_unit_code(row.get("code"))
    except ValidationError as exc:
        return None, [], exc.messages[0]
    name = " ".join((row.get("name") or "").split())
    if len(name) < 2 or len(name) > 200:
        return None, [], "单位名称为空、少于2个字或超过200字。"
    nature = lookups.natures.get((row.get("nature") or "").strip())
    if nature is None:
        return None, [], f"单位性质“{row.get('nature', '')}”无效。"
    level = lookups.levels.get((row.get("level") or "").strip())
    if level is None:
        return None, [], f"隶属层级“{row.get('level', '')}”无效（市属/区属）。"
    district_id = lookups.districts.get((row.get("district_code") or "").strip())
    if district_id is None:
        return None, [], f"所在区代码“{row.get('district_code', '')}”不存在。"
    supervisory = (row.get("supervisory_code") or "").strip()
    office_id = None
    if supervisory:
        office_id = lookups.offices.get(supervisory)
        if office_id is None:
            return None, [], f"主管部门代码“{supervisory}”不存在。"
    elif level == Unit.Level.CITY:
        return None, [], "市属单位必须填写主管部门。"
    former = []
    for part in (row.get("former_names") or "").split(FORMER_SEPARATOR):
        part = " ".join(part.split())
        if len(part) >= 2 and part != name and part not in former:
            former.append(part[:200])
    keys = unit_search_keys(name=name, code=code, former_names=former)
    values = (
        name,
        code,
        nature,
        level,
        district_id,
        office_id,
        (row.get("phone") or "").strip()[:40],
        (row.get("address") or "").strip()[:200],
        Unit.Status.ACTIVE.value,
        keys["name_pinyin_initials"],
        keys["search_grams"],
        keys["search_text"],
        keys["org_code"],
        lookups.now,
        lookups.now,
    )
    return values, former, ""


def _insert_units(rows: list[tuple], formers: list[list[str]]) -> int:
    """COPY on PostgreSQL, plain INSERTs on SQLite (the ORM's bulk_create costs ~10x
    more per row here). Rows were checked before (codes, duplicates), so a batch is
    all-or-nothing either way, inside the batch's transaction."""
    if not rows:
        return 0
    columns = ", ".join(UNIT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Column names are our own constants; values travel in the COPY stream.
            with cursor.copy(f"COPY orgs_unit ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(UNIT_COLUMNS))
            sql = f"INSERT INTO orgs_unit ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)
    with_former = {row[1]: names for row, names in zip(rows, formers, strict=True) if names}
    if with_former:
        ids = dict(Unit.objects.filter(code__in=list(with_former)).values_list("code", "id"))
        UnitNameHistory.objects.bulk_create(
            [
                UnitNameHistory(unit_id=ids[code], name=name)
                for code, names in with_former.items()
                for name in names
            ]
        )
    return len(rows)


def _batches(
    reader: Iterator[dict], size: int, first_line: int
) -> Iterator[list[tuple[int, dict]]]:
    batch: list[tuple[int, dict]] = []
    line = first_line
    for row in reader:
        line += 1
        batch.append((line, row))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tune_session() -> None:
    """Per-connection settings for a bulk load. SQLite's default page cache (2 MiB)
    makes every insert into the big code/name indexes a random read once they outgrow
    it; PostgreSQL does not need to wait for the WAL flush of each batch (a crash
    loses at most the last batches, and their checkpoint row with them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MiB
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")


def _search_index(drop: bool) -> None:
    from rencai.orgs import search_indexes as migration

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if drop:
                for sql in migration.POSTGRES_REVERSE:
                    cursor.execute(sql)
            else:
                cursor.execute("SET maintenance_work_mem = '512MB'")  # GIN builds faster
                for sql in migration.POSTGRES_FORWARD:
                    cursor.execute(sql)
                cursor.execute("RESET maintenance_work_mem")
        elif connection.vendor == "sqlite":
            if drop:
                cursor.execute("DROP TRIGGER IF EXISTS orgs_unit_fts_ai")
            else:
                for sql in migration.SQLITE_FORWARD:  # recreates the trigger, then 'rebuild'
                    cursor.execute(sql)


def units_import(
    *,
    path: Path,
    rejects_path: Path | None = None,
    batch_size: int = 5000,
    restart: bool = False,
    defer_index: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    path = Path(path)
    rejects_path = Path(rejects_path or path.with_name(path.stem + ".rejects.csv"))
    key = file_key(path)
    checkpoint, _ = UnitImportCheckpoint.objects.get_or_create(
        file_key=key, defaults={"path": str(path)[:500]}
    )
    if restart:
        checkpoint.lines_done = checkpoint.imported = checkpoint.rejected = 0
        checkpoint.finished = False
        checkpoint.save()
    skip = checkpoint.lines_done
    if checkpoint.finished:
        return ImportResult(0, 0, checkpoint.lines_done, skip, rejects_path)
    lookups = _Lookups()
    _tune_session()
    append = skip > 0 and rejects_path.exists()
    imported = rejected = 0
    if defer_index:
        _search_index(drop=True)
    try:
        with (
            path.open(encoding="utf-8-sig", newline="") as fh,
            rejects_path.open("a" if append else "w", encoding="utf-8", newline="") as rej_fh,
        ):
            rejects = csv.writer(rej_fh)
            if not append:
                rejects.writerow(REJECT_COLUMNS)
            reader = csv.DictReader(fh)
            missing = [
                c for c in ("code", "name", "district_code") if c not in (reader.fieldnames or [])
            ]
            if missing:
                raise ValueError(f"CSV 缺少列 missing columns: {', '.join(missing)}")
            for _ in range(skip):
                if next(reader, None) is None:
                    break
            if progress and skip:
                progress(skip)
            for batch in _batches(reader, batch_size, first_line=skip + 1):
                batch_rejects: list[list] = []
                accepted: list[tuple[int, dict, tuple, list[str]]] = []
                seen: set[str] = set()
                for line, row in batch:
                    unit, former, reason = _row_to_unit(row, lookups)
                    if unit is not None and unit[1] in seen:
                        reason, unit = "单位代码在文件中重复。", None
                    if unit is None:
                        batch_rejects.append([line, reason, *(row.get(c, "") for c in COLUMNS)])
                        continue
                    seen.add(unit[1])
                    accepted.append((line, row, unit, former))
                existing = set(
                    Unit.objects.filter(code__in=list(seen)).values_list("code", flat=True)
                )
                if existing:
                    for line, row, unit, _former in accepted:
                        if unit[1] in existing:
                            batch_rejects.append(
                                [
                                    line,
                                    "单位代码已登记（重复）。",
                                    *(row.get(c, "") for c in COLUMNS),
                                ]
                            )
                    accepted = [a for a in accepted if a[2][1] not in existing]
                    batch_rejects.sort(key=lambda r: r[0])
                with transaction.atomic():
                    created = _insert_units([a[2] for a in accepted], [a[3] for a in accepted])
                    checkpoint.lines_done += len(batch)
                    checkpoint.imported += created
                    checkpoint.rejected += len(batch_rejects)
                    checkpoint.save(
                        update_fields=["lines_done", "imported", "rejected", "updated_at"]
                    )
                rejects.writerows(batch_rejects)
                rej_fh.flush()
                imported += created
                rejected += len(batch_rejects)
                if progress:
                    progress(len(batch))
        checkpoint.finished = True
        checkpoint.save(update_fields=["finished", "updated_at"])
    finally:
        if defer_index:
            _search_index(drop=False)
    return ImportResult(imported, rejected, checkpoint.lines_done, skip, rejects_path)
