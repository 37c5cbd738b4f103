"""Reads for the public notice page and for the back office's case view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, OuterRef, Subquery

from rencai.cases.effects import card_category_label
from rencai.cases.models import Case, CaseEvent
from rencai.core import clock
from rencai.core.masking import mask_name
from rencai.notice.models import Objection
from rencai.notice.services import NOTICE_STATES


@dataclass(frozen=True)
class NoticeEntry:
    number: str
    name_masked: str
    unit: str
    category: str
    starts_on: date | None
    ends_on: date | None  # None while paused by an objection
    paused: bool


def notice_queryset():
    started = (
        CaseEvent.objects.filter(case=OuterRef("pk"), to_status=Case.Status.IN_NOTICE)
        .values("case")
        .annotate(at=Max("at"))
        .values("at")
    )
    return (
        Case.objects.filter(status__in=NOTICE_STATES)
        .select_related("applicant", "unit", "title_series")
        .annotate(notice_started_at=Subquery(started))
        .order_by("-notice_started_at", "number")
    )


def notice_entry(case: Case) -> NoticeEntry:
    started = getattr(case, "notice_started_at", None) or case.decided_at
    paused = case.status == Case.Status.OBJECTION
    return NoticeEntry(
        number=case.number,
        name_masked=mask_name(case.applicant.real_name),
        unit=case.unit.name,
        category=card_category_label(case),
        starts_on=started.astimezone(clock.SHANGHAI).date() if started else None,
        ends_on=None if paused else case.due_date,
        paused=paused,
    )


def notice_get(*, number: str) -> NoticeEntry | None:
    case = notice_queryset().filter(number=number).first()
    return notice_entry(case) if case else None


def objection_list_for_case(*, case: Case) -> list[Objection]:
    """All objections to a case, oldest first (for the office holding it: the caller
    checks the office's right to the case, e.g. with cases.selectors.case_get_for_actor)."""
    return list(Objection.objects.filter(case=case).select_related("resolved_by"))


def objection_open_count(*, case: Case) -> int:
    return Objection.objects.filter(case=case, status=Objection.Status.OPEN).count()
