"""The re-application block 「已禁止再报」 (FAQ 一.3).

A person who already moved into the city — a case of ours that ended with the card, or a
record imported from the legacy system (`rencai import-history`) — may not start a new
application. An official of a district window or of the city bureau may lift the block
for ONE new application (`reapply_lift`, audited); the next `application_start` for that
person consumes the lift.

    reapply_status(person)                        -> ReapplyStatus   (selector)
    reapply_check(person)                         -> ReapplyLift | None, raises Conflict
    reapply_lift_consume(*, lift, case)           -> None            (application_start)
    reapply_lift(*, person, official, reason)     -> ReapplyLift     (service)

The database holds the rules too: one unused lift per person (lift_one_unused_per_person,
`used_at` is null) and one case per lift (case_reapply_lift_once).
    history_import(*, rows)                       -> ImportReport    (service, the command)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.accounts.models import RoleGrant, id_number_index, id_number_indexes
from rencai.accounts.validators import validate_id_number
from rencai.audit.services import audit_record
from rencai.cases.models import Case, HistoricalSettlement, ReapplyLift
from rencai.core import clock, crypto
from rencai.core.errors import Conflict, DomainError
from rencai.core.masking import mask_id_number
from rencai.orgs.models import District, Office

#: Offices whose officials may lift the block (FAQ 一.3: 市、区人社部门).
LIFT_OFFICE_KINDS = frozenset({Office.Kind.DISTRICT_WINDOW, Office.Kind.CITY_BUREAU})
BLOCK_TEMPLATE = (
    "已禁止再报，{year}年已办理{business}业务，如需开通再次申报权限，"
    "请联系市、区人社部门引进人才对外服务窗口提交申请"
)


@dataclass
class ReapplyStatus:
    blocked: bool
    settlement: HistoricalSettlement | None = None  # the latest settlement, if any
    lift: ReapplyLift | None = None  # an unused lift that opens one new application
    used_lifts: list[ReapplyLift] = field(default_factory=list)
    #: The open application a lift opened: while it runs, the block is not the news.
    lifted_case: Case | None = None

    @property
    def banner(self) -> bool:
        """Show 「已禁止再报…」 above the person's applications? Not while the lifted
        application is open (finding 3): it is the one they may pursue."""
        return self.blocked and self.lifted_case is None

    @property
    def message(self) -> str:
        if not self.blocked or self.settlement is None:
            return ""
        return BLOCK_TEMPLATE.format(
            year=self.settlement.year, business=self.settlement.business or "引进在职人才"
        )

    @property
    def year(self) -> int | None:
        return self.settlement.year if self.settlement else None


def _settlements(person):
    where = Q(case__applicant_id=person.pk)
    if person.id_number_index:
        indexes = {person.id_number_index}
        if crypto.rotating():  # legacy rows may still carry the previous key's index
            indexes.update(id_number_indexes(person.reveal_id_number()))
        where |= Q(id_number_index__in=indexes)
    return HistoricalSettlement.objects.filter(where).order_by("-year", "-recorded_at", "-id")


def reapply_status(person) -> ReapplyStatus:
    """Is `person` blocked from starting a new application, and is there a lift to use?"""
    settlements = list(_settlements(person))
    issued = (
        Case.objects.filter(applicant_id=person.pk, status=Case.Status.CARD_ISSUED)
        .exclude(settlement__isnull=False)
        .order_by("-closed_at")
        .first()
    )
    if issued is not None:
        # A card of ours without a settlement row (the person had no ID index): still a move.
        year = (issued.closed_at or issued.created_at).astimezone(clock.SHANGHAI).year
        settlements.insert(0, HistoricalSettlement(year=year, source="rencai", case=issued))
        settlements.sort(key=lambda s: s.year, reverse=True)
    if not settlements:
        return ReapplyStatus(blocked=False)
    latest = settlements[0]
    lifts = list(
        ReapplyLift.objects.filter(settlement__in=[s for s in settlements if s.pk])
        .select_related("office", "lifted_by", "settlement")
        .order_by("-lifted_at", "-id")
    )
    used_ids = set(
        Case.objects.filter(reapply_lift__in=lifts).values_list("reapply_lift_id", flat=True)
    )
    used_ids |= {lift.pk for lift in lifts if lift.used_at is not None}
    unused = [lift for lift in lifts if lift.pk not in used_ids]
    # A lift opens the door only for settlements up to its own: a later move blocks again.
    unused = [lift for lift in unused if lift.settlement.year >= latest.year]
    used = [lift for lift in lifts if lift.pk in used_ids]
    if unused:
        return ReapplyStatus(blocked=False, settlement=latest, lift=unused[0], used_lifts=used)
    lifted_case = (
        Case.objects.filter(
            applicant_id=person.pk, reapply_lift__in=used, status__in=Case.OPEN_STATUSES
        ).first()
        if used
        else None
    )
    return ReapplyStatus(blocked=True, settlement=latest, used_lifts=used, lifted_case=lifted_case)


def reapply_check(person) -> ReapplyLift | None:
    """Called by services.application_start inside its transaction: refuse a blocked person; return the
    lift this new application consumes (locked, so two drafts cannot share it)."""
    status = reapply_status(person)
    if status.blocked:
        raise Conflict(status.message, code="reapply_blocked")
    if status.lift is None:
        return None
    lift = ReapplyLift.objects.select_for_update().get(pk=status.lift.pk)
    if lift.used_at is not None or Case.objects.filter(reapply_lift=lift).exists():
        raise Conflict(
            gettext_lazy("再次申报权限已被另一份申请使用（每次开通仅限一次申报）"),
            code="reapply_blocked",
        )
    return lift


def reapply_lift_consume(*, lift: ReapplyLift, case: Case) -> None:
    """Mark the lift used by `case` (in the transaction that gives it the lift)."""
    ReapplyLift.objects.filter(pk=lift.pk).update(used_at=clock.now(), person=case.applicant)


def _lift_office(official, office: Office | None) -> Office:
    grants = RoleGrant.objects.filter(
        user=official,
        role=RoleGrant.Role.OFFICIAL,
        revoked_at__isnull=True,
        office__kind__in=LIFT_OFFICE_KINDS,
        office__is_active=True,
    ).select_related("office")
    if office is not None:
        grants = grants.filter(office=office)
    grant = grants.order_by("id").first()
    if grant is None:
        raise DomainError(
            gettext_lazy("只有区人社局或市人社局的工作人员可以开通再次申报权限"),
            code="forbidden_role",
        )
    return grant.office


@transaction.atomic
def reapply_lift(
    *, person, official, reason: str, office: Office | None = None, request=None
) -> ReapplyLift:
    """Open re-application for ONE new application of `person` (开通再次申报权限)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext_lazy("开通原因：请填写开通再次申报权限的原因"), field="reason")
    from rencai.accounts.models import User

    lift_office = _lift_office(official, office)
    User.objects.select_for_update().filter(pk=person.pk).first()  # one lift at a time
    status = reapply_status(person)
    if status.lift is not None:
        raise Conflict(
            gettext_lazy("该人员已开通再次申报权限，尚未使用，无需重复开通"), code="already_lifted"
        )
    open_case = (
        Case.objects.filter(applicant_id=person.pk, status__in=Case.OPEN_STATUSES)
        .order_by("id")
        .first()
    )
    if open_case is not None and open_case.reapply_lift_id is not None:
        # The application the previous lift opened is still running (finding 3).
        raise Conflict(
            format_lazy(
                gettext_lazy(
                    "该人员开通再次申报权限后的申请{number}尚在办理中，办结或撤回后才能再次开通"
                ),
                number=open_case.number,
            ),
            code="open_case_exists",
        )
    if not status.blocked:
        raise Conflict(
            gettext_lazy("该人员没有入户记录，未被禁止再报，无需开通"), code="not_blocked"
        )
    settlement = status.settlement
    if settlement.pk is None:  # a card without an index row: record it now
        settlement.recorded_at = clock.now()
        settlement.id_number_index = person.id_number_index or ""
        settlement.id_number_masked = person.id_number_masked
        settlement.save()
    try:
        with transaction.atomic():
            lift = ReapplyLift.objects.create(
                settlement=settlement,
                person=person,
                office=lift_office,
                lifted_by=official,
                reason=reason,
                lifted_at=clock.now(),
            )
    except IntegrityError as exc:  # another official lifted at the same moment
        raise Conflict(
            gettext_lazy("该人员已开通再次申报权限，尚未使用，无需重复开通"), code="already_lifted"
        ) from exc
    if open_case is not None:
        # One open application per person: an application started before the block was
        # known (a draft, a returned case) is the one the lift opens — else the person
        # could neither submit it nor start another.
        Case.objects.filter(pk=open_case.pk).update(reapply_lift=lift)
        reapply_lift_consume(lift=lift, case=open_case)
    audit_record(
        event="case.reapply_lift",
        actor=official,
        request=request,
        obj=lift,
        acting_as=lift_office.name,
        detail=f"{person.id_number_masked} {settlement.year} {reason}",
    )
    if person.mobile:
        from rencai.notify.services import sms_enqueue

        sms_enqueue(
            mobile=person.mobile,
            body=(
                f"【广州人才引进】{lift_office.name}已为您开通再次申报权限（限一次申报），"
                "请登录系统填报。"
            ),
            key=f"reapply-lift:{lift.pk}",
        )
    return lift


