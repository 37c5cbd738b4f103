"""Transactional outbox: messages are written with the event, delivered by the worker."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("收件人"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    # Same key → same message, however often the causing request is retried.
    idempotency_key = models.CharField(max_length=120)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    # Sent to the provider as the idempotency key (HTTP) / Message-ID (SMTP): the same on
    # every attempt, and not the internal key (which names users and cases). Rows written
    # in bulk (COPY) get theirs at their first send attempt.
    delivery_id = models.UUIDField(null=True, blank=True, default=uuid.uuid4, editable=False)
    # The worker run holding the lease (next_attempt_at); re-checked before each send.
    claimed_by = models.CharField(max_length=32, blank=True, db_default="")
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        # Every transition writes outbox rows: two indexes only (unique by constraint,
        # not unique=True, which on PostgreSQL adds an unused LIKE index).
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="outbox_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"
