"""Delivery channels behind a small plugin registry (cf. Open Forms' plugins).

A channel has `send(message)` raising on failure and `check()` returning a list
of problems for the system checks.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.mail import EmailMessage

from rencai.core.masking import mask_codes, mask_mobile, scrub
from rencai.notify.models import OutboxMessage

log = logging.getLogger(__name__)
_registry: dict[str, type[Channel]] = {}
# (connect, read) seconds: far below the outbox lease (RENCAI_OUTBOX_LEASE_SECONDS, 120).
TIMEOUT = (5, 20)


def message_id(message: OutboxMessage) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "rencai.localhost"
    return f"<{message.delivery_id}@{domain}>"


def register(name: str):
    def wrap(cls):
        _registry[name] = cls
        return cls

    return wrap


class Channel:
    #: False: once sent, the row keeps only a masked body (no one-time code or link token).
    keeps_body = False

    def send(self, message: OutboxMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def check(self) -> list[str]:
        return []


@register("console")
class ConsoleChannel(Channel):
    """Development: the message stays readable in the outbox (the dev SMS inbox page).

    The log line masks the recipient and every 6-digit number: a login code must never
    reach a log file, whatever logging configuration is in force.
    """

    keeps_body = True  # nothing left the machine: the development inbox shows the code

    def send(self, message: OutboxMessage) -> None:
        log.info(
            "[%s] to %s: %s",
            message.channel,
            mask_mobile(message.recipient) if message.channel == "sms" else message.recipient,
            mask_codes(scrub(message.body)),
        )


@register("smtp")
class SmtpChannel(Channel):
    def send(self, message: OutboxMessage) -> None:
        # The same Message-ID on every attempt: a resend after a lost acknowledgement is
        # recognisably the same mail to the relay and to the recipient's client.
        EmailMessage(
            message.subject or "Rencai",
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient],
            headers={"Message-ID": message_id(message)},
        ).send()

    def check(self) -> list[str]:
        mailer = (getattr(settings, "MAILERS", None) or {}).get("default") or {}
        if mailer.get("BACKEND", "").endswith("smtp.EmailBackend") and not (
            mailer.get("OPTIONS") or {}
        ).get("host"):
            return ["EMAIL_HOST is not set (the smtp email channel has no mail server)"]
        return []


@register("http")
class HttpSmsChannel(Channel):
    """Generic JSON SMS gateway: POST {to, text, id} with a bearer token.

    `id` and the Idempotency-Key header carry the message's delivery id, the same on every
    attempt: the gateway must answer a repeated key with the first answer and not send
    again (docs/operations.md, Outbox).
    """

    def send(self, message: OutboxMessage) -> None:
        key = str(message.delivery_id)
        response = requests.post(
            settings.RENCAI_SMS_HTTP_URL,
            json={"to": message.recipient, "text": message.body, "id": key},
            headers={
                "Authorization": f"Bearer {settings.RENCAI_SMS_HTTP_TOKEN}",
                "Idempotency-Key": key,
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()

    def check(self) -> list[str]:
        return [] if settings.RENCAI_SMS_HTTP_URL else ["RENCAI_SMS_HTTP_URL is not set"]


def channel_name(kind: str) -> str:
    return settings.RENCAI_SMS_BACKEND if kind == "sms" else settings.RENCAI_EMAIL_CHANNEL


def channel_for(kind: str) -> Channel:
    name = channel_name(kind)
    if name not in _registry:
        raise LookupError(f"unknown {kind} channel {name!r}; known: {sorted(_registry)}")
    return _registry[name]()
