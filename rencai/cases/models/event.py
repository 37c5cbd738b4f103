"""Case history: one append-only, hash-chained row per transition."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.audit.models import AppendOnlyError, ChainedModel
from rencai.process.models import HistoryFields


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("case history cannot be changed")

    def delete(self):
        raise AppendOnlyError("case history cannot be deleted")


class CaseEvent(ChainedModel, HistoryFields):
    # Hash-chained like the audit log (rencai.audit.chain); triggers refuse UPDATE/DELETE.
    # No single-column index: the unique (case, version) index serves every lookup by case.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="events", db_index=False
    )

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
