"""The re-application block (FAQ 一.3 「已禁止再报」): a person who has settled in the
city before may not apply again until an office lifts the block with a reason.

Phase 2 fills and checks these; the models exist now so cases can reference a lift.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoricalSettlement(models.Model):
    """A past settlement of a person, from the legacy import or from a card we issued."""

    class Source(models.TextChoices):
        LEGACY = "legacy", _("历史系统导入")
        RENCAI = "rencai", _("本系统出具入户卡")

    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("办理年份"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    business = models.CharField(_("业务"), max_length=60, default="引进在职人才")
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="settlement"
    )
    district = models.ForeignKey(
        "orgs.District",
        verbose_name=_("办理区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("历史入户记录")
        verbose_name_plural = _("历史入户记录")
        constraints = [
            # `rencai import-history` is idempotent: one legacy row per person and year.
            models.UniqueConstraint(
                fields=["id_number_index", "year"],
                condition=models.Q(source="legacy"),
                name="settlement_legacy_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.business}"


class ReapplyLift(models.Model):
    """An office opened re-application for one person (开通再次申报权限), with its reason."""

    settlement = models.ForeignKey(
        HistoricalSettlement, on_delete=models.PROTECT, related_name="lifts"
    )
    office = models.ForeignKey("orgs.Office", on_delete=models.PROTECT, related_name="+")
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: The person the block was lifted for (null only for rows older than migration 0007
    #: whose person could not be resolved).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("开通原因"))
    lifted_at = models.DateTimeField(_("开通时间"))
    #: When the lift stopped opening a new application: consumed by one (the case points
    #: at it), or superseded by a newer lift of the same person (migration 0007 only).
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("再次申报开通记录")
        verbose_name_plural = _("再次申报开通记录")
        constraints = [
            # At most one unused lift per person: two officials lifting at once cannot
            # open two applications (issue #9, finding 3).
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(used_at__isnull=True),
                name="lift_one_unused_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.settlement} · {self.lifted_at:%Y-%m-%d}"
