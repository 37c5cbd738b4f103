"""A unit admin's look-up by ID number without a name oracle (FAQ 二.3).

A unit admin learns a person's name only if the person has named the unit: a case of
theirs with it, a role grant at it, or a UnitConsent (「允许该单位为我申报」) given on
their own page. An application the unit starts is a UnitInvitation until the person
accepts it (then it becomes their draft) or declines it. Invitations are keyed by the
ID number's blind index, so an unregistered number gets one too and the unit admin sees
no difference; the person finds it after registering. UnitLookup rows are the
persistent count behind the per-admin rate limit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.cases.models.case import Case

CATEGORY_CHOICES = Case.Category.choices


class UnitConsent(models.Model):
    """「允许该单位为我申报」: the person lets the unit's admins find them by ID number."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("个人"), on_delete=models.CASCADE,
        related_name="unit_consents",
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(_("授权时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位申报授权")
        verbose_name_plural = _("单位申报授权")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=models.Q(revoked_at__isnull=True),
                name="unit_consent_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.unit_id}"


class UnitInvitation(models.Model):
    """An application a unit admin started for a person, waiting for the person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待本人确认")
        ACCEPTED = "accepted", _("本人已接受")
        DECLINED = "declined", _("本人已拒绝")

    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    category = models.CharField(_("申报类别"), max_length=20, choices=CATEGORY_CHOICES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("发起时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("申请"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="unit_invitation",
    )  # fmt: skip

    class Meta:
        verbose_name = _("单位申报邀请")
        verbose_name_plural = _("单位申报邀请")
        indexes = [
            models.Index(fields=["id_number_index", "status"], name="unit_invite_person"),
            models.Index(fields=["unit", "created_at"], name="unit_invite_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "id_number_index"],
                condition=models.Q(status="pending"),
                name="unit_invite_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.id_number_masked} {self.status}"


class UnitLookup(models.Model):
    """One look-up (or start) by ID number by a unit admin: counted by the rate limit."""

    admin = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("单位按身份证号查询记录")
        verbose_name_plural = _("单位按身份证号查询记录")
        indexes = [models.Index(fields=["admin", "at"], name="unit_lookup_admin_at")]

    def __str__(self) -> str:
        return f"{self.admin_id}@{self.unit_id} {self.at:%Y-%m-%d %H:%M}"
