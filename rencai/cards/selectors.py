"""Who may download a card."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from rencai.accounts.models import RoleGrant
from rencai.cards.models import Card
from rencai.core.errors import NotFound


def card_for_case(*, case) -> Card | None:
    return Card.objects.filter(case=case).first()


def card_get_for_download(*, number: str, user, acting_as) -> Card:
    """The card, if `user` (acting as `acting_as`) may download it; NotFound otherwise.

    Allowed: the applicant (their own card, whatever role they act in); a unit admin of
    the case's unit acting as that unit; an official of the issuing office (the office
    that held the case at issuance) acting for it. A revoked card is kept for the
    office only.
    """
    card = Card.objects.select_related("case").filter(number=number, case__isnull=False).first()
    if card is None or not user.is_authenticated:
        raise NotFound(gettext_lazy("入户卡不存在"))
    case = card.case
    grant = getattr(acting_as, "grant", None)
    office_ids = {case.holding_office_id or case.acceptance_office_id} - {None}
    is_office = (
        grant is not None
        and grant.user_id == user.pk
        and grant.revoked_at is None
        and grant.role == RoleGrant.Role.OFFICIAL
        and grant.office_id in office_ids
    )
    if is_office:
        return card
    if card.revoked_at is not None:
        raise NotFound(gettext_lazy("入户卡不存在"))
    if case.applicant_id == user.pk:
        return card
    if (
        grant is not None
        and grant.user_id == user.pk
        and grant.revoked_at is None
        and grant.role == RoleGrant.Role.UNIT_ADMIN
        and grant.unit_id == case.unit_id
    ):
        return card
    raise NotFound(gettext_lazy("入户卡不存在"))
