"""The case deadline worker: fires due system rows of the workflow table, in bulk.

The same rows, guards and effects as `case_transition` (rencai.process.engine.choose /
set_deadline), written many cases at a time; tests/cases/test_sweep_worker.py checks that
the bulk path leaves exactly what case_transition leaves. Rows that cannot go in bulk
fall back to `_fire_one` (case_transition under the row lock).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import translation

from rencai.audit.services import audit_record
from rencai.cases import effects, status_cache, workflow
from rencai.cases.context import TransitionContext
from rencai.cases.models import Case, CaseEvent, ChainStep
from rencai.cases.notifications import applicant_messages
from rencai.cases.process import CASE, WORKFLOW_FIELDS
from rencai.cases.selectors import case_status_text
from rencai.core import clock
from rencai.core.errors import DomainError
from rencai.process import engine

log = logging.getLogger("rencai.cases.services")


def _system_reasons() -> dict:
    from rencai.cases.services import SYSTEM_REASONS

    return SYSTEM_REASONS


def case_transition(**kwargs):
    from rencai.cases.services import case_transition as transition

    return transition(**kwargs)


def _fire_one(case_id: int, now: datetime) -> bool:
    """Fire one due case. Re-checks under the row lock, so running twice fires once."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.due_at is None or case.due_at > now or not case.due_action:
            return False
        try:
            with transaction.atomic():
                case_transition(
                    case=case, action=case.due_action, actor=None, acting_as=None, now=now
                )
        except DomainError as exc:
            _deadline_skip(case, exc)
            return False
        return True


#: Cases fired per transaction. Card issuance renders a PDF (~25 ms), so a transaction
#: takes at most CARDS_PER_CHUNK of them: the SQLite write lock stays short.
FIRE_CHUNK = 1000
CARDS_PER_CHUNK = 20
#: PostgreSQL: connections firing chunks side by side. While one waits for the server
#: (index updates, COPY, commit), another prepares its chunk: a 10,000-case sweep is
#: half client work and half server work, so two roughly halve its wall time.
SWEEP_CONNECTIONS = 2
SWEEP_FIELDS = (
    "id", "number", "applicant", "unit", "category", "status", "version", "holding_office",
    "chain_step", "acceptance_office", "due_at", "due_date", "due_provisional", "due_action",
)  # fmt: skip
_UNSET = object()


def deadlines_fire(*, batch: int = 100) -> int:
    """Worker sweep: fire due deadlines (auto-accept, notice end). Returns how many fired.

    Exactly once with any number of workers: each chunk of due rows is claimed and fired
    in one transaction. PostgreSQL claims with SELECT … FOR UPDATE SKIP LOCKED, so
    workers share the work; SQLite transactions are IMMEDIATE (one writer at a time), so
    the claim and the writes see one consistent database. A worker killed mid-chunk
    commits nothing; the next worker fires the whole chunk. An idle sweep is one probe
    of the partial index `case_due`.

    A chunk is fired in bulk (one UPDATE per group of identical changes, bulk inserts of
    history, audit and outbox rows); if that fails unexpectedly, its cases are fired one
    by one through `case_transition`.

    On PostgreSQL a sweep of more than one chunk runs on SWEEP_CONNECTIONS connections
    at once (SKIP LOCKED gives each its own chunks); not inside an outer transaction,
    whose uncommitted rows other connections could not see.
    """
    now = clock.now()
    parallel = (
        SWEEP_CONNECTIONS > 1
        and batch > FIRE_CHUNK
        and connection.features.has_select_for_update_skip_locked
        and not connection.in_atomic_block
    )
    if not parallel:
        return _fire_until(now, _Budget(batch))
    budget = _Budget(batch)
    with ThreadPoolExecutor(SWEEP_CONNECTIONS, thread_name_prefix="sweep") as pool:
        runs = [pool.submit(_fire_on_own_connection, now, budget) for _ in range(SWEEP_CONNECTIONS)]
        return sum(run.result() for run in runs)


class _Budget:
    """How many more cases this sweep may claim, shared by its connections."""

    def __init__(self, total: int):
        self.left = total
        self._lock = threading.Lock()

    def take(self, most: int) -> int:
        with self._lock:
            taken = min(most, self.left)
            self.left -= taken
            return taken

    def give_back(self, unused: int) -> None:
        with self._lock:
            self.left += unused


def _fire_until(now: datetime, budget: _Budget) -> int:
    # History rows and SMS are records: in the site's language, whatever the caller's.
    with translation.override(settings.LANGUAGE_CODE):
        return _fire_chunks(now, budget)


