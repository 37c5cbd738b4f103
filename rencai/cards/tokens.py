"""Signed verification tokens: the QR code carries only the card number, signed.

Signed with HMAC-SHA256 (Django's signing), or HMAC-SM3 under RENCAI_CRYPTO_PROFILE=gm.
Not SM2: the token is only ever verified by this system's own /cards/verify/ page, so an
asymmetric signature would add a key pair to guard and nothing a verifier needs, and no
well-maintained SM2 library is on PyPI (the pure-Python ones are unmaintained). A card
printed before a profile switch stays verifiable: both algorithms are tried.
"""

from __future__ import annotations

import hashlib
import hmac

from django.core import signing
from django.utils.encoding import force_bytes

from rencai.core import crypto

SALT = "rencai.cards.verify"


class SM3Signer(signing.TimestampSigner):
    """Django's Signer with HMAC-SM3 (hashlib names it only through OpenSSL's `new`)."""

    def signature(self, value, key=None):
        key = key or self.key
        salted = hashlib.new("sm3", force_bytes(self.salt + "signer" + key)).digest()
        mac = hmac.new(salted, force_bytes(value), "sm3").digest()
        return signing.b64_encode(mac).decode()


def _signers() -> list[signing.Signer]:
    standard = signing.TimestampSigner(salt=SALT)  # = signing.dumps, as printed cards have
    gm = SM3Signer(salt=SALT)
    return [gm, standard] if crypto.profile() == crypto.GM else [standard, gm]


def card_token(number: str) -> str:
    return _signers()[0].sign_object({"n": number}, compress=True)


def card_number_from_token(token: str) -> str | None:
    """The card number, or None for a forged or damaged token."""
    for signer in _signers():
        try:
            data = signer.unsign_object(token)
        except signing.BadSignature:
            continue
        number = data.get("n") if isinstance(data, dict) else None
        return number if isinstance(number, str) else None
    return None
