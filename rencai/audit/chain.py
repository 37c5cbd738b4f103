"""Hash chains over append-only tables (the audit log and the case history).

Each sealed row stores `chain_seq` (its place in the chain), `prev_hash` (the hash of the
row before it) and `entry_hash` = HMAC-SHA256(key, canonical JSON of the chain name, seq,
prev_hash and every hashed column). HMAC rather than a bare SHA-256: anyone who can
write to the table could recompute a bare hash chain after rewriting a row; the HMAC key
lives with the application's secrets, not in the database, so a rewrite (or a forged
tail) cannot be made to verify without it.

Appends are serialised by locking the chain-head rows (SELECT … FOR UPDATE on
PostgreSQL; on SQLite every write transaction is BEGIN IMMEDIATE). Rows are inserted
first and sealed in the same transaction, so the hash covers the values exactly as the
database stores them; rows inserted in bulk (deadline sweeps) are sealed by the next
append or by the worker's `chain_seal_sweep`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

GENESIS = "0" * 64

# Hashed columns (attnames) per chain. A column added to one of these models later must be
# appended here (tests/audit/test_audit_chain.py checks that every column is hashed); make
# it nullable or default "", so that older rows keep verifying (see `canonical`).
AUDIT_FIELDS = (
    "id", "at", "actor_id", "acting_as", "ip", "event", "outcome", "object_type",
    "object_id", "detail",
)  # fmt: skip
CASE_EVENT_FIELDS = (
    "id", "case_id", "at", "actor_id", "acting_as", "role", "action", "from_status",
    "to_status", "status_text", "reason", "office_id", "version",
)  # fmt: skip
CHAIN_COLUMNS = ("chain_seq", "prev_hash", "entry_hash")


@dataclass(frozen=True)
class ChainSpec:
    name: str  # also the model label: "audit.auditevent"
    fields: tuple[str, ...]

    def model(self):
        return apps.get_model(self.name)


CHAINS = {
    "audit": ChainSpec("audit.auditevent", AUDIT_FIELDS),
    "cases": ChainSpec("cases.caseevent", CASE_EVENT_FIELDS),
}


def spec_for(model) -> ChainSpec:
    label = model._meta.label_lower
    for spec in CHAINS.values():
        if spec.name == label:
            return spec
    raise LookupError(f"{label} is not a chained model")


# --- Hashing -------------------------------------------------------------------------


def chain_key() -> bytes:
    """RENCAI_AUDIT_KEY if set, else derived from the field key (domain-separated)."""
    explicit = getattr(settings, "RENCAI_AUDIT_KEY", "")
    if explicit:
        return explicit.encode()
    return hmac.new(
        settings.FIELD_ENCRYPTION_KEY.encode(), b"rencai.audit.chain.v1", hashlib.sha256
    ).digest()


def key_id() -> str:
    """Names the key without revealing it (shown by audit-verify, kept in the head)."""
    return hmac.new(chain_key(), b"key-id", hashlib.sha256).hexdigest()[:16]


def _canon(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def canonical(spec: ChainSpec, seq: int, prev: str, row: dict) -> bytes:
    payload = {"chain": spec.name, "seq": seq, "prev": prev}
    # Empty values (None, "") are left out, so a column added later as nullable or
    # default "" leaves the hashes of older rows unchanged once it joins the list.
    payload["row"] = {n: _canon(row[n]) for n in spec.fields if row[n] is not None and row[n] != ""}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _digests() -> tuple[str, ...]:
    """HMAC-SM3 under RENCAI_CRYPTO_PROFILE=gm (GB/T 39786 integrity), else HMAC-SHA256.
    Verification accepts either, so entries written before a profile switch still verify
    (both need the chain key; the algorithm adds nothing an attacker could use)."""
    from rencai.core import crypto

    return ("sm3", "sha256") if crypto.profile() == crypto.GM else ("sha256", "sm3")


def entry_hash(spec: ChainSpec, seq: int, prev: str, row: dict, *, digest: str = "") -> str:
    message = canonical(spec, seq, prev, row)
    return hmac.new(chain_key(), message, digest or _digests()[0]).hexdigest()


def entry_hash_matches(spec: ChainSpec, seq: int, prev: str, row: dict, stored: str) -> bool:
    return any(
        hmac.compare_digest(entry_hash(spec, seq, prev, row, digest=d), stored) for d in _digests()
    )


# --- Appending -------------------------------------------------------------------------


def _head_model(head_model=None):
    return head_model or apps.get_model("audit", "ChainHead")


def lock_heads(*, using: str = DEFAULT_DB_ALIAS, head_model=None) -> dict:
    """Lock every chain head (in name order, so no two appenders deadlock); create missing."""
    Head = _head_model(head_model)
    names = sorted(spec.name for spec in CHAINS.values())
    query = Head.objects.using(using).select_for_update().filter(name__in=names).order_by("name")
    heads = {h.name: h for h in query}
    if len(heads) < len(names):
        missing = [Head(name=n, key_id=key_id()) for n in names if n not in heads]
        Head.objects.using(using).bulk_create(missing, ignore_conflicts=True)
        heads = {h.name: h for h in query.all()}
    return heads


def seal(
    spec: ChainSpec, *, using: str = DEFAULT_DB_ALIAS, model=None, head_model=None, limit=None
) -> dict[int, tuple[int, str, str]]:
    """Chain every unsealed row of `spec` (in id order). Returns {id: (seq, prev, hash)}."""
    model = model or spec.model()
    Head = _head_model(head_model)
    sealed: dict[int, tuple[int, str, str]] = {}
    with transaction.atomic(using=using):
        head = lock_heads(using=using, head_model=Head)[spec.name]
        pending = (
            model._base_manager.using(using)
            .filter(chain_seq__isnull=True)
            .order_by("pk")
            .values(*spec.fields)
        )
        seq, prev = head.seq, head.hash
        for row in pending[:limit] if limit else pending:
            seq += 1
            digest = entry_hash(spec, seq, prev, row)
            # The trigger lets exactly this UPDATE through: chain columns set once, no others.
            model._base_manager.using(using).filter(pk=row["id"], chain_seq__isnull=True).update(
                chain_seq=seq, prev_hash=prev, entry_hash=digest
            )
            sealed[row["id"]] = (seq, prev, digest)
            prev = digest
        if sealed:
            Head.objects.using(using).filter(name=spec.name).update(seq=seq, hash=prev)
    return sealed


def seal_all(*, using: str = DEFAULT_DB_ALIAS, limit=None) -> int:
    return sum(len(seal(spec, using=using, limit=limit)) for spec in CHAINS.values())


# --- Verifying -------------------------------------------------------------------------


@dataclass
class Break:
    entry_id: int | None
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry id {self.entry_id} (seq {self.seq})" if self.entry_id else "chain end"
        return f"{where}: {self.problem}"


@dataclass
class Report:
    chain: str
    checked: int = 0
    unsealed: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    anchor_seq: int = 0
    anchor_hash: str = GENESIS
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def _rows(spec: ChainSpec, model, using: str, **filters):
    return (
        model._base_manager.using(using)
        .filter(chain_seq__isnull=False, **filters)
        .order_by("chain_seq")
        .values(*spec.fields, *CHAIN_COLUMNS)
        .iterator(chunk_size=2000)
    )


def check_link(spec: ChainSpec, row: dict, seq: int, prev: str) -> str | None:
    """What is wrong with `row` as link `seq` after hash `prev` (None: nothing)."""
    if row["chain_seq"] != seq:
        if row["chain_seq"] > seq:
            return (
                f"seq {row['chain_seq']} follows seq {seq - 1}: "
                f"{row['chain_seq'] - seq} entries missing (deleted)"
            )
        return f"seq {row['chain_seq']} repeated or out of order (expected {seq})"
    if row["prev_hash"] != prev:
        return "prev_hash does not match the hash of the entry before it (entries removed or re-ordered)"
    if not entry_hash_matches(spec, seq, prev, row, row["entry_hash"]):
        return "content does not match entry_hash: the entry was changed after it was written"
    return None


def verify(spec: ChainSpec, *, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Walk the chain from its anchor; the first break ends the walk."""
    model = spec.model()
    Head = _head_model()
    head = Head.objects.using(using).filter(name=spec.name).first() or Head(name=spec.name)
    report = Report(
        chain=spec.name, head_seq=head.seq, head_hash=head.hash,
        anchor_seq=head.anchor_seq, anchor_hash=head.anchor_hash,
    )  # fmt: skip
    report.unsealed = model._base_manager.using(using).filter(chain_seq__isnull=True).count()
    if head.key_id and head.key_id != key_id():
        report.breaks.append(
            Break(None, None, f"the chain was sealed with key {head.key_id}, this is {key_id()}")
        )
        return report
    seq, prev = head.anchor_seq + 1, head.anchor_hash
    for row in _rows(spec, model, using):
        problem = check_link(spec, row, seq, prev)
        if problem:
            report.breaks.append(Break(row["id"], row["chain_seq"], problem))
            return report
        report.checked += 1
        seq, prev = seq + 1, row["entry_hash"]
    if seq - 1 != head.seq:
        report.breaks.append(
            Break(None, seq - 1, f"chain ends at seq {seq - 1} but its head records seq "
                  f"{head.seq}: the last entries were deleted")
        )  # fmt: skip
    elif prev != head.hash:
        report.breaks.append(Break(None, seq - 1, "last entry's hash differs from the head's"))
    return report
