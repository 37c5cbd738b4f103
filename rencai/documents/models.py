"""Generic attachments: a Folder is a bag of typed Documents owned by something else
(a case, later a unit change request) through a FK/one-to-one from the owner."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def _random_name(prefix: str, extension: str) -> str:
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}.{extension}"


def original_path(instance: Document, filename: str) -> str:
    # Nothing of the user's file name reaches the path: it is not guessable.
    return _random_name("docs", EXTENSIONS.get(instance.mime, "bin"))


def preview_path(instance: Document, filename: str) -> str:
    return _random_name("previews", "jpg")


class Folder(models.Model):
    owner_kind = models.CharField(_("所属"), max_length=30)  # "case", "unit_change", …
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件夹")
        verbose_name_plural = _("附件夹")

    def __str__(self) -> str:
        return f"{self.owner_kind} #{self.pk}"


class Document(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    folder = models.ForeignKey(Folder, on_delete=models.PROTECT, related_name="documents")
    type_code = models.SlugField(_("材料类型"), max_length=40)  # catalog.AttachmentType.code
    original_name = models.CharField(_("原文件名"), max_length=200)
    file = models.FileField(_("文件"), upload_to=original_path, max_length=200)
    preview = models.FileField(_("预览图"), upload_to=preview_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    mime = models.CharField(_("文件类型"), max_length=40)  # sniffed from the content
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    pages = models.PositiveIntegerField(_("页数"), default=1)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    superseded_at = models.DateTimeField(_("被替换时间"), null=True, blank=True)

    class Meta:
        ordering = ["folder", "type_code", "uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [
            models.Index(
                fields=["folder", "type_code"],
                condition=models.Q(superseded_at__isnull=True),
                name="document_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type_code}: {self.original_name}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
