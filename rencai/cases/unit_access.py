"""A unit admin's look-up by ID number (FAQ 二.3) without a name oracle, and the
application a unit starts for a person, which becomes the person's only when they accept.

    unit_lookup(*, admin, acting_as, id_number, request)            -> PersonLookup
    unit_invite(*, admin, acting_as, id_number, category, request)  -> UnitInvitation
    invitations_pending(person) / invitation_accept / invitation_decline
    consents_active(person) / consent_grant / consent_revoke

The rule: the admin learns a name (and the person's cases with the unit) only if the
person has named the unit (`person_names_unit`). Otherwise the answer is 「该人尚未申报」
and exactly the same whether the number is registered or not. 「点击这里」 then creates an
invitation, again the same answer either way; the person sees it on their page (also
after registering later) and accepts (the draft is created, started by the unit) or
declines. Look-ups and starts count against a per-admin limit (UnitLookup rows, so the
limit holds across processes and restarts) and are audited with the number masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext

from rencai.accounts.models import RoleGrant, User, id_number_index
from rencai.accounts.validators import validate_id_number
from rencai.audit.services import audit_record
from rencai.cases.models import Case, UnitConsent, UnitInvitation, UnitLookup
from rencai.cases.routing import route_kind
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound, RateLimited
from rencai.core.masking import mask_id_number
from rencai.notify.services import sms_enqueue

#: Per unit admin; settings RENCAI_UNIT_LOOKUPS_PER_HOUR / _PER_DAY override them. A unit
#: looks up its own staff, a few a day: a scan of ID numbers stops here.
LOOKUPS_PER_HOUR = 30
LOOKUPS_PER_DAY = 100
#: An invitation nobody answered ends by itself.
INVITATION_DAYS = 30
NOT_APPLIED = "该人尚未申报"


@dataclass
class PersonLookup:
    kind: str  # "not_applied" (all the admin learns) | "applied" (the person named the unit)
    message: str
    person: User | None = None
    cases: list = field(default_factory=list)


def _unit_of(acting_as):
    unit = getattr(acting_as, "unit", None)
    if unit is None:
        raise DomainError(gettext_lazy("请先切换为单位身份"), code="forbidden_role")
    return unit


def _clean_number(id_number: str) -> str:
    try:
        return validate_id_number((id_number or "").strip().upper())
    except ValidationError as exc:
        raise DomainError(
            gettext("身份证号码：%(problems)s")
            % {"problems": pgettext("message separator", "；").join(exc.messages)},
            field="id_number",
        ) from None


def _count(*, admin, unit, now) -> None:
    """Refuse past the limits; otherwise record this look-up (its own row, committed with
    the caller's transaction: a refused look-up is not counted)."""
    per_hour = getattr(settings, "RENCAI_UNIT_LOOKUPS_PER_HOUR", LOOKUPS_PER_HOUR)
    per_day = getattr(settings, "RENCAI_UNIT_LOOKUPS_PER_DAY", LOOKUPS_PER_DAY)
    # One admin's look-ups queue on their user row, so parallel requests cannot overshoot.
    list(User.objects.select_for_update().filter(pk=admin.pk).values_list("pk", flat=True))
    recent = UnitLookup.objects.filter(admin=admin)
    if recent.filter(at__gte=now - timedelta(hours=1)).count() >= per_hour:
        raise RateLimited(
            format_lazy(
                gettext_lazy(
                    "查询过于频繁：每位单位管理员每小时最多按身份证号码查询{per_hour}次，请稍后再试。"
                ),
                per_hour=per_hour,
            )
        )
    if recent.filter(at__gte=now - timedelta(days=1)).count() >= per_day:
        raise RateLimited(
            format_lazy(
                gettext_lazy(
                    "查询过于频繁：每位单位管理员每天最多按身份证号码查询{per_day}次，请明天再试。"
                ),
                per_day=per_day,
            )
        )
    UnitLookup.objects.create(admin=admin, unit=unit, at=now)


def person_names_unit(person: User | None, unit) -> bool:
    """Has the person named the unit: a case of theirs with it (a draft too), a role grant
    at it (they work there), or 「允许该单位为我申报」?"""
    if person is None or not person.is_active:
        return False
    return (
        Case.objects.filter(applicant=person, unit=unit).exists()
        or RoleGrant.objects.filter(user=person, unit=unit, revoked_at__isnull=True).exists()
        or UnitConsent.objects.filter(person=person, unit=unit, revoked_at__isnull=True).exists()
    )


def _person(number: str) -> User | None:
    return User.objects.filter(id_number_index=id_number_index(number)).first()


@transaction.atomic
def unit_lookup(*, admin, acting_as, id_number: str, request=None) -> PersonLookup:
    unit = _unit_of(acting_as)
    number = _clean_number(id_number)
    now = clock.now()
    _count(admin=admin, unit=unit, now=now)
    person = _person(number)
    named = person_names_unit(person, unit)
    audit_record(
        event="unit.person_lookup", actor=admin, request=request, obj=unit,
        detail=f"{mask_id_number(number)} {'named' if named else 'not_applied'}",
    )  # fmt: skip
    if not named:
        return PersonLookup("not_applied", gettext(NOT_APPLIED))
    cases = list(
        Case.objects.filter(applicant=person, unit=unit)
        .exclude(status=Case.Status.DRAFT, created_by_id=models.F("applicant_id"))
        .select_related("holding_office", "chain_step")
        .order_by("-created_at")
    )
    if cases:
        return PersonLookup("applied", gettext("该人员已在本单位申报"), person, cases)
    return PersonLookup(
        "applied", gettext("该人员已选择或授权本单位为其申报，本单位暂无可查看的申请"), person
    )


def _check_category(category: str) -> str:
    if category not in Case.Category.values:
        raise DomainError(gettext_lazy("申报类别：请从列表中选择"), field="category")
    return category


@transaction.atomic
def unit_invite(*, admin, acting_as, id_number: str, category: str, request=None) -> UnitInvitation:
    """「点击这里」: an application for the person, waiting for them to accept. The answer
    is the same whether the number is registered or not (NOT a draft in their account)."""
    unit = _unit_of(acting_as)
    if route_kind(unit) != Case.Route.VIA_UNIT:
        raise DomainError(
            format_lazy(
                gettext_lazy(
                    "“{name}”的申请由申请人本人填报后直接报送区人社局，无需单位代为发起。"
                ),
                name=unit.name,
            ),
            code="direct_route",
        )
    number = _clean_number(id_number)
    category = _check_category(category)
    now = clock.now()
    _count(admin=admin, unit=unit, now=now)
    person = _person(number)
    if person_names_unit(person, unit):
        # The person named the unit, so the admin may hear now what they would hear anyway.
        from rencai.cases.reapply import reapply_status

        status = reapply_status(person)
        if status.blocked:
            raise Conflict(status.message, code="reapply_blocked")
    index = id_number_index(number)
    existing = _pending(UnitInvitation.objects.filter(unit=unit, id_number_index=index), now)
    invitation = existing.first()
    if invitation is None:
        _expire(unit=unit, index=index, now=now)
        try:
            with transaction.atomic():
                invitation = UnitInvitation.objects.create(
                    unit=unit, id_number_index=index, id_number_masked=mask_id_number(number),
                    category=category, invited_by=admin, created_at=now,
                )  # fmt: skip
        except IntegrityError:  # the same invitation sent twice at once
            invitation = UnitInvitation.objects.get(
                unit=unit, id_number_index=index, status=UnitInvitation.Status.PENDING
            )
        if person is not None and person.is_active and person.mobile:
            sms_enqueue(
                mobile=person.mobile,
                body=(
                    f"【广州人才引进】{unit.name}邀请您通过单位申报人才引进入户"
                    f"（{Case.Category(category).label}）。请登录系统，在“我的申请”中确认"
                    "或拒绝；确认前不会为您创建申请。"
                ),
                key=f"unit-invite:{invitation.pk}",
            )
    audit_record(
        event="unit.invite", actor=admin, request=request, obj=invitation,
        detail=f"{invitation.id_number_masked} {category}",
    )  # fmt: skip
    return invitation


def _pending(qs, now):
    return qs.filter(
        status=UnitInvitation.Status.PENDING,
        created_at__gt=now - timedelta(days=INVITATION_DAYS),
    )


def _expire(*, unit, index: str, now) -> None:
    """An old unanswered invitation ends (declined by silence) before a new one is made."""
    UnitInvitation.objects.filter(
        unit=unit, id_number_index=index, status=UnitInvitation.Status.PENDING,
        created_at__lte=now - timedelta(days=INVITATION_DAYS),
    ).update(status=UnitInvitation.Status.DECLINED, decided_at=now)  # fmt: skip


def invitations_pending(person: User) -> list[UnitInvitation]:
    """The person's invitations to confirm (by their ID number, so also those sent
    before they registered)."""
    if not person.id_number_index:
        return []
    qs = UnitInvitation.objects.filter(id_number_index=person.id_number_index)
    return list(_pending(qs, clock.now()).select_related("unit").order_by("-created_at"))


def invitation_status_label(invitation: UnitInvitation) -> str:
    """What the unit admin sees: declined and expired look alike (「未获本人确认」)."""
    if invitation.status == UnitInvitation.Status.ACCEPTED:
        return gettext("本人已确认")
    expired = invitation.created_at <= clock.now() - timedelta(days=INVITATION_DAYS)
    if invitation.status == UnitInvitation.Status.DECLINED or expired:
        return gettext("未获本人确认，邀请已结束")
    return gettext("待本人确认")


def invitations_sent(*, unit, limit: int = 50) -> list[UnitInvitation]:
    return list(
        UnitInvitation.objects.filter(unit=unit)
        .select_related("case")
        .order_by("-created_at")[:limit]
    )


def _invitation_for(person: User, invitation_id: int) -> UnitInvitation:
    invitation = (
        UnitInvitation.objects.select_for_update()
        .select_related("unit", "invited_by")
        .filter(pk=invitation_id, id_number_index=person.id_number_index or "-")
        .first()
    )
    if invitation is None:
        raise NotFound(gettext_lazy("申报邀请不存在"))
    pending = _pending(UnitInvitation.objects.filter(pk=invitation.pk), clock.now()).exists()
    if not pending:
        raise Conflict(gettext_lazy("该申报邀请已处理或已过期"), code="invitation_closed")
    return invitation


@transaction.atomic
def invitation_accept(*, person: User, invitation_id: int, request=None) -> Case:
    """The person accepts: the draft is created in their account, started by the unit's
    admin (who can then fill it in and forward it, FAQ 二.3)."""
    from rencai.cases.services import application_start

    invitation = _invitation_for(person, invitation_id)
    if not invitation.unit.is_active:
        raise Conflict(
            format_lazy(
                gettext_lazy("引进单位“{name}”已注销，不能接受该邀请"), name=invitation.unit.name
            )
        )
    case = application_start(
        applicant=person, unit=invitation.unit, category=invitation.category,
        created_by=invitation.invited_by, request=request,
    )  # fmt: skip
    invitation.status = UnitInvitation.Status.ACCEPTED
    invitation.decided_at = clock.now()
    invitation.case = case
    invitation.save(update_fields=["status", "decided_at", "case"])
    audit_record(
        event="unit.invite_accepted", actor=person, request=request, obj=invitation,
        detail=f"{invitation.id_number_masked} {case.number}",
    )  # fmt: skip
    return case


@transaction.atomic
def invitation_decline(*, person: User, invitation_id: int, request=None) -> UnitInvitation:
    invitation = _invitation_for(person, invitation_id)
    invitation.status = UnitInvitation.Status.DECLINED
    invitation.decided_at = clock.now()
    invitation.save(update_fields=["status", "decided_at"])
    audit_record(
        event="unit.invite_declined", actor=person, request=request, obj=invitation,
        detail=invitation.id_number_masked,
    )  # fmt: skip
    return invitation


def consents_active(person: User) -> list[UnitConsent]:
    return list(
        UnitConsent.objects.filter(person=person, revoked_at__isnull=True)
        .select_related("unit")
        .order_by("-granted_at")
    )


@transaction.atomic
def consent_grant(*, person: User, unit, request=None) -> UnitConsent:
    """「允许该单位为我申报」. Idempotent: granting again returns the active consent."""
    if not unit.is_active:
        raise DomainError(
            format_lazy(gettext_lazy("单位：“{name}”已注销"), name=unit.name), field="unit"
        )
    consent = UnitConsent.objects.filter(person=person, unit=unit, revoked_at__isnull=True).first()
    if consent is not None:
        return consent
    try:
        with transaction.atomic():
            consent = UnitConsent.objects.create(person=person, unit=unit, granted_at=clock.now())
    except IntegrityError:
        return UnitConsent.objects.get(person=person, unit=unit, revoked_at__isnull=True)
    audit_record(event="unit.consent_granted", actor=person, request=request, obj=consent,
                 detail=unit.code)  # fmt: skip
    return consent


@transaction.atomic
def consent_revoke(*, person: User, consent_id: int, request=None) -> None:
    consent = (
        UnitConsent.objects.select_for_update()
        .filter(pk=consent_id, person=person, revoked_at__isnull=True)
        .first()
    )
    if consent is None:
        raise NotFound(gettext_lazy("授权不存在或已撤销"))
    consent.revoked_at = clock.now()
    consent.save(update_fields=["revoked_at"])
    audit_record(event="unit.consent_revoked", actor=person, request=request, obj=consent,
                 detail=str(consent.unit_id))  # fmt: skip
