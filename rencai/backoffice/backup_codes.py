"""One-time backup codes for the second factor: for the day the phone is lost or flat.

Ten codes, generated at enrolment and on request (regenerating replaces the whole set),
shown once and stored only as a keyed hash (HMAC with the field key, bound to the user:
each code carries ~49 bits of randomness, so a slow hash buys nothing). Each code opens
one login at the TOTP step, under the same per-account throttle as TOTP codes; every use
is audited and the holder told by SMS.
"""

from __future__ import annotations

import re
import secrets

from django.db import transaction

from rencai.accounts.models import User
from rencai.audit.services import audit_record
from rencai.backoffice.models import BackupCode
from rencai.core import clock, crypto

COUNT = 10
LENGTH = 10
# No 0/o, 1/i/l: read off paper without doubt.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_FORMAT = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def normalize(code: str) -> str:
    """The code as stored ('abcde-fghjk' typed any case, with spaces or hyphens), or ""."""
    value = re.sub(r"[\s-]", "", code or "").lower()
    return value if _FORMAT.fullmatch(value) else ""


def looks_like_backup_code(code: str) -> bool:
    return bool(normalize(code))


def _hash(user: User, code: str) -> str:
    return crypto.blind_index(code, context=f"totp-backup:{user.pk}")


def _display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def remaining(user: User) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def backup_codes_generate(*, user: User, request=None, how: str = "request") -> list[str]:
    """A fresh set of codes (the old set stops working). Returns them for showing once."""
    replaced, _by_model = BackupCode.objects.filter(user=user).delete()
    now = clock.now()
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    BackupCode.objects.bulk_create(
        [BackupCode(user=user, code_hash=_hash(user, c), created_at=now) for c in codes]
    )
    audit_record(
        event="totp.backup_codes_generate",
        actor=user,
        request=request,
        obj=user,
        detail=f"count={COUNT} replaced={replaced} how={how}",
    )
    return [_display(c) for c in codes]


def backup_code_consume(*, user: User, code: str) -> bool:
    """Use one code: true once per code (a conditional update, so two concurrent requests
    with the same code cannot both succeed)."""
    value = normalize(code)
    if not value:
        return False
    used = BackupCode.objects.filter(
        user=user, code_hash=_hash(user, value), used_at__isnull=True
    ).update(used_at=clock.now())
    return used == 1


def backup_codes_delete(*, user: User) -> int:
    deleted, _by_model = BackupCode.objects.filter(user=user).delete()
    return deleted
