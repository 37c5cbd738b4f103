"""Reads: who sees which request, worklists. (Units, schools and majors resembling a new
one: rencai.orgs.similar, rencai.catalog.selectors.)

Visibility (a request of someone else is NotFound, never "forbidden"):
- the requester sees their own requests;
- active unit admins of the unit a request was made for (acting as that unit) see it;
- officials of the holding office (the data service centre) see it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rencai.changes.models import ChangeRequest
from rencai.process.selectors import admin_unit_ids, office_queue, request_get, visible_to

CHANGE_RELATED = ("office", "unit", "acting_unit", "requester", "district")


def _changes() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related(*CHANGE_RELATED)


def change_request_list_mine(*, user) -> QuerySet[ChangeRequest]:
    """My requests and those of the units I administer (查询信息注册情况及进度)."""
    if not getattr(user, "is_authenticated", False):
        return ChangeRequest.objects.none()
    return (
        _changes()
        .filter(Q(requester=user) | Q(acting_unit_id__in=admin_unit_ids(user=user)))
        .order_by("-submitted_at", "-id")
    )


#: The requester, the admins of the unit it was made for, the reviewers (see the module doc).
change_request_visible = visible_to("requester", unit="acting_unit")


def change_request_get(*, user, number: str) -> ChangeRequest:
    """A request `user` may see, by number; NotFound otherwise (no hint that it exists)."""
    return request_get(
        queryset=_changes(), user=user, number=number, visible=change_request_visible
    )


def change_worklist(*, user, include_decided: bool = False) -> QuerySet[ChangeRequest]:
    """Pending requests of the reviewer's offices, earliest deadline first."""
    return office_queue(
        ChangeRequest, user, include_decided=include_decided, related=CHANGE_RELATED
    )


def change_document_permission(user, document) -> bool:
    """documents app hook: who may open an attachment of a change request (or a draft)."""
    change = ChangeRequest.objects.filter(folder_id=document.folder_id).first()
    if change is None:
        return document.folder.owner_kind == "change_draft" and document.uploaded_by_id == user.pk
    return change_request_visible(user, change)
