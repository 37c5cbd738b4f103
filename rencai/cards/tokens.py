"""Signed verification tokens: the QR code carries only the card number, signed."""

from __future__ import annotations

from django.core import signing

SALT = "rencai.cards.verify"


def card_token(number: str) -> str:
    return signing.dumps({"n": number}, salt=SALT, compress=True)


def card_number_from_token(token: str) -> str | None:
    """The card number, or None for a forged or damaged token."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    number = data.get("n") if isinstance(data, dict) else None
    return number if isinstance(number, str) else None
