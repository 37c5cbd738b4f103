"""HMAC-SHA256 request signatures shared by the adapters and the development gateway.

    X-Gateway-Key: key id      X-Timestamp: unix seconds      X-Nonce: random
    X-Signature: hex HMAC-SHA256(secret, "POST\\n{path}\\n{timestamp}\\n{nonce}\\n{sha256(body)}")

The body (which carries the ID number) is covered by its digest; nothing personal is in
the path or the headers. docs/verification-gateway.openapi.yaml documents it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

MAX_SKEW_SECONDS = 300


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{digest}".encode()


def sign(*, key_id: str, secret: str, method: str, path: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(8)
    mac = hmac.new(secret.encode(), canonical(method, path, timestamp, nonce, body), "sha256")
    return {
        "X-Gateway-Key": key_id,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": mac.hexdigest(),
    }


def verify(*, headers, secret: str, method: str, path: str, body: bytes) -> str | None:
    """None when the signature is good, else why not (for a 401)."""
    timestamp = headers.get("X-Timestamp", "")
    nonce = headers.get("X-Nonce", "")
    given = headers.get("X-Signature", "")
    if not (timestamp.isdigit() and nonce and given):
        return "missing signature headers"
    if abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
        return "timestamp outside the allowed window"
    mac = hmac.new(secret.encode(), canonical(method, path, timestamp, nonce, body), "sha256")
    if not hmac.compare_digest(mac.hexdigest(), given):
        return "bad signature"
    return None