def _fire_chunks(now: datetime, budget: _Budget) -> int:
    fired = 0
    while limit := budget.take(FIRE_CHUNK):
        done, claimed = _fire_chunk(now, limit)
        fired += done
        budget.give_back(limit - claimed)
        if not claimed:
            break
    return fired


def _fire_on_own_connection(now: datetime, budget: _Budget) -> int:
    try:
        return _fire_until(now, budget)
    finally:
        connections.close_all()  # this thread's connections only


def _fire_chunk(now: datetime, limit: int) -> tuple[int, int]:
    # The claim reads the columns the firing needs (`.only()`): one query per chunk.
    due = Case.objects.filter(due_at__lte=now).only(*SWEEP_FIELDS).order_by("due_at")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due[:limit])
        if not claimed:
            return 0, 0
        cases, cards = [], 0
        for case in claimed:
            if case.due_action == "notice_pass":
                if cards == CARDS_PER_CHUNK:
                    break
                cards += 1
            cases.append(case)
        try:
            with transaction.atomic():
                return _fire_many(cases, now), len(cases)
        except Exception:
            log.exception("bulk deadline firing failed; firing %s cases one by one", len(cases))
    return sum(_fire_one(case.pk, now) for case in cases), len(cases)


def _fire_many(claimed: list[Case], now: datetime) -> int:
    """Fire claimed cases in bulk, writing the rows case_transition would write.

    Per chunk: the claim's SELECT (offices, steps and mobiles then looked up once per
    distinct value, not joined per row), one UPDATE per group of identical changes, and
    one multi-row INSERT each for history, audit and outbox rows.
    """
    from django.db.models import F

    from rencai.accounts.models import User
    from rencai.audit.models import AuditEvent
    from rencai.core.masking import scrub
    from rencai.notify.models import OutboxMessage
    from rencai.orgs.models import Office
    from rencai.workdays.calendar import pinned

    # The claim loaded only what the system rows read; an effect that reads more (the
    # card's fields) loads it on access, a setter just sets it (changes are taken from
    # __dict__). The database guarantees a due case has a due action (a constraint).
    cases = sorted(claimed, key=lambda case: (case.due_at, case.pk))
    offices = Office.objects.in_bulk({c.holding_office_id for c in cases} - {None})
    steps = ChainStep.objects.in_bulk({c.chain_step_id for c in cases} - {None})
    for case in cases:
        case.holding_office = offices.get(case.holding_office_id)
        case.chain_step = steps.get(case.chain_step_id)
    attnames = [Case._meta.get_field(f).attname for f in WORKFLOW_FIELDS if f != "version"]
    groups: dict[tuple, list[int]] = {}
    fired: list[tuple[Case, workflow.Transition, str, str, str]] = []
    status_texts: dict[tuple, str] = {}  # one (translated) wording per state and office
    with pinned(), effects.batch_memo():
        for case in cases:
            action = case.due_action
            reason = _system_reasons().get(action, "")
            source = case.status
            ctx = TransitionContext(
                case=case, actor=None, role=workflow.Role.SYSTEM, now=now, reason=reason,
                process=CASE, source=source,
            )  # fmt: skip
            before = [case.__dict__.get(a, _UNSET) for a in attnames]
            try:
                row = engine.choose(ctx, action)  # reads only
            except DomainError as exc:
                _deadline_skip(case, exc)
                continue
            for name in row.effects:  # raising here falls back to one by one
                effects.EFFECTS[name](ctx)
            engine.set_deadline(case, row, now)
            case.status = row.target
            case.version += 1
            state = case.__dict__
            changed = tuple(
                (a, state[a])
                for a, old in zip(attnames, before, strict=True)
                if state.get(a, _UNSET) is not _UNSET and state[a] != old
            )
            groups.setdefault(changed, []).append(case.pk)
            text_key = (case.status, case.holding_office_id, case.chain_step_id)
            if text_key not in status_texts:
                status_texts[text_key] = case_status_text(case)
            fired.append((case, row, source, reason, status_texts[text_key]))
    for changed, pks in groups.items():
        Case.objects.filter(pk__in=pks).update(version=F("version") + 1, **dict(changed))
    # The worklists of the offices that held the fired cases and of those that hold them.
    status_cache.offices_changed(*offices, *(case.holding_office_id for case, *_ in fired))
    from rencai.cases import services  # tests hook it there (and case_transition reads it)

    if services._after_status_update is not None:
        for case, *_rest in fired:
            services._after_status_update(case)
    if not fired:
        return 0
    ops = connection.ops
    at_db = ops.adapt_datetimefield_value(now)
    event_ids = _insert_rows(
        CaseEvent,
        ["case", "at", "actor", "acting_as", "role", "action", "from_status", "to_status",
         "status_text", "reason", "office", "version"],
        [
            (case.pk, at_db, None, "系统", workflow.Role.SYSTEM, row.action, source, row.target,
             status_text, reason, case.holding_office_id, case.version)
            for case, row, source, reason, status_text in fired
        ],
        returning=True,
    )  # fmt: skip
    audit_at = ops.adapt_datetimefield_value(clock.now())
    _insert_rows(
        AuditEvent,
        ["at", "actor", "acting_as", "ip", "event", "outcome", "object_type", "object_id",
         "detail"],
        [
            # the detail is made of the case number, states and a system reason only
            (audit_at, None, "系统", None, f"case.{row.action}"[:60], "ok", "cases.case",
             str(case.pk), f"{case.number} {source}→{row.target} {reason}".strip()[:2000])
            for case, row, source, reason, _text in fired
        ],
    )  # fmt: skip
    contacts = {
        pk: (mobile or "", email)
        for pk, mobile, email in User.objects.filter(
            pk__in={c.applicant_id for c, *_ in fired}
        ).values_list("pk", "mobile", "email")
    }
    messages = []
    for (case, row, _source, reason, status_text), event_id in zip(fired, event_ids, strict=True):
        mobile, email = contacts.get(case.applicant_id, ("", ""))
        if not (mobile or email) or not row.notify:
            continue
        for channel, recipient, subject, body, key in applicant_messages(
            case, row, status_text=status_text, reason=reason, key=f"case:{case.pk}:{event_id}",
            mobile=mobile, email=email,
        ):  # fmt: skip
            messages.append(
                (channel, recipient, subject, scrub(body) if channel == "sms" else body,
                 key[:120], OutboxMessage.Status.PENDING, 0, audit_at, "", audit_at, None)
            )  # fmt: skip
    _insert_rows(
        OutboxMessage,
        ["channel", "recipient", "subject", "body", "idempotency_key", "status", "attempts",
         "next_attempt_at", "last_error", "created_at", "sent_at"],
        messages,
        ignore_conflicts=True,
    )  # fmt: skip
    for case, row, source, _reason, _text in fired:
        extra = {"workflow": "case", "case": case.number, "action": row.action, "from": source,
                 "to": row.target, "actor_id": "system"}  # fmt: skip
        transaction.on_commit(lambda extra=extra: log.info("transition", extra=extra))
    return len(fired)


