"""Configurable review chains: a supervisory department's 内流程 (FAQ 一.19) and,
reused for phase 3, an acceptance office's review steps (经办 → 复核 → 审批)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ChainStep(models.Model):
    class Purpose(models.TextChoices):
        DEPARTMENT = "department", _("主管部门内流程")
        REVIEW = "review", _("受理机构审批步骤")

    office = models.ForeignKey(
        "orgs.Office", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="chain_steps"
    )
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("步骤名称"), max_length=40)  # 经办 / 复核 / 审批 / 处室初审 …
    any_staff = models.BooleanField(
        _("本机构任何工作人员均可办理"),
        default=True,
        help_text=_("不勾选时仅限下列指定人员办理"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("指定人员"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["office", "purpose", "order"]
        verbose_name = _("流程步骤")
        verbose_name_plural = _("流程步骤")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "purpose", "order"], name="chain_step_order_unique"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(office)s 第%(order)s步：%(step)s") % {
            "office": self.office.short_name or self.office.name,
            "order": self.order,
            "step": self.name,
        }

    def allows(self, user) -> bool:
        if self.any_staff:
            return True
        return self.staff.filter(pk=user.pk).exists()
