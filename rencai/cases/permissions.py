"""Who may see a case's attachments at /files/ (the applicant's and the unit's side).

Officials never use /files/: they open attachments from their case page
(backoffice.views.case_document), which checks the office holding the case and the
second factor and records the view (FAQ 二.x: who looked at a file is on record)."""

from __future__ import annotations

from rencai.accounts.models import RoleGrant
from rencai.cases.models import Case


def case_document_permission(user, document) -> bool:
    case = Case.objects.filter(folder_id=document.folder_id).first()
    if case is None:
        return False
    if case.applicant_id == user.pk or case.created_by_id == user.pk:
        return True
    if case.status == Case.Status.DRAFT and case.created_by_id == case.applicant_id:
        return False  # the applicant's own draft is private (relations.relation_of)
    if case.route != Case.Route.VIA_UNIT and case.created_by_id == case.applicant_id:
        return False  # direct route: no unit admin takes part
    return RoleGrant.objects.filter(
        user=user,
        role=RoleGrant.Role.UNIT_ADMIN,
        unit_id=case.unit_id,
        revoked_at__isnull=True,
    ).exists()


def case_document_checked_by_office(user, document) -> bool:
    """For backoffice.views.case_document, which has already found the case through the
    official's office (and the second factor) and the document inside its folder."""
    return True
