"""Writes on attachments."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.core import clock
from rencai.core.errors import DomainError
from rencai.documents.models import Document, Folder
from rencai.documents.pdfcheck import pdf_refuse_active_content
from rencai.documents.previews import image_preview, pdf_preview, sniff
from rencai.documents.scanners import scan_upload

#: Types of which a folder may hold several current documents; others replace.
MULTI_TYPES = frozenset({"other"})


def folder_create(*, owner_kind: str) -> Folder:
    return Folder.objects.create(owner_kind=owner_kind)


def _read_limited(file, limit: int) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        _too_big(limit)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        _too_big(limit)
    return data


def _too_big(limit: int):
    mb = limit / (1024 * 1024)
    raise DomainError(
        format_lazy(
            gettext_lazy("附件过大：单个文件不能超过 {mb:g} MB，请压缩或分页后上传。"), mb=mb
        ),
        field="file",
        code="file_size",
    )


def _check_type_code(type_code: str) -> None:
    from rencai.catalog.models import AttachmentType

    types = AttachmentType.objects.all()
    if types.exists() and not types.filter(code=type_code, active=True).exists():
        raise DomainError(
            format_lazy(gettext_lazy("材料类型“{type_code}”不存在"), type_code=type_code),
            field="type_code",
        )
    if not type_code:
        raise DomainError(gettext_lazy("请选择材料类型"), field="type_code")


def _check_case_caps(*, folder: Folder, size: int, superseded) -> None:
    """Per case (per folder): at most N current files, and at most M bytes stored in all,
    replaced versions included (they stay on disk as history), so neither many files nor
    endless replacing can fill the storage."""
    max_files = settings.RENCAI_UPLOAD_CASE_MAX_FILES
    current = folder.documents.filter(superseded_at__isnull=True)
    if current.count() - superseded.count() + 1 > max_files:
        raise DomainError(
            format_lazy(
                gettext_lazy(
                    "本申请的附件已达上限（最多 {max_files} 个文件），不能再添加；如需更换，请在对应材料处重新上传以替换原文件。"
                ),
                max_files=max_files,
            ),
            field="file",
            code="case_files",
        )
    max_bytes = settings.RENCAI_UPLOAD_CASE_MAX_BYTES
    used = folder.documents.aggregate(total=Sum("size"))["total"] or 0
    if used + size > max_bytes:
        mb = 1024 * 1024
        raise DomainError(
            format_lazy(
                gettext_lazy(
                    "本申请的附件总大小不能超过 {mb:g} MB（已用 {mb2:.1f} MB，含被替换的旧版本；本文件 {mb3:.1f} MB），请压缩后上传。"
                ),
                mb=max_bytes / mb,
                mb2=used / mb,
                mb3=size / mb,
            ),
            field="file",
            code="case_bytes",
        )


@transaction.atomic
def document_upload(
    *, folder: Folder, type_code: str, file, uploaded_by, replaces: Document | None = None
) -> Document:
    """Store an attachment with its preview. The type is sniffed from the content (JPEG,
    PNG, PDF only); a new upload of a single-valued type supersedes the current one,
    which is kept as history.

    Before anything parses the file: the per-case caps, then the malware scan (no verdict,
    no upload). Then PDFs with active content are refused and images are checked against
    the pixel limit from their header, before the preview decodes them."""
    _check_type_code(type_code)
    # One upload at a time per folder, so the caps cannot be overrun by parallel requests.
    folder = Folder.objects.select_for_update().get(pk=folder.pk)
    data = _read_limited(file, settings.RENCAI_UPLOAD_MAX_BYTES)
    if not data:
        raise DomainError(gettext_lazy("文件为空，请重新选择。"), field="file", code="file_empty")
    name = (getattr(file, "name", "") or "附件").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if replaces is not None:
        old = Document.objects.filter(pk=replaces.pk, folder=folder, superseded_at__isnull=True)
    elif type_code not in MULTI_TYPES:
        old = Document.objects.filter(
            folder=folder, type_code=type_code, superseded_at__isnull=True
        )
    else:
        old = Document.objects.none()
    _check_case_caps(folder=folder, size=len(data), superseded=old)
    mime = sniff(data[:8192])
    scan_upload(data=data, name=name)
    max_pixels = settings.RENCAI_UPLOAD_MAX_PIXELS
    if mime == "application/pdf":
        pdf_refuse_active_content(data=data, name=name, max_pixels=max_pixels)
        preview, pages = pdf_preview(data)
    else:
        preview, pages = image_preview(data, mime=mime, max_pixels=max_pixels), 1
    now = clock.now()
    document = Document(
        folder=folder,
        type_code=type_code,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        mime=mime,
        size=len(data),
        pages=pages,
        uploaded_by=uploaded_by,
        uploaded_at=now,
    )
    document.file.save("upload", ContentFile(data), save=False)
    document.preview.save("preview", ContentFile(preview), save=False)
    document.save()
    old.exclude(pk=document.pk).update(superseded_at=now, replaced_by=document)
    return document
