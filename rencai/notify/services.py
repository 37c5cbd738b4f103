"""Queue and deliver messages."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F

from rencai.core import clock
from rencai.core.masking import scrub
from rencai.notify.channels import channel_for
from rencai.notify.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def outbox_enqueue(
    *, channel: str, recipient: str, body: str, key: str, subject: str = ""
) -> OutboxMessage:
    """Queue a message inside the caller's transaction. Idempotent per `key`."""
    now = clock.now()
    message, _ = OutboxMessage.objects.get_or_create(
        idempotency_key=key[:120],
        defaults={
            "channel": channel,
            "recipient": recipient,
            "subject": subject,
            "body": scrub(body) if channel == "sms" else body,
            "next_attempt_at": now,
            "created_at": now,
        },
    )
    return message


def sms_enqueue(*, mobile: str, body: str, key: str) -> OutboxMessage:
    return outbox_enqueue(channel="sms", recipient=mobile, body=body, key=key)


def _claim(batch: int) -> list[OutboxMessage]:
    """Claim due messages; on PostgreSQL, concurrent workers skip each other's rows."""
    now = clock.now()
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = list(due.select_for_update(skip_locked=True)[:batch])
        else:
            rows = list(due[:batch])
        # Lease: push next_attempt_at forward so another worker leaves them alone.
        lease = now + timedelta(minutes=2)
        OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
            next_attempt_at=lease, attempts=F("attempts") + 1
        )
    for m in rows:
        m.attempts += 1
    return rows


def outbox_deliver(*, batch: int = 100) -> int:
    """Deliver due messages once. Returns how many were sent."""
    sent = 0
    for message in _claim(batch):
        try:
            channel_for(message.channel).send(message)
        except Exception as exc:  # a failing gateway must not stop the worker
            failed = message.attempts >= MAX_ATTEMPTS
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
                next_attempt_at=clock.now() + timedelta(seconds=30 * 2**message.attempts),
                last_error=scrub(str(exc))[:500],
            )
            log.warning("outbox %s attempt %s failed: %s", message.pk, message.attempts, exc)
            continue
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.SENT, sent_at=clock.now(), last_error=""
        )
        sent += 1
    return sent


def outbox_sweep(*, batch: int = 100) -> int:
    return outbox_deliver(batch=batch)
