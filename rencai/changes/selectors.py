"""Reads: who sees which request, worklists, duplicate candidates.

Visibility (a request of someone else is NotFound, never "forbidden"):
- the requester sees their own requests;
- active unit admins of the unit a request was made for (acting as that unit) see it;
- officials of the holding office (data service centre / approving department) see it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from rencai.accounts.models import RoleGrant, User
from rencai.catalog.models import Institution, Major
from rencai.catalog.selectors import institution_search, major_search
from rencai.changes.models import ChangeRequest, RequestStatus, UnitAdminRequest
from rencai.core import clock
from rencai.core.errors import NotFound
from rencai.orgs.models import Office, Unit
from rencai.orgs.selectors import unit_search
from rencai.orgs.validators import normalize_unit_code, org_code_of
from rencai.workdays.calendar import remaining_workdays

SIMILAR_LIMIT = 10
_NUMBER = re.compile(r"[A-Z]{2}\d{4}-\d{6}")
# Common parts of unit names that say nothing about which unit it is.
_NAME_NOISE = re.compile(
    r"^(中国)?(广东省)?(广州市|广州)?|(股份有限公司|有限责任公司|有限公司|集团|公司|分公司|中心|事务所)$"
)


def official_office_ids(*, user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        RoleGrant.objects.filter(
            user=user, role=RoleGrant.Role.OFFICIAL, revoked_at__isnull=True, office__is_active=True
        ).values_list("office_id", flat=True)
    )


def office_reviewers(*, office: Office) -> QuerySet[User]:
    """The people who see `office`'s worklists: active users with an active official grant
    on it (the mirror image of `official_office_ids`)."""
    if not office.is_active:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        role_grants__role=RoleGrant.Role.OFFICIAL,
        role_grants__office=office,
        role_grants__revoked_at__isnull=True,
    ).order_by("pk")


def admin_unit_ids(*, user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        RoleGrant.objects.filter(
            user=user, role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
        ).values_list("unit_id", flat=True)
    )


def normalize_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


# --- change requests -----------------------------------------------------------------


def _changes() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related(
        "office", "unit", "acting_unit", "requester", "district"
    )


def change_request_list_mine(*, user) -> QuerySet[ChangeRequest]:
    """My requests and those of the units I administer (查询信息注册情况及进度)."""
    if not getattr(user, "is_authenticated", False):
        return ChangeRequest.objects.none()
    return (
        _changes()
        .filter(Q(requester=user) | Q(acting_unit_id__in=admin_unit_ids(user=user)))
        .order_by("-submitted_at", "-id")
    )


def change_request_get(*, user, number: str) -> ChangeRequest:
    """A request `user` may see, by number; NotFound otherwise (no hint that it exists)."""
    number = normalize_number(number)
    change = _changes().filter(number=number).first() if _NUMBER.fullmatch(number) else None
    if change is None or not change_request_visible(user=user, change=change):
        raise NotFound(f"申请编号：未找到您的申请“{number[:20]}”，请核对编号。", field="number")
    return change


def change_request_visible(*, user, change: ChangeRequest) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        change.requester_id == user.pk
        or (
            change.acting_unit_id is not None and change.acting_unit_id in admin_unit_ids(user=user)
        )
        or change.office_id in official_office_ids(user=user)
    )


def change_request_is_reviewer(*, user, change: ChangeRequest) -> bool:
    return change.office_id in official_office_ids(user=user)


def change_worklist(*, user, include_decided: bool = False) -> QuerySet[ChangeRequest]:
    """Pending requests of the reviewer's offices, earliest deadline first."""
    qs = _changes().filter(office_id__in=official_office_ids(user=user))
    if not include_decided:
        qs = qs.filter(status=RequestStatus.PENDING)
    return qs.order_by("due_at", "id")


def change_document_permission(user, document) -> bool:
    """documents app hook: who may open an attachment of a change request (or a draft)."""
    change = ChangeRequest.objects.filter(folder_id=document.folder_id).first()
    if change is None:
        return document.folder.owner_kind == "change_draft" and document.uploaded_by_id == user.pk
    return change_request_visible(user=user, change=change)


# --- unit-admin requests -----------------------------------------------------------------


def _admin_requests() -> QuerySet[UnitAdminRequest]:
    return UnitAdminRequest.objects.select_related(
        "unit", "unit__district", "office", "applicant", "grant"
    )


