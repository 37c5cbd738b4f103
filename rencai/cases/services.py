"""Writes on cases. `case_transition` is the only writer of a case's workflow columns."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.utils import translation

from rencai.audit.services import audit_record
from rencai.cases import effects, workflow
from rencai.cases.context import TransitionContext
from rencai.cases.models import Case, CaseEvent, CaseNumberSequence, ChainStep
from rencai.cases.notifications import sms_render
from rencai.cases.process import CASE, STALE, WORKFLOW_FIELDS  # noqa: F401 (STALE: re-export)
from rencai.cases.relations import acting_as_label, relation_of
from rencai.cases.selectors import case_status_text
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.orgs.models import Unit
from rencai.process import engine

log = logging.getLogger(__name__)
OPEN_CASE_CODE = "open_case_exists"
SYSTEM_REASONS = {
    "auto_accept": "系统自动受理（受理机构5个工作日内未查核或退案，第6个工作日自动受理）",
    "notice_pass": "系统确认：公示期满无异议",
    # The unit's clock (workflow.UNIT_CLOCK): the history says what the system did.
    "unit_review_remind": "单位管理员逾期未审核，系统已短信、邮件提醒单位管理员",
    "unit_review_escalate": "单位管理员提醒后仍逾期未审核，系统转主管部门审核",
}
#: Tests set this to observe (or kill the process) right after the status UPDATE.
_after_status_update: Callable[[Case], None] | None = None


def case_number_next(*, now: datetime | None = None) -> str:
    """RC2026-000123. Call inside a transaction: the year's row lock serialises callers."""
    year = (now or clock.now()).astimezone(clock.SHANGHAI).year
    with transaction.atomic():
        row = CaseNumberSequence.objects.select_for_update().filter(year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = CaseNumberSequence.objects.create(year=year, last=0)
            except IntegrityError:  # another transaction created it first
                row = CaseNumberSequence.objects.select_for_update().get(year=year)
        row.last += 1
        row.save(update_fields=["last"])
    return f"RC{year}-{row.last:06d}"


@transaction.atomic
def case_create(*, applicant, unit, category: str, created_by=None, **form) -> Case:
    """A new draft. `form` holds application fields (education_level, institution, …)."""
    from rencai.documents.services import folder_create

    if category not in Case.Category.values:
        raise DomainError(f"申报类别“{category}”无效", field="category")
    now = clock.now()
    case = Case(
        number=case_number_next(now=now),
        applicant=applicant,
        created_by=created_by or applicant,
        category=category,
        unit=unit,
        folder=folder_create(owner_kind="case"),
        created_at=now,
        **form,
    )
    # Constraints (one open case per person, one case per lift) are the database's to
    # judge: concurrent requests would pass a check made here (application_start maps
    # the IntegrityError to the guard's message).
    case.full_clean(exclude=["folder"], validate_constraints=False)
    case.save()
    audit_record(event="case.create", actor=created_by or applicant, obj=case, detail=case.number)
    return case


# --- one open application per person (constraint case_one_open_per_applicant) ----------


def case_open_of(applicant, *, exclude_pk: int | None = None) -> Case | None:
    """The person's open application (any state but the workflow's terminal ones)."""
    qs = Case.objects.filter(applicant_id=applicant.pk, status__in=Case.OPEN_STATUSES)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("holding_office", "chain_step", "unit").order_by("id").first()


def _open_case_refusal(open_case: Case, *, actor=None) -> Conflict:
    """The guard's message, also for the IntegrityError of a concurrent request. The
    number is named to the applicant (and to the unit admin of that case's unit only)."""
    status = case_status_text(open_case)
    if (
        actor is None
        or actor.pk == open_case.applicant_id
        or (open_case.created_by_id == getattr(actor, "pk", None))
    ):
        message = (
            f"您已有一份进行中的入户申请{open_case.number}（{status}）：同一时间只能有一份"
            "进行中的申请。请继续办理该申请；如需改报，请在受理前撤回该申请后再新建。"
        )
    else:
        message = "该申请人已有一份进行中的入户申请，同一时间只能有一份，不能再代为发起。"
    return Conflict(message, code=OPEN_CASE_CODE)


def _refuse_second_open(applicant, *, actor=None, exclude_pk: int | None = None) -> None:
    open_case = case_open_of(applicant, exclude_pk=exclude_pk)
    if open_case is not None:
        raise _open_case_refusal(open_case, actor=actor)


def case_transition(
    *,
    case: Case,
    action: str,
    actor,
    acting_as,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
    target_office=None,
    request=None,
) -> Case:
    """Move a case along the workflow table: rencai.process.engine.transition with the
    case process (rencai.cases.process). One transaction: lock, version, the table row
    whose guards pass, effects, deadline, CaseEvent, audit entry, SMS outbox rows. Anything
    refused raises (Conflict 409 / DomainError 400) and changes nothing. `acting_as` is an
    accounts.roles.ActingAs (None with actor=None: system)."""
    reason = (reason or "").strip() or ("" if actor else SYSTEM_REASONS.get(action, ""))
    engine.transition(
        process=CASE, obj=case, action=action, actor=actor, acting_as=acting_as, reason=reason,
        expected_version=expected_version, now=now, request=request, target_office=target_office,
    )  # fmt: skip
    return case


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
            reason = SYSTEM_REASONS.get(action, "")
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
    if _after_status_update is not None:
        for case, *_rest in fired:
            _after_status_update(case)
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
    mobiles = dict(
        User.objects.filter(pk__in={c.applicant_id for c, *_ in fired}, mobile__isnull=False)
        .exclude(mobile="")
        .values_list("pk", "mobile")
    )
    messages = []
    for (case, row, _source, reason, status_text), event_id in zip(fired, event_ids, strict=True):
        mobile = mobiles.get(case.applicant_id)
        if not mobile:
            continue
        office = case.holding_office
        for index, template in enumerate(row.notify):
            body = sms_render(
                template, number=case.number, status=status_text, reason=reason or "无",
                office=office.name if office else "", due_date=case.due_date or "",
            )  # fmt: skip
            key = f"case:{case.pk}:{event_id}" + (f":{index}" if index else "")
            messages.append(
                (OutboxMessage.Channel.SMS, mobile, "", scrub(body), key[:120],
                 OutboxMessage.Status.PENDING, 0, audit_at, "", audit_at, None)
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
    audit_record(event="case.deadline_skipped", obj=case, outcome="refused", detail=exc.message)
    log.warning("deadline of case %s not fired: %s", case.pk, exc.message)


# --- the applicant's and the unit admin's side (phase 2) ------------------------------

#: Application fields a draft form may set (the unit has its own rule, see case_update).
FORM_FIELDS = (
    "education_level", "institution", "institution_name", "major", "major_name",
    "graduation_date", "diploma_number", "degree_number", "title_series",
    "qualification_name", "qualification_level", "certificate_number", "certificate_date",
)  # fmt: skip


def case_editable(case: Case, role: str | None) -> bool:
    """May someone with `role` change the application's data (and attachments) now?

    The applicant: a draft or a returned case. The unit admin (FAQ 二.3, 二.4): a draft
    the unit started, a case under the unit's review (also after pulling it back within
    the hour), or one returned to the unit."""
    status = case.status
    if role == workflow.Role.APPLICANT:
        return status in (Case.Status.DRAFT, Case.Status.RETURNED)
    if role == workflow.Role.UNIT_ADMIN:
        if status == Case.Status.DRAFT:
            return case.created_by_id != case.applicant_id
        return status in (Case.Status.UNIT_REVIEW, Case.Status.RETURNED)
    return False


def _refuse_edit(case: Case) -> None:
    raise Conflict(f"当前状态「{case_status_text(case)}」下不能修改申请资料", code="not_editable")


def case_unit_change_refusal(case: Case) -> str | None:
    """Why the employer may not be changed now (None: it may). FAQ 一.18: until the first
    submission, and after withdrawing only for the natures in the table entry."""
    if case.status != Case.Status.DRAFT:
        return "已送审的申请不能更换引进单位；如需更换，请在受理前撤回后重新填报。"
    if not case.unit_changeable:
        natures = "、".join(
            str(n.label) for n in Unit.Nature if n in workflow.UNIT_CHANGE_AFTER_WITHDRAW
        )
        return (
            f"撤回后仅{natures}的申请可更换引进单位（FAQ 一.18）；"
            "如需改由其他单位引进，请新建申请。"
        )
    return None


@transaction.atomic
def case_update(*, case: Case, actor, acting_as, fields: dict, unit=None, request=None) -> Case:
    """Save a section of the draft. Only FORM_FIELDS and the unit; nothing else moves."""
    from rencai.catalog.models import education_needs_catalogue_school

    locked = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
    role = relation_of(case=locked, actor=actor, acting_as=acting_as)
    if role is None:
        raise NotFound("申请不存在")
    if not case_editable(locked, role):
        _refuse_edit(locked)
    unknown = set(fields) - set(FORM_FIELDS)
    if unknown:
        raise DomainError(f"字段“{sorted(unknown)[0]}”不能修改", field=sorted(unknown)[0])
    changed = []
    if unit is not None and unit.pk != locked.unit_id:
        if not isinstance(unit, Unit):
            raise DomainError("引进单位：请通过搜索选择单位", field="unit")
        if role != workflow.Role.APPLICANT:
            raise DomainError("引进单位：单位管理员不能更换引进单位", field="unit")
        if (refusal := case_unit_change_refusal(locked)) is not None:
            raise DomainError("引进单位：" + refusal, field="unit")
        if not unit.is_active:
            raise DomainError(f"引进单位：所选单位“{unit.name}”已注销", field="unit")
        locked.unit = unit
        changed.append("unit")
    for name, value in fields.items():
        if isinstance(value, str):
            value = " ".join(value.split())
        setattr(locked, name, value)
        changed.append(name)
    level = locked.education_level
    if "education_level" in fields or "institution" in fields or "institution_name" in fields:
        if level and education_needs_catalogue_school(level):
            # From 大专 up the school and the major come from the catalogue only (FAQ 一.8).
            locked.institution_name = locked.major_name = ""
        else:
            locked.institution = locked.major = None
        changed += ["institution", "institution_name", "major", "major_name"]
    locked.full_clean(exclude=["folder", "applicant", "created_by", "unit"])
    changed = sorted(set(changed))
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            event="case.update", actor=actor, obj=locked, request=request,
            acting_as=acting_as_label(actor, acting_as), detail=f"{locked.number} {','.join(changed)}",
        )  # fmt: skip
    case.refresh_from_db()
    return case


def case_attachment_upload(*, case: Case, actor, acting_as, type_code: str, file, request=None):
    """Upload (or replace: the old one is kept as history) an attachment of an editable case."""
    from rencai.documents.services import document_upload

    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        role = relation_of(case=locked, actor=actor, acting_as=acting_as)
        if role is None:
            raise NotFound("申请不存在")
        if not case_editable(locked, role):
            _refuse_edit(locked)
        document = document_upload(
            folder=locked.folder, type_code=type_code, file=file, uploaded_by=actor
        )
        audit_record(
            event="case.attachment", actor=actor, obj=locked, request=request,
            detail=f"{locked.number} {type_code} {document.public_id}",
        )  # fmt: skip
    return document


def case_act(
    *,
    case: Case,
    action: str,
    actor,
    acting_as,
    reason: str = "",
    expected_version: int | None = None,
    request=None,
) -> tuple[Case, bool]:
    """A transition pressed by a person (page or API). Returns (case, replayed).

    Idempotent with `expected_version`: when the version has moved on because *this*
    action by *this* person already happened at exactly that version (a double click, a
    retried request), the earlier result is returned instead of a 409. Completeness of
    the form is a guard of the table (form_complete), the same for pages and API."""
    try:
        return (
            case_transition(
                case=case,
                action=action,
                actor=actor,
                acting_as=acting_as,
                reason=reason,
                expected_version=expected_version,
                request=request,
            ),  # fmt: skip
            False,
        )
    except Conflict as exc:
        if exc.code != "stale" or expected_version is None or actor is None:
            raise
        done = CaseEvent.objects.filter(
            case_id=case.pk, version=expected_version + 1, action=action, actor=actor
        ).exists()
        if not done:
            raise
        case.refresh_from_db()
        return case, True


@transaction.atomic
def application_start(*, applicant, unit, category: str, created_by=None, request=None) -> Case:
    """A person (or a unit admin for them) starts a new application: the entry point of
    the pages and the API. Refuses a second open application (one at a time; the
    database index case_one_open_per_applicant decides between concurrent starts),
    a person under 「已禁止再报」 (FAQ 一.3), and consumes a lift (开通再次申报权限) —
    one lift, one application."""
    from rencai.cases.reapply import reapply_check, reapply_lift_consume

    actor = created_by or applicant
    _refuse_second_open(applicant, actor=actor)
    lift = reapply_check(applicant)
    try:
        with transaction.atomic():
            case = case_create(
                applicant=applicant, unit=unit, category=category, created_by=created_by,
                reapply_lift=lift,
            )  # fmt: skip
    except IntegrityError as exc:
        other = case_open_of(applicant)
        if other is not None:
            raise _open_case_refusal(other, actor=actor) from exc
        if lift is not None and Case.objects.filter(reapply_lift=lift).exists():
            raise Conflict(
                "再次申报权限已被另一份申请使用（每次开通仅限一次申报）", code="reapply_blocked"
            ) from exc
        raise
    if lift is not None:
        reapply_lift_consume(lift=lift, case=case)
    return case
