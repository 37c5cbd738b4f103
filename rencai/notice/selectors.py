"""Reads for the public notice page and for the back office's case view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

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


def mask_email(value: str) -> str:
    """a***@example.com: the first character and the domain."""
    local, at, domain = (value or "").partition("@")
    if not at:
        return mask_name(value)
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str) -> str:
    """139****5678 / 020-****5678: the last four digits and the first three."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) > 7 else "****" + value[-4:]


@dataclass(frozen=True)
class ObjectionRow:
    """One objection as the holding office's case page shows it: contact masked."""

    objection: Objection
    name_masked: str
    phone_masked: str
    email_masked: str
    notify_by: str  # how the outcome will reach the objector: "sms" / "email" / ""

    @property
    def is_open(self) -> bool:
        return self.objection.status == Objection.Status.OPEN

    @property
    def overdue(self) -> bool:
        """Open past its checking deadline (rencai.notice.process.CHECK_DAYS)."""
        due = self.objection.due_at
        return self.is_open and due is not None and clock.now() >= due


def objection_rows_for_case(*, case: Case) -> list[ObjectionRow]:
    """For the office holding `case` (the caller checks, as for the case page)."""
    from rencai.notice.services import is_mobile

    rows = []
    for objection in objection_list_for_case(case=case):
        if is_mobile(objection.contact_phone):
            notify_by = "sms"
        else:
            notify_by = "email" if objection.contact_email else ""
        rows.append(
            ObjectionRow(
                objection=objection,
                name_masked=mask_name(objection.contact_name),
                phone_masked=mask_phone(objection.contact_phone),
                email_masked=mask_email(objection.contact_email) if objection.contact_email else "",
                notify_by=notify_by,
            )
        )
    return rows


def objection_get_for_case(*, case: Case, objection_id: int) -> Objection:
    """An objection of `case` (already checked as the caller's); NotFound otherwise."""
    from rencai.core.errors import NotFound

    objection = Objection.objects.filter(case=case, pk=objection_id).first()
    if objection is None:
        raise NotFound(_("异议不存在"))
    return objection
