"""Stored files that no row refers to.

An upload writes its file (and preview) to storage before the surrounding transaction
commits; if that transaction rolls back (a later validation error, a crash), the row is
gone but the file stays. `rencai files-orphans` lists such files and, with `--delete`,
removes them. Only files older than a grace period are considered, so an upload whose
transaction is still open is never touched. Works on any Django storage (local files, S3).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage

from rencai.audit.services import audit_record
from rencai.core import clock

#: Top-level storage folders written by Rencai (documents.models, cards.models).
STORED_FOLDERS = ("docs", "previews", "cards")


@dataclass(frozen=True)
class Orphan:
    name: str
    size: int


def _walk(folder: str) -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _walk(f"{folder}/{sub}")


def _referenced() -> set[str]:
    from rencai.cards.models import Card
    from rencai.documents.models import Document

    names: set[str] = set()
    for file, preview in Document.objects.values_list("file", "preview").iterator(10_000):
        names.update(n for n in (file, preview) if n)
    names.update(n for n in Card.objects.values_list("pdf", flat=True).iterator(10_000) if n)
    return names


def orphan_files_find(*, grace: timedelta = timedelta(hours=24)) -> list[Orphan]:
    """Files under STORED_FOLDERS that no document or card refers to, older than `grace`."""
    referenced = _referenced()
    cutoff = clock.now() - grace
    orphans = []
    for folder in STORED_FOLDERS:
        for name in _walk(folder):
            if name in referenced or default_storage.get_modified_time(name) > cutoff:
                continue
            orphans.append(Orphan(name, default_storage.size(name)))
    return orphans


def orphan_files_delete(*, orphans: list[Orphan], actor=None) -> int:
    """Delete the files found by `orphan_files_find` (re-checked: a row may have appeared)."""
    referenced = _referenced()
    deleted = [o for o in orphans if o.name not in referenced]
    for orphan in deleted:
        default_storage.delete(orphan.name)
    audit_record(
        event="files.orphans_deleted",
        actor=actor,
        detail=f"{len(deleted)} files, {sum(o.size for o in deleted)} bytes",
    )
    return len(deleted)
