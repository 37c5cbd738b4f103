"""Back-office state of its own: which TOTP time steps an official has already used."""

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
