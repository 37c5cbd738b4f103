"""Objections (异议) filed by anyone during a case's public notice (公示, FAQ 一.11)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.process.models import ProcessFields, ref, user_ref


class Objection(ProcessFields):
    """A process of rencai.process (rencai.notice.process): open → dismissed | upheld."""

    class Status(models.TextChoices):
        OPEN = "open", _("核查中")
        DISMISSED = "dismissed", _("异议不成立")
        UPHELD = "upheld", _("异议成立")

    case = ref("cases.Case", _("申请"), optional=False, related_name="objections")
    contact_name = models.CharField(_("联系人姓名"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    text = models.TextField(_("异议内容"), max_length=2000)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    filed_at = models.DateTimeField(_("提出时间"))
    status = models.CharField(
        _("处理结果"), max_length=30, choices=Status.choices, default=Status.OPEN
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = user_ref(_("处理人"))
    resolution = models.TextField(_("处理意见"), blank=True)

    class Meta:
        ordering = ["case", "filed_at", "id"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        indexes = [
            models.Index(fields=["case", "status"], name="objection_case_status"),
            models.Index(fields=["ip", "filed_at"], name="objection_ip_rate"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(contact_phone="") | ~models.Q(contact_email=""),
                name="objection_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.pk} {self.status}"
