"""Writes to the working-day calendar. Every write bumps the calendar revision (see models)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.audit.services import audit_record
from rencai.core import clock
from rencai.core.errors import DomainError
from rencai.workdays import calendar, statutory
from rencai.workdays.models import OfficialYear, WorkdayOverride
from rencai.workdays.registry import deadline_holders

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduleRow:
    date: date
    is_workday: bool
    note: str = ""


@dataclass(frozen=True)
class ScheduleLoadResult:
    year: int
    created: int
    updated: int
    recomputed: int


def workday_override_check(*, day: date, is_workday: bool) -> None:
    """Refuse to turn a statutory holiday into a working day (a known holiday stays one)."""
    if is_workday:
        name = statutory.statutory_holidays(day.year).get(day)
        if name:
            raise DomainError(
                format_lazy(
                    gettext_lazy(
                        "是否工作日：{isoformat} 是法定节假日（{name}），不能设为工作日。"
                    ),
                    isoformat=day.isoformat(),
                    name=name,
                ),
                field="is_workday",
            )


def _override_upsert(*, day: date, is_workday: bool, note: str, actor) -> tuple[bool, bool]:
    """(created, changed) for one row; the caller holds the transaction."""
    workday_override_check(day=day, is_workday=is_workday)
    override = WorkdayOverride.objects.select_for_update().filter(date=day).first()
    created = override is None
    if created:
        override = WorkdayOverride(date=day)
    elif override.is_workday == is_workday and override.note == note:
        return False, False
    override.is_workday = is_workday
    override.note = note
    override.updated_at = clock.now()
    override.updated_by = actor
    override.full_clean(validate_unique=False)
    override.save()
    return created, True


@transaction.atomic
def workday_override_set(
    *, day: date, is_workday: bool, note: str = "", actor=None, request=None
) -> WorkdayOverride:
    """Fix one date as a working day or a day off; recomputes provisional deadlines."""
    created, changed = _override_upsert(day=day, is_workday=is_workday, note=note, actor=actor)
    override = WorkdayOverride.objects.get(date=day)
    if changed:
        audit_record(
            event="workdays.override_set",
            actor=actor,
            request=request,
            obj=override,
            detail=f"{day.isoformat()} {'上班' if is_workday else '放假'} {note}",
        )
        provisional_deadlines_recompute()
    return override


@transaction.atomic
def workday_override_delete(*, override: WorkdayOverride, actor=None, request=None) -> None:
    day = override.date
    audit_record(
        event="workdays.override_delete",
        actor=actor,
        request=request,
        obj=override,
        detail=day.isoformat(),
    )
    override.delete()
    provisional_deadlines_recompute()


@transaction.atomic
def official_year_mark(
    *, year: int, source: str, note: str = "", actor=None, request=None, recompute: bool = True
) -> OfficialYear:
    """Record that `year`'s State Council schedule is loaded: its deadlines stop being provisional."""
    if source not in OfficialYear.Source.values:
        raise DomainError(
            format_lazy(gettext_lazy("来源：未知的来源 {source!r}。"), source=source),
            field="source",
        )
    if not 1900 <= year <= 2200:
        raise DomainError(gettext_lazy("年份：应在 1900 至 2200 之间。"), field="year")
    official, _created = OfficialYear.objects.update_or_create(
        year=year, defaults={"source": source, "note": note, "loaded_at": clock.now()}
    )
    audit_record(
        event="workdays.official_year",
        actor=actor,
        request=request,
        obj=official,
        detail=f"{year} {source} {note}",
    )
    if recompute:
        provisional_deadlines_recompute()
    return official


