"""Append-only, hash-chained audit log (rencai.audit.chain, rencai.audit.triggers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class ChainedModel(models.Model):
    """An append-only row that carries the hash of its predecessor (rencai.audit.chain).

    The chain columns are written once, by `chain.seal`, in the transaction that inserts
    the row (or by the worker's seal sweep for rows inserted in bulk); the database
    triggers (rencai.audit.triggers) refuse any other UPDATE and every DELETE.
    """

    chain_seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    # Database defaults too: bulk writers (COPY, multi-row INSERT) leave these columns out.
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, db_default="")
    entry_hash = models.CharField(_("本条哈希"), max_length=64, blank=True, db_default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{self._meta.verbose_name}: append-only")
        from rencai.audit import chain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            sealed = chain.seal(chain.spec_for(type(self)), using=using)
        self.chain_seq, self.prev_hash, self.entry_hash = sealed.get(self.pk, (None, "", ""))


class ChainHead(models.Model):
    """The last link of each chain, and its anchor (where the kept entries start).

    Appends lock every head row (in name order, so two chains never deadlock); the
    anchor moves forward only when `audit-archive` removes the oldest entries.
    """

    name = models.CharField(max_length=60, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.name} #{self.seq}"


class AuditEvent(ChainedModel):
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acting_as = models.CharField(_("身份"), max_length=120, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=60)
    outcome = models.CharField(_("结果"), max_length=20, default="ok")
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    detail = models.TextField(_("详情"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Declared here rather than with db_index=True, which on PostgreSQL adds a
        # varchar_pattern_ops twin per column that no query uses (every audited action
        # writes a row, so each index costs on the hot path).
        indexes = [
            models.Index(fields=["event"], name="audit_event"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.outcome}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")
