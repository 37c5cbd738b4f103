"""Issuing, revoking and verifying cards.

Invariants held by the database: one card per case (case is one-to-one) and at most one
valid card per person (card_one_valid_per_holder). Issuing a new card to a person who
still holds a valid one (a re-application the block was lifted for) revokes the old card
in the same transaction: the newer card replaces it.

What revocation means for the re-application block (docs/workflow.md, REVOCATION_RULE):
nothing is lifted. The settlement stays recorded, so the person stays 「已禁止再报」;
applying again needs an official's lift (rencai.cases.reapply.reapply_lift), as before.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.audit.services import audit_record
from rencai.cards.models import Card
from rencai.cards.render import CardContent, card_render_pdf
from rencai.cards.tokens import card_number_from_token, card_token
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError
from rencai.notify.services import sms_enqueue

REASON_MAX = 200
#: Written into docs/workflow.md by rencai.cases.docs (the generator keeps it current).
REVOCATION_RULE = (
    "作废入户卡不解除“禁止再报”：入户记录仍然保留，持卡人如需再次申报，须由区人社局或"
    "市人社局开通再次申报权限（限一次申报）。A revoked card does not lift the "
    "re-application block: the settlement stays recorded; a new application still needs a "
    "lift by a district window or the city bureau. Each person holds at most one valid card "
    "(a database index); a new card issued after a lift revokes the older one."
)
SUPERSEDED = "已由新出具的入户卡{number}取代"


def verify_url(number: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cards:verify", args=[card_token(number)])


def card_next_number(issued_on: date) -> str:
    """GZRK + year + 6-digit sequence; the unique constraint guards concurrent issuers."""
    prefix = f"GZRK{issued_on:%Y}"
    last = (
        Card.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


@transaction.atomic
def card_issue(
    *,
    holder_name: str,
    id_number_masked: str,
    employer: str,
    category: str,
    issuing_office: str,
    case=None,
    issued_on: date | None = None,
) -> Card:
    """Generate the PDF once and store it with the card. Idempotent per case."""
    holder = None
    if case is not None:
        existing = Card.objects.filter(case=case).first()
        if existing is not None:
            return existing
        holder = case.applicant
    issued_on = issued_on or clock.today()
    number = card_next_number(issued_on)
    if holder is not None:
        _supersede(holder=holder, number=number)
    card = Card(
        number=number,
        case=case,
        holder=holder,
        holder_name=holder_name,
        id_number_masked=id_number_masked,
        employer=employer,
        category=category,
        issuing_office=issuing_office,
        issued_on=issued_on,
    )
    pdf = card_render_pdf(
        CardContent(
            number=number,
            holder_name=holder_name,
            id_number_masked=id_number_masked,
            employer=employer,
            category=category,
            issuing_office=issuing_office,
            issued_on=issued_on,
            verify_url=verify_url(number),
        )
    )
    card.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    card.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError:
        # A concurrent issue for the same person or case won the race.
        raise Conflict(
            format_lazy(
                gettext_lazy("入户卡：{holder_name}已有一张有效的入户卡，不能同时持有两张。"),
                holder_name=holder or holder_name,
            ),
            code="card_exists",
        ) from None
    audit_record(event="card_issued", obj=card, detail=f"card {number}")
    return card


def _supersede(*, holder, number: str) -> None:
    for old in Card.objects.select_for_update().filter(holder=holder, revoked_at__isnull=True):
        old.revoked_at = clock.now()
        old.revoke_reason = SUPERSEDED.format(number=number)
        old.save(update_fields=["revoked_at", "revoke_reason"])
        audit_record(event="card_revoked", obj=old, detail=f"card {old.number} superseded")


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            gettext_lazy("作废原因：请填写作废入户卡的原因（必填）。"), field="reason"
        )
    if len(reason) > REASON_MAX:
        raise DomainError(
            format_lazy(
                gettext_lazy("作废原因：不能超过{REASON_MAX}个字。"), REASON_MAX=REASON_MAX
            ),
            field="reason",
        )
    return reason


@transaction.atomic
def card_revoke(*, card: Card, actor, reason: str, request=None, acting_as: str = "") -> Card:
    """Revoke a card (作废): audited with the reason, the holder told by SMS in the same
    transaction. `actor=None` is the operator on the command line (`rencai revoke-card`).
    Who may revoke is checked by the caller (the page: the office holding the case)."""
    reason = _clean_reason(reason)
    card = Card.objects.select_for_update().get(pk=card.pk)
    if card.revoked_at is not None:
        raise Conflict(
            format_lazy(
                gettext_lazy("入户卡{number}已于{shanghai:%Y-%m-%d}作废，无需重复作废。"),
                number=card.number,
                shanghai=card.revoked_at.astimezone(clock.SHANGHAI),
            ),
            code="card_revoked",
        )
    card.revoked_at = clock.now()
    card.revoke_reason = reason
    card.save(update_fields=["revoked_at", "revoke_reason"])
    via = "" if actor is not None or request is not None else " via=command-line"
    event = audit_record(
        event="card_revoked",
        actor=actor,
        request=request,
        obj=card,
        acting_as=acting_as,
        detail=f"card {card.number} reason={reason}{via}",
    )
    holder = card.holder or (card.case.applicant if card.case_id else None)
    if holder is not None and holder.mobile:
        sms_enqueue(
            mobile=holder.mobile,
            body=(
                f"【广州人才引进】您的《广州市入户人员信息卡》（卡号{card.number}）已作废，"
                f"原因：{reason}。如有疑问请联系{card.issuing_office or '办理机构'}。"
            ),
            key=f"card-revoked:{card.pk}:{event.pk}",
        )
    return card


@dataclass(frozen=True)
class Verification:
    status: str  # "valid" | "revoked" | "invalid"
    card: Card | None


def card_verify(*, token: str) -> Verification:
    number = card_number_from_token(token)
    card = Card.objects.filter(number=number).first() if number else None
    if card is None:
        return Verification("invalid", None)
    return Verification("valid" if card.is_current else "revoked", card)
