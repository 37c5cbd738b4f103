"""Transactional outbox: messages are written with the event, delivered by the worker."""

from __future__ import annotations

import uuid

from django.conf import settings
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


class Preference(models.Model):
    """How a person who must act (unit admin, office staff) hears of new work."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("每件即时通知")
        DIGEST = "digest", _("每日汇总一次")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    mode = models.CharField(
        _("待办通知方式"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("通知方式")
        verbose_name_plural = _("通知方式")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mode}"


class Digest(models.Model):
    """One day's digest of one person: at most one (a constraint), so the sweep sends once
    per person per day however often, and however many workers, it runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class DigestItem(models.Model):
    """A line waiting for a person's next digest (a case arrived in their queue)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    line = models.CharField(max_length=300)
    # Same key → one line, however often the causing transaction is retried.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField()
    digest = models.ForeignKey(Digest, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [
            models.Index(
                fields=["user"], condition=models.Q(digest__isnull=True), name="digest_pending"
            )
        ]
        constraints = [models.UniqueConstraint(fields=["key"], name="digest_item_key")]

    def __str__(self) -> str:
        return self.line
