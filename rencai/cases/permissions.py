"""Who may see a case's attachments."""

from __future__ import annotations

from rencai.accounts.models import RoleGrant
from rencai.cases.models import Case


def case_document_permission(user, document) -> bool:
    case = Case.objects.filter(folder_id=document.folder_id).first()
    if case is None:
        return False
    if case.applicant_id == user.pk or case.created_by_id == user.pk:
        return True
    grants = RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
    if case.route == Case.Route.VIA_UNIT and grants.filter(unit_id=case.unit_id).exists():
        return True
    if case.status == Case.Status.DRAFT:
        return False
    offices = {
        pk
        for pk in (case.holding_office_id, case.supervisory_office_id, case.acceptance_office_id)
        if pk
    }
    return grants.filter(office_id__in=offices).exists()
