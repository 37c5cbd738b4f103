"""Field-key rotation: re-encrypt every encrypted field under the current key and profile.

Run with the new key in RENCAI_FIELD_KEY (and RENCAI_CRYPTO_PROFILE) and the old one in
RENCAI_FIELD_KEY_PREVIOUS (and RENCAI_CRYPTO_PROFILE_PREVIOUS when the profile changes).
Rows go in primary-key batches, each batch one transaction; a row already under the current
key is skipped, so an interrupted run simply continues when started again. Blind indexes are
recomputed from the decrypted value; legacy settlement records (which keep only an index,
never the number) are re-keyed through the registered person with that number, and the
report counts those without one (re-import them: docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from rencai.accounts.models import ID_CONTEXT, User, id_number_indexes
from rencai.audit.services import audit_record
from rencai.core import crypto


@dataclass
class RotationReport:
    checked: int = 0
    rotated: int = 0
    settlements_rekeyed: int = 0
    legacy_without_person: int = 0


def _rotate_user(user: User, report: RotationReport) -> None:
    from rencai.cases.models import HistoricalSettlement

    if not user.id_number_encrypted or crypto.is_current(
        user.id_number_encrypted, context=ID_CONTEXT
    ):
        return
    number = crypto.decrypt(user.id_number_encrypted, context=ID_CONTEXT)
    old = set(id_number_indexes(number)) | {user.id_number_index}
    user.set_id_number(number)
    user.save(update_fields=["id_number_encrypted", "id_number_index", "id_number_masked"])
    report.settlements_rekeyed += HistoricalSettlement.objects.filter(
        id_number_index__in=old - {user.id_number_index}
    ).update(id_number_index=user.id_number_index)
    report.rotated += 1


def field_key_rotate(*, batch: int = 500, progress=None) -> RotationReport:
    """Re-encrypt every ID number (and re-key its blind indexes) under the current key."""
    from rencai.cases.models import HistoricalSettlement

    report = RotationReport()
    last = 0
    while True:
        with transaction.atomic():
            users = list(
                User.objects.select_for_update()
                .filter(pk__gt=last)
                .exclude(id_number_encrypted="")
                .order_by("pk")[:batch]
            )
            for user in users:
                _rotate_user(user, report)
        if not users:
            break
        last = users[-1].pk
        report.checked += len(users)
        if progress:
            progress(report)
    report.legacy_without_person = (
        HistoricalSettlement.objects.filter(source=HistoricalSettlement.Source.LEGACY)
        .exclude(id_number_index__in=User.objects.values("id_number_index"))
        .count()
    )
    audit_record(
        event="crypto.field_key_rotated",
        detail=f"profile={crypto.profile()} checked={report.checked} rotated={report.rotated} "
        f"settlements={report.settlements_rekeyed} legacy_orphans={report.legacy_without_person}",
    )
    return report
