"""Retention: move the oldest audit entries to a file and keep the chain verifiable.

The file (JSON lines) holds a header with the chain's anchor before the first archived
entry, every entry with its seq, prev_hash, entry_hash and hashed columns, and a trailer
with the hash of the last entry (the new anchor) and the SHA-256 of every line before
it. The database then drops those entries and records the new anchor in the chain head,
so `audit-verify` starts from it, and `audit-verify --archives DIR` checks the files
link up to it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.audit import chain, triggers
from rencai.core import clock
from rencai.core.errors import Conflict

FORMAT = "rencai-audit-archive/1"


@dataclass
class ArchiveResult:
    path: Path | None
    count: int
    from_seq: int = 0
    to_seq: int = 0
    anchor: str = ""


def _line(obj) -> bytes:
    return (
        json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    )


def _cut(spec: chain.ChainSpec, cutoff) -> int:
    """The last seq of the longest chain prefix whose entries are all older than cutoff."""
    rows = spec.model()._base_manager.filter(chain_seq__isnull=False)
    kept = rows.filter(at__gte=cutoff).order_by("chain_seq")
    first_kept = kept.values_list("chain_seq", flat=True).first()
    if first_kept is not None:
        return first_kept - 1
    last = rows.order_by("-chain_seq").values_list("chain_seq", flat=True).first()
    return last or 0


def audit_archive(*, directory: Path, days: int | None = None, actor=None) -> ArchiveResult:
    """Archive audit entries older than the retention period into `directory`."""
    days = settings.RENCAI_AUDIT_RETENTION_DAYS if days is None else days
    spec = chain.CHAINS["audit"]
    model = spec.model()
    cutoff = clock.now() - timedelta(days=days)
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        head = chain.lock_heads()[spec.name]  # no append or other archive meanwhile
        upto = _cut(spec, cutoff)
        if upto <= head.anchor_seq:
            return ArchiveResult(None, 0)
        report = chain.verify(spec)
        if not report.ok:
            raise Conflict(
                format_lazy(
                    gettext_lazy("审计链校验失败，未归档：{breaks}"), breaks=report.breaks[0]
                ),
                code="audit_chain_broken",
            )
        path = directory / f"audit-{head.anchor_seq + 1:012d}-{upto:012d}.jsonl"
        digest = hashlib.sha256()
        tmp = path.with_suffix(".jsonl.tmp")
        count, prev = 0, head.anchor_hash
        with open(tmp, "wb") as out:
            header = _line({"format": FORMAT, "chain": spec.name, "from_seq": head.anchor_seq + 1,
                            "to_seq": upto, "anchor_in": head.anchor_hash, "key_id": chain.key_id()})  # fmt: skip
            out.write(header)
            digest.update(header)
            for row in chain._rows(spec, model, "default", chain_seq__lte=upto):
                entry = {
                    "seq": row["chain_seq"], "prev_hash": row["prev_hash"],
                    "entry_hash": row["entry_hash"],
                    "row": {name: chain._canon(row[name]) for name in spec.fields},
                }  # fmt: skip
                line = _line(entry)
                out.write(line)
                digest.update(line)
                count, prev = count + 1, row["entry_hash"]
            out.write(_line({"count": count, "anchor_out": prev, "sha256": digest.hexdigest()}))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)  # the file is complete on disk before any row goes
        with triggers.delete_permit(model, upto):
            deleted = model._base_manager.filter(chain_seq__lte=upto)._raw_delete("default")
        if deleted != count:
            raise Conflict(
                gettext_lazy("审计归档：删除条数与归档条数不一致，已回滚。"),
                code="audit_archive_mismatch",
            )
        type(head).objects.filter(name=spec.name).update(anchor_seq=upto, anchor_hash=prev)
        from rencai.audit.services import audit_record

        audit_record(
            event="audit.archive", actor=actor,
            detail=f"seq {head.anchor_seq + 1}-{upto} ({count}) → {path.name} anchor {prev[:16]}",
        )  # fmt: skip
    return ArchiveResult(path, count, head.anchor_seq + 1, upto, prev)


def archives_verify(*, directory: Path, anchor_seq: int, anchor_hash: str) -> list[str]:
    """Check the archive files: intact, linked to each other and to the live anchor."""
    spec = chain.CHAINS["audit"]
    problems: list[str] = []
    seq, prev = 1, chain.GENESIS
    files = sorted(directory.glob("audit-*.jsonl"))
    for path in files:
        lines = path.read_bytes().splitlines(keepends=True)
        if len(lines) < 2:
            problems.append(f"{path.name}: truncated")
            break
        trailer = json.loads(lines[-1])
        digest = hashlib.sha256(b"".join(lines[:-1])).hexdigest()
        header = json.loads(lines[0])
        if digest != trailer.get("sha256") or header.get("format") != FORMAT:
            problems.append(f"{path.name}: checksum mismatch (file changed)")
            break
        if header["from_seq"] != seq or header["anchor_in"] != prev:
            problems.append(
                f"{path.name}: starts at seq {header['from_seq']}, expected {seq} "
                "(an archive file is missing)"
            )
            break
        for raw in lines[1:-1]:
            entry = json.loads(raw)
            row = {**entry["row"], "chain_seq": entry["seq"], "prev_hash": entry["prev_hash"],
                   "entry_hash": entry["entry_hash"]}  # fmt: skip
            # Values were written canonical; hashing them again is the identity on them.
            problem = chain.check_link(spec, row, seq, prev)
            if problem:
                problems.append(
                    f"{path.name}: entry id {row['id']} (seq {entry['seq']}): {problem}"
                )
                return problems
            seq, prev = seq + 1, entry["entry_hash"]
        if trailer.get("anchor_out") != prev:
            problems.append(f"{path.name}: trailer anchor differs from its last entry")
            break
    if not problems and (seq - 1, prev) != (anchor_seq, anchor_hash):
        problems.append(
            f"archives end at seq {seq - 1}, the live chain starts after seq {anchor_seq}"
        )
    return problems