# --- legacy import -------------------------------------------------------------------


@dataclass
class ImportReport:
    added: int = 0
    existing: int = 0
    rejected: list[tuple[int, dict, str]] = field(default_factory=list)  # (line, row, reason)


def _clean_row(row: dict) -> tuple[str, int, District | None, str]:
    try:
        number = validate_id_number((row.get("id_number") or "").strip())
    except ValidationError as exc:
        reasons = "；".join(exc.messages)
        raise DomainError(
            format_lazy(gettext_lazy("身份证号码无效：{reasons}"), reasons=reasons)
        ) from exc
    year_text = (row.get("year") or "").strip()
    if not (year_text.isdigit() and len(year_text) == 4):
        raise DomainError(
            format_lazy(gettext_lazy("年份“{year_text}”无效：须为4位数字"), year_text=year_text)
        )
    year = int(year_text)
    if not 1949 <= year <= clock.today().year:
        raise DomainError(
            format_lazy(gettext_lazy("年份“{year}”无效：须在1949年至今年之间"), year=year)
        )
    district = None
    code = (row.get("district_code") or "").strip()
    if code:
        district = District.objects.filter(code=code).first()
        if district is None:
            raise DomainError(
                format_lazy(gettext_lazy("区划代码“{code}”不是广州市的区"), code=code)
            )
    note = " ".join((row.get("note") or "").split())[:200]
    return number, year, district, note


def history_import(*, rows, start_line: int = 2) -> ImportReport:
    """Load legacy settlements. Only the blind index and the masked number are stored;
    a row already loaded is counted as existing (idempotent); bad rows are rejected."""
    report = ImportReport()
    now = clock.now()
    for line, row in enumerate(rows, start=start_line):
        try:
            number, year, district, note = _clean_row(row)
        except DomainError as exc:
            report.rejected.append((line, row, exc.message))
            continue
        index = id_number_index(number)
        try:
            with transaction.atomic():
                _obj, created = HistoricalSettlement.objects.get_or_create(
                    id_number_index=index,
                    year=year,
                    source=HistoricalSettlement.Source.LEGACY,
                    defaults={
                        "id_number_masked": mask_id_number(number),
                        "district": district,
                        "note": note,
                        "recorded_at": now,
                    },
                )
        except IntegrityError:  # a concurrent import of the same row
            created = False
        if created:
            report.added += 1
        else:
            report.existing += 1
    if report.added:
        audit_record(
            event="case.history_import",
            detail=f"added={report.added} existing={report.existing} "
            f"rejected={len(report.rejected)}",
        )
    return report
