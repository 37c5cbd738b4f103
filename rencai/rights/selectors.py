"""Reads on unit-admin rights. A request is seen by its applicant and by officials of the
approving department (someone else's number is NotFound, never "forbidden")."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rencai.accounts.models import RoleGrant
from rencai.orgs.approvers import units_approved_by
from rencai.orgs.models import Office
from rencai.process.selectors import office_queue, official_office_ids, request_get, visible_to
from rencai.rights.models import UnitAdminRequest

RELATED = ("unit", "unit__district", "office", "applicant", "grant")


def _requests() -> QuerySet[UnitAdminRequest]:
    return UnitAdminRequest.objects.select_related(*RELATED)


def unit_admin_request_list_mine(*, user) -> QuerySet[UnitAdminRequest]:
    if not getattr(user, "is_authenticated", False):
        return UnitAdminRequest.objects.none()
    return _requests().filter(applicant=user).order_by("-submitted_at", "-id")


def unit_admin_request_get(*, user, number: str) -> UnitAdminRequest:
    return request_get(
        queryset=_requests(), user=user, number=number, visible=visible_to("applicant")
    )


def unit_admin_worklist(*, user, include_decided: bool = False) -> QuerySet[UnitAdminRequest]:
    return office_queue(UnitAdminRequest, user, include_decided=include_decided, related=RELATED)


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
    condition = Q(admin_request__office__in=offices) | units_approved_by(offices, prefix="unit__")
    return qs.filter(condition).distinct().order_by("unit__name", "id")