@transaction.atomic
def official_schedule_load(
    *,
    rows: Iterable[ScheduleRow],
    year: int | None = None,
    source: str = OfficialYear.Source.IMPORT,
    actor=None,
    request=None,
) -> ScheduleLoadResult:
    """Load one year's State Council schedule into overrides and mark the year official."""
    rows = list(rows)
    if not rows:
        raise DomainError(gettext_lazy("节假日安排：文件中没有任何日期。"), field="rows")
    years = sorted({row.date.year for row in rows})
    if year is None and len(years) == 1:
        year = years[0]
    if years != [year]:
        found = "、".join(str(y) for y in years)
        raise DomainError(
            format_lazy(
                gettext_lazy("节假日安排：一次只能加载一个年份的安排，文件中有 {found} 年的日期。"),
                found=found,
            ),
            field="rows",
        )
    seen: set[date] = set()
    for row in rows:
        if row.date in seen:
            raise DomainError(
                format_lazy(
                    gettext_lazy("日期：{isoformat} 重复出现。"), isoformat=row.date.isoformat()
                ),
                field="date",
            )
        seen.add(row.date)
        workday_override_check(day=row.date, is_workday=row.is_workday)
    created = updated = 0
    for row in rows:
        was_created, changed = _override_upsert(
            day=row.date, is_workday=row.is_workday, note=row.note, actor=actor
        )
        created += was_created
        updated += changed and not was_created
    official_year_mark(
        year=year,
        source=source,
        note=f"{len(rows)} 个日期",
        actor=actor,
        request=request,
        recompute=False,
    )
    audit_record(
        event="workdays.schedule_load",
        actor=actor,
        request=request,
        object_type="workdays.officialyear",
        object_id=str(year),
        detail=f"{year}: {created} created, {updated} updated",
    )
    recomputed = provisional_deadlines_recompute()
    return ScheduleLoadResult(year=year, created=created, updated=updated, recomputed=recomputed)


@transaction.atomic
def provisional_deadlines_recompute() -> int:
    """Recompute every stored provisional deadline that has not fired yet; return rows changed.

    A deadline only ever moves later: when the official schedule would make it earlier
    (for example a make-up Saturday), the date already told to the user is kept. The
    provisional flag follows the calendar now in force.
    """
    cal = calendar.snapshot()
    now = clock.now()
    changed = 0
    for holder in deadline_holders():
        fields = [holder.due_field, holder.fires_field, holder.provisional_field]
        rows = (
            holder.model._default_manager.select_for_update()
            .filter(**{holder.provisional_field: True, f"{holder.fires_field}__gt": now})
            .exclude(**{f"{holder.due_field}__isnull": True})
            .order_by("pk")
        )
        batch = []
        for obj in rows.iterator(chunk_size=1000):
            start = getattr(obj, holder.start_field)
            if start is None:
                continue
            new = cal.deadline_for(start, holder.workdays_of(obj))
            old_due, old_fires = getattr(obj, holder.due_field), getattr(obj, holder.fires_field)
            if new.fires_at >= old_fires:
                due, fires = new.due_date, new.fires_at
            else:
                due, fires = old_due, old_fires
            if due == old_due and fires == old_fires and new.provisional:
                continue
            setattr(obj, holder.due_field, due)
            setattr(obj, holder.fires_field, fires)
            setattr(obj, holder.provisional_field, new.provisional)
            batch.append(obj)
            if holder.on_change is not None and fires != old_fires:
                holder.on_change(
                    obj, old_due, old_fires, calendar.Deadline(due, fires, new.provisional)
                )
            if len(batch) >= 1000:
                holder.model._default_manager.bulk_update(batch, fields)
                changed += len(batch)
                batch = []
        if batch:
            holder.model._default_manager.bulk_update(batch, fields)
            changed += len(batch)
    if changed:
        logger.info("workdays: %d provisional deadlines recomputed", changed)
    return changed


@transaction.atomic
def official_years_sync() -> str:
    """Reference loader: record the years the chinesecalendar package covers as official."""
    created = 0
    for year in range(statutory.PACKAGE_FIRST_YEAR, statutory.PACKAGE_LAST_YEAR + 1):
        _obj, was_created = OfficialYear.objects.get_or_create(
            year=year,
            defaults={"source": OfficialYear.Source.PACKAGE, "loaded_at": clock.now()},
        )
        created += was_created
    version = _holidays_dataset_record()
    return (
        f"工作日历：chinesecalendar 覆盖 {statutory.PACKAGE_FIRST_YEAR}–"
        f"{statutory.PACKAGE_LAST_YEAR} 年，新记录 {created} 个官方年份; {version}"
    )


def _holidays_dataset_record() -> str:
    """The State Council schedules come with the chinesecalendar package: its version and
    the hash of its data module are the calendar's reference-data version."""
    from pathlib import Path

    import chinese_calendar

    from rencai.reference.services import dataset_record, files_sha256

    package = Path(chinese_calendar.__file__).parent
    return dataset_record(
        name="workdays.holidays",
        version=f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')}",
        sha256=files_sha256([package / "constants.py"]),
        rows=len(chinese_calendar.holidays) + len(chinese_calendar.workdays),
        source=f"chinesecalendar（国务院办公厅节假日安排）{statutory.PACKAGE_FIRST_YEAR}–"
        f"{statutory.PACKAGE_LAST_YEAR}",
    )
