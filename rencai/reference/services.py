"""Recording which version of a reference data set was loaded.

Every loader in settings.RENCAI_REFERENCE_LOADERS calls `dataset_record()` after it has
loaded its data and appends the returned line to its summary, so `rencai
loaddata-reference` prints, per data set, "old → new" or "未变 unchanged".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from rencai.audit.services import audit_record
from rencai.core import clock
from rencai.reference.models import ReferenceDataset


def files_sha256(paths: Iterable[Path]) -> str:
    """One SHA-256 over the given files (each file's name and bytes, in the order given)."""
    digest = hashlib.sha256()
    for path in paths:
        data = Path(path).read_bytes()
        digest.update(Path(path).name.encode() + b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()


def content_version(sha256: str) -> str:
    """The version of a source that declares none."""
    return f"sha256:{sha256[:12]}"


def dataset_current(*, name: str) -> ReferenceDataset | None:
    return ReferenceDataset.objects.filter(name=name).first()


@transaction.atomic
def dataset_record(
    *, name: str, sha256: str, rows: int, version: str = "", source: str = ""
) -> str:
    """Store the loaded version of data set `name`; returns one line for the summary."""
    version = version or content_version(sha256)
    now = clock.now()
    current = ReferenceDataset.objects.select_for_update().filter(name=name).first()
    if current is not None and current.sha256 == sha256 and current.version == version:
        current.rows = rows
        current.checked_at = now
        current.save(update_fields=["rows", "checked_at"])
        return f"[{name}] 未变 unchanged {version}"
    if current is None:
        current = ReferenceDataset(name=name)
        change = f"无 none → {version}"
    elif current.version == version:  # the content changed without a new version number
        change = f"{version} (sha256 {current.sha256[:12]} → {sha256[:12]})"
    else:
        change = f"{current.version} → {version}"
    current.version = version
    current.sha256 = sha256
    current.source = source[:300]
    current.rows = rows
    current.loaded_at = now
    current.checked_at = now
    current.save()
    audit_record(
        event="reference.load",
        object_type="reference.referencedataset",
        object_id=name,
        detail=f"{change}; {rows} rows; sha256 {sha256}",
    )
    return f"[{name}] {change}"
