"""Writes of the back office. Case moves go through rencai.cases.services.case_transition
(the workflow table); here: the audited reveal of personal data and the officials' act."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from rencai.audit.services import audit_record
from rencai.cases.models import Case
from rencai.cases.services import case_transition
from rencai.core.errors import DomainError, NotFound
from rencai.orgs.models import Office


def case_act(
    *,
    case: Case,
    action: str,
    user,
    acting_as,
    reason: str = "",
    expected_version: int | None,
    target_office_id: int | None = None,
    request=None,
) -> Case:
    """An official's button on the case page. `expected_version` is the version the page
    showed: if someone acted meanwhile the case is left unchanged (Conflict, 409)."""
    if expected_version is None:
        raise DomainError(gettext_lazy("页面已过期，请刷新后重试"), code="stale")
    target = None
    if action == "reroute":
        target = Office.objects.filter(
            pk=target_office_id, kind=Office.Kind.DISTRICT_WINDOW, is_active=True
        ).first()
        if target_office_id and target is None:
            raise DomainError(
                gettext_lazy("改派受理机构：请选择一个区人社局"), field="target_office"
            )
    return case_transition(
        case=case,
        action=action,
        actor=user,
        acting_as=acting_as,
        reason=reason,
        expected_version=expected_version,
        target_office=target,
        request=request,
    )


def case_view_record(*, case: Case, user, request=None) -> None:
    """Opening a case page shows the applicant's personal data: audited."""
    audit_record(event="pii.case_view", actor=user, request=request, obj=case, detail=case.number)


def case_reveal_id_number(*, case: Case, user, request=None) -> str:
    """The applicant's full ID number, for a deliberate click; every reveal is audited."""
    number = case.applicant.reveal_id_number()
    if not number:
        raise NotFound(gettext_lazy("申请人未登记身份证号码"))
    audit_record(
        event="pii.reveal_id_number",
        actor=user,
        request=request,
        obj=case,
        detail=f"{case.number} applicant={case.applicant_id}",
    )
    return number


def document_view_record(*, case: Case, document, variant: str, user, request=None) -> None:
    audit_record(
        event="pii.document_view",
        actor=user,
        request=request,
        obj=case,
        detail=f"{case.number} {document.type_code} {variant}",
    )


def person_lookup_record(*, person, user, request=None) -> None:
    audit_record(
        event="pii.person_lookup",
        actor=user,
        request=request,
        obj=person,
        detail=person.id_number_masked,
    )
