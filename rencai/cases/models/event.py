"""Case history: one append-only, hash-chained row per transition."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.audit.models import AppendOnlyError, ChainedModel


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("case history cannot be changed")

    def delete(self):
        raise AppendOnlyError("case history cannot be deleted")


class CaseEvent(ChainedModel):
    # Hash-chained like the audit log (rencai.audit.chain); triggers refuse UPDATE/DELETE.
    # No single-column index: the unique (case, version) index serves every lookup by case.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="events", db_index=False
    )
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # None: the system (deadlines)
    acting_as = models.CharField(_("身份"), max_length=120)
    role = models.CharField(_("角色"), max_length=20)
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=30)
    to_status = models.CharField(_("新状态"), max_length=30)
    status_text = models.CharField(_("状态说明"), max_length=200)  # as shown at that moment
    reason = models.TextField(_("意见/原因"), blank=True)
    office = models.ForeignKey(
        "orgs.Office",
        verbose_name=_("办理机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"))  # the case's version after the event

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="case_event_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}: {self.from_status} → {self.to_status}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("case history cannot be deleted")
