"""Encryption at rest for personal numbers: AES-GCM plus a keyed HMAC blind index.

Both keys are derived (HKDF) from settings.FIELD_ENCRYPTION_KEY, so one secret
is configured and the two uses never share key material.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"\x01"


@cache
def _derive(purpose: bytes, secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"rencai", info=purpose).derive(
        secret.encode()
    )


def _key(purpose: bytes) -> bytes:
    return _derive(purpose, settings.FIELD_ENCRYPTION_KEY)


def encrypt(plaintext: str, *, context: str) -> str:
    """Return base64 text: version || nonce || ciphertext+tag. `context` is bound as AAD."""
    nonce = os.urandom(12)
    ct = AESGCM(_key(b"encrypt")).encrypt(nonce, plaintext.encode(), context.encode())
    return base64.b64encode(_VERSION + nonce + ct).decode()


def decrypt(token: str, *, context: str) -> str:
    raw = base64.b64decode(token)
    if raw[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    return AESGCM(_key(b"encrypt")).decrypt(raw[1:13], raw[13:], context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed digest for equality lookups and uniqueness."""
    mac = hmac.new(_key(b"blind-index"), f"{context}:{value}".encode(), hashlib.sha256)
    return mac.hexdigest()


def key_check_value() -> str:
    """A short digest that identifies the configured field key without revealing it.

    Backups record it, so a restore under another key is refused before any ID number
    becomes unreadable (the key itself never goes into a backup).
    """
    return hmac.new(_key(b"key-check"), b"rencai", hashlib.sha256).hexdigest()[:16]
