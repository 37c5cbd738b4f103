"""The 《广州市入户人员信息卡》: generated once at issuance, stored, verifiable by QR."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Card(models.Model):
    number = models.CharField(_("卡号"), max_length=32, unique=True)
    # One card per case: the one-to-one is a unique index on case_id.
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="card", null=True, blank=True
    )
    # The person the card was issued to (the case's applicant), so that the database can
    # hold "at most one valid card per person" (card_one_valid_per_holder).
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("持卡人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What is printed, frozen at issuance (the verification page shows only this).
    holder_name = models.CharField(_("姓名"), max_length=40)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18)
    employer = models.CharField(_("引进单位"), max_length=200)
    category = models.CharField(_("引进类别"), max_length=60)
    issuing_office = models.CharField(_("出具机构"), max_length=100)
    issued_on = models.DateField(_("出具日期"))
    pdf = models.FileField(_("PDF"), upload_to="cards/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("入户人员信息卡")
        verbose_name_plural = _("入户人员信息卡")
        constraints = [
            models.UniqueConstraint(
                fields=["holder"],
                condition=models.Q(revoked_at__isnull=True, holder__isnull=False),
                name="card_one_valid_per_holder",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None
