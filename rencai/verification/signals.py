"""Queue verification requests when a case changes (no edit of the cases app needed):
a saved draft gets a pre-check; a case arriving at its acceptance office gets the
submission's verification, in the same transaction as the move (outbox style)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from rencai.cases.models import Case, CaseEvent


@receiver(post_save, sender=Case, dispatch_uid="verification_precheck")
def _draft_saved(sender, instance: Case, raw=False, **kwargs):
    if raw or instance.status not in (Case.Status.DRAFT, Case.Status.RETURNED):
        return
    from rencai.verification.services import precheck_enqueue

    precheck_enqueue(case=instance)


@receiver(post_save, sender=CaseEvent, dispatch_uid="verification_submission")
def _event_saved(sender, instance: CaseEvent, created=False, raw=False, **kwargs):
    if raw or not created:
        return
    if (
        instance.to_status != Case.Status.AWAITING_ACCEPTANCE
        or instance.from_status == instance.to_status
    ):
        return
    from rencai.verification.models import VerificationRequest
    from rencai.verification.services import enabled, verification_enqueue

    if enabled():
        verification_enqueue(
            case=instance.case, purpose=VerificationRequest.Purpose.SUBMISSION,
            key=f"submission:{instance.case_id}:{instance.pk}", now=instance.at,
        )  # fmt: skip
