"""Queue and deliver messages."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from rencai.core import clock
from rencai.core.masking import mask_codes, scrub
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


def _lease() -> timedelta:
    return timedelta(seconds=settings.RENCAI_OUTBOX_LEASE_SECONDS)


def _claim(batch: int, token: str) -> list[OutboxMessage]:
    """Claim due messages for this run; on PostgreSQL, concurrent workers skip each other's
    rows (SQLite serialises write transactions)."""
    now = clock.now()
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = list(due.select_for_update(skip_locked=True)[:batch])
        else:
            rows = list(due[:batch])
        # Lease: other workers leave these alone until next_attempt_at. It need only cover
        # the first send: `_take` renews it message by message.
        OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
            next_attempt_at=now + _lease(), claimed_by=token
        )
    return rows


def _take(message: OutboxMessage, token: str) -> bool:
    """Just before sending: is the message still ours and unsent? Renew its lease.

    A message whose lease ran out while it waited in this batch may have been claimed by
    another worker (or sent by it): then this run leaves it alone, so a batch longer than
    the lease never sends anything twice.
    """
    # A row written in bulk has no delivery id yet: it gets one now, kept for every retry
    # (only the holder of the claim can get here, so nobody else assigns one meanwhile).
    delivery_id = message.delivery_id or uuid.uuid4()
    with transaction.atomic():
        taken = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxMessage.Status.PENDING, claimed_by=token
        ).update(
            next_attempt_at=clock.now() + _lease(),
            attempts=F("attempts") + 1,
            delivery_id=delivery_id,
        )
    if taken:
        message.attempts += 1
        message.delivery_id = delivery_id
    return bool(taken)


URL_RE = re.compile(r"(https?://[^/\s]+)/\S*")


def masked_body(body: str) -> str:
    """What a sent message keeps: no one-time code, no link token (the record stays)."""
    return URL_RE.sub(r"\1/…", mask_codes(body))


def outbox_deliver(*, batch: int = 100) -> int:
    """Deliver due messages once. Returns how many were sent.

    Exactly once towards the provider as far as we can: each message is re-claimed just
    before its send, and sent ones are never picked again. A worker killed between the
    provider's acceptance and our `sent` mark leaves the message to be sent again after
    its lease; the provider deduplicates that by the message's delivery id (the HTTP
    Idempotency-Key header, the e-mail's Message-ID): docs/operations.md, Outbox.
    """
    token = uuid.uuid4().hex
    sent = 0
    for message in _claim(batch, token):
        if not _take(message, token):
            continue
        channel = channel_for(message.channel)
        try:
            channel.send(message)
        except Exception as exc:  # a failing gateway must not stop the worker
            failed = message.attempts >= MAX_ATTEMPTS
            OutboxMessage.objects.filter(pk=message.pk, claimed_by=token).update(
                status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
                next_attempt_at=clock.now() + timedelta(seconds=30 * 2**message.attempts),
                last_error=scrub(str(exc))[:500],
                claimed_by="",
            )
            log.warning("outbox %s attempt %s failed: %s", message.pk, message.attempts, exc)
            continue
        done = {"status": OutboxMessage.Status.SENT, "sent_at": clock.now(), "last_error": ""}
        if not channel.keeps_body:
            done["body"] = masked_body(message.body)
        # Sent is final, whoever holds the claim now: nobody may send it again.
        OutboxMessage.objects.filter(pk=message.pk).exclude(
            status=OutboxMessage.Status.SENT
        ).update(claimed_by="", **done)
        sent += 1
    return sent


def outbox_sweep(*, batch: int = 100) -> int:
    return outbox_deliver(batch=batch)