def unit_admin_request_list_mine(*, user) -> QuerySet[UnitAdminRequest]:
    if not getattr(user, "is_authenticated", False):
        return UnitAdminRequest.objects.none()
    return _admin_requests().filter(applicant=user).order_by("-submitted_at", "-id")


def unit_admin_request_get(*, user, number: str) -> UnitAdminRequest:
    number = normalize_number(number)
    admin_request = (
        _admin_requests().filter(number=number).first() if _NUMBER.fullmatch(number) else None
    )
    if admin_request is None or not (
        admin_request.applicant_id == user.pk
        or admin_request.office_id in official_office_ids(user=user)
    ):
        raise NotFound(f"申请编号：未找到您的申请“{number[:20]}”，请核对编号。", field="number")
    return admin_request


def unit_admin_worklist(*, user, include_decided: bool = False) -> QuerySet[UnitAdminRequest]:
    qs = _admin_requests().filter(office_id__in=official_office_ids(user=user))
    if not include_decided:
        qs = qs.filter(status=RequestStatus.PENDING)
    return qs.order_by("due_at", "id")


def unit_admin_grants_revocable(*, user) -> QuerySet[RoleGrant]:
    """Active unit-admin grants the user may revoke: all for a superuser; for officials,
    those of units their office approves (requests decided by it, or units it supervises /
    district units of its district)."""
    qs = RoleGrant.objects.filter(
        role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
    ).select_related("user", "unit", "unit__district")
    if getattr(user, "is_superuser", False):
        return qs.order_by("unit__name", "id")
    offices = list(Office.objects.filter(pk__in=official_office_ids(user=user)))
    if not offices:
        return qs.none()
    condition = Q(admin_request__office__in=offices)
    for office in offices:
        if office.kind == Office.Kind.SUPERVISORY:
            condition |= Q(unit__supervisory_office=office)
        elif office.kind == Office.Kind.DISTRICT_WINDOW:
            condition |= Q(unit__district_id=office.district_id) & ~Q(unit__level=Unit.Level.CITY)
    return qs.filter(condition).distinct().order_by("unit__name", "id")


# --- deadlines as shown ---------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineView:
    due_date: object
    remaining: int  # working days; 0 = due today, negative = overdue
    overdue: bool
    provisional: bool


def deadline_view(obj) -> DeadlineView:
    overdue = obj.status == RequestStatus.PENDING and clock.now() >= obj.due_at
    remaining = remaining_workdays(obj.due_date, clock.today())
    return DeadlineView(obj.due_date, remaining, overdue, obj.due_provisional)


# --- duplicates --------------------------------------------------------------------------------


def unit_existing_for_code(*, code: str, exclude: Unit | None = None) -> Unit | None:
    """The unit registered under `code` — also the one whose 9-character code is inside an
    18-character `code`, or whose USCC contains a 9-character `code` (FAQ 一.6)."""
    code = normalize_unit_code(code)
    qs = Unit.objects.select_related("district")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    unit = qs.filter(code=code).first()
    if unit is None:
        org = org_code_of(code)
        unit = qs.filter(Q(code=org) | Q(org_code=org)).order_by("id").first()
    return unit


def _name_core(name: str) -> str:
    core = name
    for _ in range(3):
        stripped = _NAME_NOISE.sub("", core)
        if stripped == core:
            break
        core = stripped
    return core


def unit_similar(*, name: str) -> list[Unit]:
    """Active units whose name resembles `name` ("是否是以下单位？")."""
    seen: dict[int, Unit] = {}
    queries = [name]
    core = _name_core(name)
    if len(core) >= 2 and core != name:
        queries.append(core)
    for q in queries:
        for result in unit_search(q=q).results:
            seen.setdefault(result.unit.pk, result.unit)
            if len(seen) >= SIMILAR_LIMIT:
                return list(seen.values())
    return list(seen.values())


def institution_similar(*, name: str) -> list[Institution]:
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
    found = {m.pk: m for m in major_search(q=name, level=level, limit=SIMILAR_LIMIT)}
    core = re.sub(r"(专业|技术|工程)$", "", name)
    if len(core) >= 2 and core != name:
        for m in major_search(q=core, level=level, limit=SIMILAR_LIMIT):
            found.setdefault(m.pk, m)
    return list(found.values())[:SIMILAR_LIMIT]
