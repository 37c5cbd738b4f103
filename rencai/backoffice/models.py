"""Back-office state of its own: the second factor's used time steps, failure counts and
backup codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TotpUsedStep(models.Model):
    """A TOTP code is good once: the (user, time step) pair is unique, so a replayed code
    (even in a concurrent request) fails on the insert. Steps too old to match again are
    swept (totp.used_steps_sweep, by the `step` index)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.BigIntegerField(_("时间步"))
    used_at = models.DateTimeField(_("使用时间"))

    class Meta:
        verbose_name = _("已使用的动态口令")
        verbose_name_plural = _("已使用的动态口令")
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="totp_step_once_per_user")
        ]
        indexes = [models.Index(fields=["step"], name="totp_used_step_step_idx")]
        # Held by staff who may reset another user's authenticator (superusers always may).
        permissions = [("totp_reset", _("可重置他人的动态口令验证器"))]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.step}"


class TotpThrottle(models.Model):
    """Wrong second-factor codes per account, kept in the database: a new login (or another
    session) does not start the count again. After a few failures the step locks with a
    growing wait (totp.backoff); a good code clears it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    failures = models.PositiveIntegerField(_("连续错误次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最近错误时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("动态口令错误计数")
        verbose_name_plural = _("动态口令错误计数")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.failures}"


class BackupCode(models.Model):
    """A one-time backup code for the second factor (lost or flat phone). Only a keyed hash
    is stored; the code is shown once when generated. Regenerating deletes the old set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_backup_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("生成时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("动态口令备用码")
        verbose_name_plural = _("动态口令备用码")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="backup_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d}"