def _insert_rows(
    model, fields: list[str], rows: list[tuple], *, returning=False, ignore_conflicts=False
) -> list[int]:
    """Multi-row INSERT of already adapted values (a fraction of bulk_create's cost per
    row); returns the new ids in row order when asked (PostgreSQL, SQLite ≥ 3.35)."""
    if not rows:
        return []
    qn = connection.ops.quote_name
    meta = model._meta
    if connection.vendor == "postgresql":
        return _copy_rows(model, fields, rows, returning=returning)
    columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per = max(1, 30000 // len(fields))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            # Identifiers come from the model's metadata; every value is a parameter.
            values = ", ".join([one] * len(chunk))
            sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608
            if ignore_conflicts:
                sql += " ON CONFLICT DO NOTHING"
            if returning:
                sql += f" RETURNING {qn(meta.pk.column)}"
            cursor.execute(sql, [value for row in chunk for value in row])
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    if returning and len(ids) != len(rows):
        raise RuntimeError("INSERT … RETURNING did not return every id")
    return ids


def _copy_rows(model, fields: list[str], rows: list[tuple], *, returning: bool) -> list[int]:
    """PostgreSQL: COPY, with ids drawn from the table's sequence first when asked.
    (No ON CONFLICT with COPY: the outbox keys written here contain a new event id, so
    they cannot collide.)"""
    qn = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = [meta.pk.column, *columns]
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        names = ", ".join(qn(c) for c in columns)
        with cursor.copy(f"COPY {qn(meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def _deadline_skip(case: Case, exc: DomainError) -> None:
    """The table no longer allows the due action: drop the deadline so it does not spin."""
    Case.objects.filter(pk=case.pk).update(
        due_at=None, due_date=None, due_action="", due_provisional=False
    )
    status_cache.offices_changed(case.holding_office_id)  # its deadline leaves the worklist
    audit_record(event="case.deadline_skipped", obj=case, outcome="refused", detail=exc.message)
    log.warning("deadline of case %s not fired: %s", case.pk, exc.message)


# --- the applicant's and the unit admin's side (phase 2) ------------------------------

#: Application fields a draft form may set (the unit has its own rule, see case_update).
