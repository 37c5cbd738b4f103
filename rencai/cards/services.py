"""Issuing, revoking and verifying cards."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from rencai.audit.services import audit_record
from rencai.cards.models import Card
from rencai.cards.render import CardContent, card_render_pdf
from rencai.cards.tokens import card_number_from_token, card_token
from rencai.core import clock
from rencai.core.errors import Conflict


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
    if case is not None:
        existing = Card.objects.filter(case=case).first()
        if existing is not None:
            return existing
    issued_on = issued_on or clock.today()
    number = card_next_number(issued_on)
    card = Card(
        number=number,
        case=case,
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
    card.save()
    audit_record(event="card_issued", obj=card, detail=f"card {number}")
    return card


@transaction.atomic
def card_revoke(*, card: Card, actor, reason: str) -> Card:
    if not reason.strip():
        raise Conflict("作废入户卡须填写原因 A reason is required.", field="reason")
    card = Card.objects.select_for_update().get(pk=card.pk)
    if card.revoked_at is None:
        card.revoked_at = clock.now()
        card.revoke_reason = reason.strip()[:200]
        card.save(update_fields=["revoked_at", "revoke_reason"])
        audit_record(event="card_revoked", actor=actor, obj=card, detail=reason)
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
