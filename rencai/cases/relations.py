"""Who is the actor to this case? (applicant-owner, unit admin of its unit, staff of the
office holding it, or the system). Resolved from the role the person is *acting as*."""

from __future__ import annotations

from rencai.accounts.models import RoleGrant
from rencai.accounts.roles import PERSONAL
from rencai.cases.models import Case
from rencai.cases.workflow import Role


def acting_as_label(actor, acting_as) -> str:
    """The acting-as text of a history/audit row: a record, so Chinese in any language."""
    if actor is None:
        return "系统"
    return acting_as.record_label if acting_as is not None else PERSONAL


def _grant_active(grant, actor) -> bool:
    return (
        grant is not None
        and grant.user_id == actor.pk
        and RoleGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).exists()
    )


def relation_of(*, case: Case, actor, acting_as) -> str | None:
    """The Role the actor has on the case, or None (a stranger)."""
    if actor is None:
        return Role.SYSTEM
    grant = getattr(acting_as, "grant", None)
    if grant is None:
        return Role.APPLICANT if actor.pk == case.applicant_id else None
    if not _grant_active(grant, actor):
        return None
    if grant.role == RoleGrant.Role.UNIT_ADMIN and grant.unit_id == case.unit_id:
        if case.status == Case.Status.DRAFT and case.created_by_id == case.applicant_id:
            return None  # the applicant's own draft is private until they submit it
        return Role.UNIT_ADMIN
    if (
        grant.role == RoleGrant.Role.OFFICIAL
        and case.holding_office_id is not None
        and grant.office_id == case.holding_office_id
    ):
        return Role.OFFICE
    return None


def step_refusal(*, case: Case, actor) -> str | None:
    """Office staff may act only on a step they are assigned to (or any-staff steps)."""
    step = case.chain_step
    if step is None or step.allows(actor):
        return None
    return f"当前步骤（第{step.order}步：{step.name}）由指定人员办理，您不是该步骤的办理人。"
