"""Stored responses of API requests sent with an `Idempotency-Key` header.

The key row is inserted in the same transaction as the work it guards and holds the
response that work produced: a retry with the same key gets the stored status and body;
a concurrent duplicate blocks on the unique index until the first commits, then reads
its response (rencai.cases.idempotency).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(_("幂等键"), max_length=200)
    #: sha256 of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)  # the response body, as the schema serialised it
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("接口幂等记录")
        verbose_name_plural = _("接口幂等记录")
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]  # expiry
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key[:20]}"
