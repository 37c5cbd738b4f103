"""Which version of each reference data set is loaded (see rencai.reference.services)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceDataset(models.Model):
    """One row per data set a loader in settings.RENCAI_REFERENCE_LOADERS maintains.

    `version` is the version the source declares (e.g. offices.json "version") or, for a
    source without one, "sha256:" and the start of the hash. `sha256` covers the source
    files' bytes, so an edit without a version bump is still seen.
    """

    name = models.CharField(_("数据集"), max_length=60, unique=True)
    version = models.CharField(_("版本"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    loaded_at = models.DateTimeField(_("本版本加载时间"))
    checked_at = models.DateTimeField(_("最近核对时间"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("参考数据集")
        verbose_name_plural = _("参考数据集")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
