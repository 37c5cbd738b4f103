"""Reads on attachments."""

from __future__ import annotations

from rencai.documents.models import Document, Folder


def folder_documents(*, folder: Folder, include_history: bool = False):
    qs = Document.objects.filter(folder=folder)
    if not include_history:
        qs = qs.filter(superseded_at__isnull=True)
    return qs.order_by("type_code", "uploaded_at", "id")


def folder_type_codes(*, folder: Folder) -> set[str]:
    return set(
        Document.objects.filter(folder=folder, superseded_at__isnull=True).values_list(
            "type_code", flat=True
        )
    )


def document_history(*, document: Document) -> list[Document]:
    """The document and the ones it replaced, newest first."""
    chain, current = [document], document
    while (previous := Document.objects.filter(replaced_by=current).first()) is not None:
        chain.append(previous)
        current = previous
    return chain
