"""Encryption at rest for personal numbers: an AEAD cipher plus a keyed HMAC blind index.

Two profiles (settings.RENCAI_CRYPTO_PROFILE):
  standard  AES-256-GCM, HMAC-SHA256, keys by HKDF-SHA256            (ciphertext version 1)
  gm        SM4-GCM, HMAC-SM3, keys by HKDF-SM3 (GB/T 39786-2021, 密评) (ciphertext version 2)
Both come from the `cryptography` package (OpenSSL). Every ciphertext starts with its
version byte, so data written under either profile stays readable, and
`rencai rotate-field-key` converts it. All keys are derived from one configured secret,
settings.FIELD_ENCRYPTION_KEY, so the uses never share key material. During a rotation the
previous secret and profile (FIELD_ENCRYPTION_KEY_PREVIOUS, RENCAI_CRYPTO_PROFILE_PREVIOUS)
are also configured: decryption tries both, and lookups ask for both blind indexes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

STANDARD, GM = "standard", "gm"
PROFILES = (STANDARD, GM)
_VERSION = {STANDARD: b"\x01", GM: b"\x02"}
_PROFILE_OF = {v: k for k, v in _VERSION.items()}


@cache
def _derive(purpose: bytes, secret: str, profile: str = STANDARD) -> bytes:
    if profile == GM:
        length = 16 if purpose == b"encrypt" else 32  # SM4 keys are 128-bit
        return HKDF(algorithm=hashes.SM3(), length=length, salt=b"rencai", info=purpose).derive(
            secret.encode()
        )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"rencai", info=purpose).derive(
        secret.encode()
    )


def profile() -> str:
    value = getattr(settings, "RENCAI_CRYPTO_PROFILE", STANDARD) or STANDARD
    if value not in PROFILES:
        raise ValueError(f"RENCAI_CRYPTO_PROFILE must be one of {PROFILES}, not {value!r}")
    return value


def _keyrings() -> list[tuple[str, str]]:
    """(secret, profile) pairs, current first, then the one being rotated away from."""
    rings = [(settings.FIELD_ENCRYPTION_KEY, profile())]
    previous = getattr(settings, "FIELD_ENCRYPTION_KEY_PREVIOUS", "") or ""
    previous_profile = getattr(settings, "RENCAI_CRYPTO_PROFILE_PREVIOUS", "") or profile()
    if previous or previous_profile != profile():
        ring = (previous or settings.FIELD_ENCRYPTION_KEY, previous_profile)
        if ring != rings[0]:
            rings.append(ring)
    return rings


def rotating() -> bool:
    """A rotation is configured (a previous key or profile is set)."""
    return len(_keyrings()) > 1


def _key(purpose: bytes) -> bytes:
    return _derive(purpose, settings.FIELD_ENCRYPTION_KEY, profile())


def _seal(key: bytes, prof: str, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    if prof == GM:
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(plaintext) + enc.finalize() + enc.tag
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, prof: str, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if prof == GM:
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-16:])).decryptor()
        dec.authenticate_additional_data(aad)
        return dec.update(sealed[:-16]) + dec.finalize()
    return AESGCM(key).decrypt(nonce, sealed, aad)


def encrypt(plaintext: str, *, context: str) -> str:
    """Return base64 text: version || nonce || ciphertext+tag. `context` is bound as AAD."""
    prof = profile()
    nonce = os.urandom(12)
    sealed = _seal(_key(b"encrypt"), prof, nonce, plaintext.encode(), context.encode())
    return base64.b64encode(_VERSION[prof] + nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    raw = base64.b64decode(token)
    prof = _PROFILE_OF.get(raw[:1])
    if prof is None:
        raise ValueError("unknown ciphertext version")
    secrets = [s for s, p in _keyrings()] or [settings.FIELD_ENCRYPTION_KEY]
    for secret in dict.fromkeys(secrets):
        try:
            key = _derive(b"encrypt", secret, prof)
            return _open(key, prof, raw[1:13], raw[13:], context.encode()).decode()
        except InvalidTag:
            continue
    raise ValueError("no configured field key opens this ciphertext")


def is_current(token: str, *, context: str) -> bool:
    """Whether `token` is already under the current key and profile (rotation skips it)."""
    raw = base64.b64decode(token)
    if raw[:1] != _VERSION[profile()]:
        return False
    try:
        _open(_key(b"encrypt"), profile(), raw[1:13], raw[13:], context.encode())
    except InvalidTag:
        return False
    return True


def _mac(key: bytes, prof: str, message: bytes) -> str:
    return hmac.new(key, message, "sm3" if prof == GM else hashlib.sha256).hexdigest()


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed digest for equality lookups and uniqueness."""
    return _mac(_key(b"blind-index"), profile(), f"{context}:{value}".encode())


def blind_indexes(value: str, *, context: str) -> list[str]:
    """The current index, and during a rotation the previous one (rows not yet rotated)."""
    message = f"{context}:{value}".encode()
    return list(
        dict.fromkeys(_mac(_derive(b"blind-index", s, p), p, message) for s, p in _keyrings())
    )


def key_check_value() -> str:
    """A short digest that identifies the configured field key without revealing it.

    Backups record it, so a restore under another key is refused before any ID number
    becomes unreadable (the key itself never goes into a backup).
    """
    key = _derive(b"key-check", settings.FIELD_ENCRYPTION_KEY, STANDARD)  # profile-free
    return hmac.new(key, b"rencai", hashlib.sha256).hexdigest()[:16]


def sign(message: bytes, *, purpose: str) -> str:
    """HMAC of `message` with a key for `purpose`: SHA-256, or SM3 in the gm profile."""
    return _mac(_key(b"sign:" + purpose.encode()), profile(), message)
