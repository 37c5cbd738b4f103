"""Scan attachments already stored (e.g. uploaded before the scanner was configured, or after
new signatures arrived) with the same checks as an upload. Reports; deletes nothing: what
happens to a case's evidence is the office's decision."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings

from rencai.core.errors import DomainError
from rencai.documents.models import Document
from rencai.documents.pdfcheck import pdf_refuse_active_content
from rencai.documents.scanners import ScannerUnavailable, scan_upload


def documents_rescan(*, include_history: bool = False) -> Iterator[tuple[Document, str]]:
    """(document, reason) for every stored attachment that an upload would now refuse.
    ScannerUnavailable propagates: a rescan without verdicts proves nothing."""
    documents = Document.objects.order_by("pk")
    if not include_history:
        documents = documents.filter(superseded_at__isnull=True)
    for document in documents.iterator(chunk_size=200):
        with document.file.open("rb") as f:
            data = f.read()
        try:
            scan_upload(data=data, name=document.original_name)
            if document.mime == "application/pdf":
                pdf_refuse_active_content(
                    data=data,
                    name=document.original_name,
                    max_pixels=settings.RENCAI_UPLOAD_MAX_PIXELS,
                )
        except ScannerUnavailable:
            raise
        except DomainError as exc:
            yield document, exc.message
