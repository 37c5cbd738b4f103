"""The engine's tables: one history shape for every process, one number sequence.

`ProcessFields` is the abstract base of a request model: its status, version and
deadline columns are written only by rencai.process.engine (save() refuses otherwise).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rencai.audit.models import AppendOnlyError


class StatusWriteError(Exception):
    """A status changed outside rencai.process.engine.transition."""


class ProcessFields(models.Model):
    status = models.CharField(_("状态"), max_length=30)
    version = models.PositiveIntegerField(_("版本"), default=1)
    due_at = models.DateTimeField(_("期限触发时间"), null=True, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限待节假日安排确认"), default=False)
    due_action = models.CharField(_("到期操作"), max_length=30, blank=True)

    class Meta:
        abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_status = self.status if self.pk else None

    def save(self, *args, **kwargs):
        if (
            self.pk is not None
            and self._loaded_status is not None
            and self.status != self._loaded_status
            and not getattr(self, "_engine_writes", False)
        ):
            raise StatusWriteError(
                f"{self._meta.label}: status changes only through rencai.process.engine"
            )
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        obj = super().from_db(db, field_names, values, *args, **kwargs)
        obj._loaded_status = obj.__dict__.get("status")
        return obj


def ref(to: str, label, *, optional: bool = True, **kwargs) -> models.ForeignKey:
    """A reference column of a request (its office, unit, reviewer, …): PROTECT, no
    reverse name unless given, optional unless `optional=False`."""
    options = {"null": optional, "blank": optional, "on_delete": models.PROTECT}
    return models.ForeignKey(to, verbose_name=label, **{**options, "related_name": "+", **kwargs})


def user_ref(label, **kwargs) -> models.ForeignKey:
    """A "who did it" column (decided_by, resolved_by, requester, …)."""
    return ref(settings.AUTH_USER_MODEL, label, **kwargs)


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    # The same words as the reviewer's actions; in English the status reads "Approved".
    APPROVED = "approved", pgettext_lazy("request status", "审核通过")
    REJECTED = "rejected", pgettext_lazy("request status", "审核不通过")


class ReviewedFields(ProcessFields):
    """A request one office decides (pending → approved | rejected): a number, the
    requester's note, the decision with its reason, one overdue reminder."""

    number = models.CharField(_("申请编号"), max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=30, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    note = models.TextField(_("补充说明"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    reminded_at = models.DateTimeField(_("催办时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = user_ref(_("审核人"))
    reason = models.TextField(_("审核意见"), max_length=1000, blank=True)

    Status = ReviewStatus

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-id"]

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING


def review_rules(prefix: str) -> tuple[list, list]:
    """(indexes, constraints) of a reviewed request table, named `<prefix>_…`."""
    pending = models.Q(status="pending")
    indexes = [
        models.Index(fields=["office", "status", "due_at"], name=f"{prefix}_worklist"),
        # The reminder sweep's probe: empty while nothing is overdue and unreminded.
        models.Index(
            fields=["due_at"], condition=models.Q(status="pending", reminded_at__isnull=True),
            name=f"{prefix}_reminder_due",
        ),
    ]  # fmt: skip
    constraints = [
        models.CheckConstraint(
            condition=pending | models.Q(decided_at__isnull=False),
            name=f"{prefix}_decided_has_time",
        ),
        models.CheckConstraint(
            condition=~models.Q(status="rejected") | ~models.Q(reason=""),
            name=f"{prefix}_reject_has_reason",
        ),
    ]
    return indexes, constraints


class ProcessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("process history cannot be changed")

    def delete(self):
        raise AppendOnlyError("process history cannot be deleted")


class HistoryFields(models.Model):
    """The one history shape: what every process's history row says about a transition."""

    at = models.DateTimeField(_("时间"))
    actor = user_ref(_("操作人"))  # None: the system
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
    version = models.PositiveIntegerField(_("版本"))  # the object's version after the event

    class Meta:
        abstract = True


class ProcessEvent(HistoryFields):
    """One row per transition of any process but cases (CaseEvent: the same HistoryFields,
    hash-chained)."""

    process = models.CharField(_("流程"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("对象"))
    number = models.CharField(_("编号"), max_length=20, blank=True)
    # A row from NEW has no source state; the system has no acting-as text of its own.
    acting_as = models.CharField(_("身份"), max_length=120, blank=True)
    from_status = models.CharField(_("原状态"), max_length=30, blank=True)
    status_text = models.CharField(_("状态说明"), max_length=200, blank=True)

    objects = ProcessEventQuerySet.as_manager()

    class Meta:
        ordering = ["process", "object_id", "version"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "object_id", "version"], name="process_event_version_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.process}:{self.object_id} {self.action}: {self.from_status} → {self.to_status}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("process history cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("process history cannot be deleted")


class NumberSequence(models.Model):
    """One row per (prefix, year); the row lock serialises number allocation (BG2026-000123)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="process_sequence_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.last}"
