"""The audit log and the case history are hash chains the database keeps append-only.

Finding 4 of issue #10: on 2ff1af0 `_base_manager.update`, `_raw_delete` and raw SQL
UPDATE/DELETE succeeded and nothing would show a rewritten entry.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from rencai.audit import chain
from rencai.audit.models import AuditEvent, ChainHead
from rencai.audit.services import audit_record, chain_seal_sweep
from rencai.cases.models import CaseEvent
from rencai.core import clock


def _entries(n: int, prefix: str = "test") -> list[AuditEvent]:
    return [audit_record(event=f"{prefix}.{i}", detail=f"entry {i}") for i in range(n)]


def _refused(action) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        action()


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _without_triggers(table: str) -> None:
    """What someone with the schema owner's rights could do (undone by the test rollback)."""
    if connection.vendor == "postgresql":
        _sql("SET LOCAL session_replication_role = replica")  # superuser: triggers off
    else:
        _sql(f'DROP TRIGGER "{table}_no_update"')
        _sql(f'DROP TRIGGER "{table}_no_delete"')


def _verify_fails(*args) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", *args)
    return str(failure.value)


@pytest.fixture
def case_events(db):
    from rencai.cases.services import case_transition
    from tests.cases.factories import build_world, new_case

    world = build_world()
    case = new_case(world)
    case_transition(case=case, action="submit", actor=world.applicant, acting_as=None)
    events = list(CaseEvent.objects.filter(case=case).order_by("chain_seq"))
    assert events and all(e.entry_hash for e in events)
    return events


@pytest.mark.django_db
def test_each_entry_carries_its_predecessors_hash():
    first, second, third = _entries(3)
    assert (first.chain_seq, second.chain_seq, third.chain_seq) == (1, 2, 3)
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    head = ChainHead.objects.get(name="audit.auditevent")
    assert (head.seq, head.hash) == (3, third.entry_hash)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["detail", "entry_hash", "chain_seq"])
def test_database_refuses_update_of_audit_entries(field):
    entry = _entries(1)[0]
    value = 99 if field == "chain_seq" else "rewritten"
    rows = AuditEvent._base_manager.filter(pk=entry.pk)
    _refused(lambda: rows.update(**{field: value}))
    column = AuditEvent._meta.get_field(field).column
    _refused(lambda: _sql(f'UPDATE audit_auditevent SET "{column}" = %s', [value]))
    entry.refresh_from_db()
    assert entry.detail == "entry 0" and entry.chain_seq == 1


@pytest.mark.django_db
def test_database_refuses_delete_of_audit_entries():
    entry = _entries(1)[0]
    _refused(lambda: AuditEvent._base_manager.filter(pk=entry.pk)._raw_delete("default"))
    _refused(lambda: _sql("DELETE FROM audit_auditevent"))
    _refused(lambda: _sql("DELETE FROM audit_auditevent WHERE id = %s", [entry.pk]))
    assert AuditEvent.objects.filter(pk=entry.pk).exists()


def test_database_refuses_update_and_delete_of_case_history(case_events):
    event = case_events[0]
    rows = CaseEvent._base_manager.filter(pk=event.pk)
    _refused(lambda: rows.update(reason="改写"))
    _refused(lambda: rows.update(to_status="card_issued"))
    _refused(lambda: rows._raw_delete("default"))
    _refused(lambda: _sql("UPDATE cases_caseevent SET reason = 'x'"))
    _refused(lambda: _sql("DELETE FROM cases_caseevent"))
    call_command("audit_verify")


@pytest.mark.django_db
def test_audit_verify_passes_on_an_intact_chain(capsys):
    _entries(4)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "audit.auditevent: ok, 4 entries" in out
    assert "cases.caseevent: ok" in out


@pytest.mark.django_db
def test_rewritten_entry_is_found_by_audit_verify():
    entries = _entries(5)
    _without_triggers("audit_auditevent")
    AuditEvent._base_manager.filter(pk=entries[2].pk).update(detail="nothing happened")
    message = _verify_fails()
    assert f"entry id {entries[2].pk} (seq 3)" in message
    assert "content does not match entry_hash" in message


@pytest.mark.django_db
def test_rewritten_entry_with_recomputed_plain_hash_is_found():
    """Rehashing the row and the rest of the chain needs the HMAC key, not just SQL."""
    import hashlib

    entries = _entries(3)
    _without_triggers("audit_auditevent")
    forged = hashlib.sha256(b"forged").hexdigest()
    AuditEvent._base_manager.filter(pk=entries[1].pk).update(detail="x", entry_hash=forged)
    AuditEvent._base_manager.filter(pk=entries[2].pk).update(prev_hash=forged)
    assert f"entry id {entries[1].pk} (seq 2): content does not match" in _verify_fails()


@pytest.mark.django_db
def test_deleted_entries_are_found_by_audit_verify():
    entries = _entries(5)
    _without_triggers("audit_auditevent")
    AuditEvent._base_manager.filter(pk=entries[1].pk)._raw_delete("default")
    message = _verify_fails()
    assert f"entry id {entries[2].pk} (seq 3)" in message and "1 entries missing" in message


@pytest.mark.django_db
def test_deleted_last_entry_is_found_by_audit_verify():
    entries = _entries(3)
    _without_triggers("audit_auditevent")
    AuditEvent._base_manager.filter(pk=entries[-1].pk)._raw_delete("default")
    assert "the last entries were deleted" in _verify_fails()


def test_rewritten_case_history_is_found_by_audit_verify(case_events):
    _without_triggers("cases_caseevent")
    CaseEvent._base_manager.filter(pk=case_events[0].pk).update(reason="已批准")
    message = _verify_fails("--chain", "cases")
    assert f"cases.caseevent: BROKEN at entry id {case_events[0].pk}" in message


@pytest.mark.django_db
def test_a_different_key_is_reported(settings):
    _entries(2)
    settings.RENCAI_AUDIT_KEY = "another key"
    assert "the chain was sealed with key" in _verify_fails("--chain", "audit")


@pytest.mark.django_db
def test_rows_inserted_in_bulk_are_sealed_by_the_worker_sweep():
    """deadlines_fire inserts history and audit rows in bulk, without the chain columns."""
    _entries(1)
    _sql(
        "INSERT INTO audit_auditevent (at, acting_as, event, outcome, object_type, object_id,"
        " detail, prev_hash, entry_hash) VALUES (%s, '系统', 'case.auto_accept', 'ok', '', '',"
        " '', '', '')",
        [connection.ops.adapt_datetimefield_value(clock.now())],
    )
    report = chain.verify(chain.CHAINS["audit"])
    assert report.ok and report.unsealed == 1
    # Unsealed rows are protected too: nothing but the seal may change them.
    _refused(lambda: AuditEvent._base_manager.filter(chain_seq=None).update(detail="x"))
    _refused(lambda: AuditEvent._base_manager.filter(chain_seq=None)._raw_delete("default"))
    assert chain_seal_sweep(batch=100) == 1
    report = chain.verify(chain.CHAINS["audit"])
    assert report.ok and report.unsealed == 0 and report.checked == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_valid():
    threads, per_thread = 4, 15
    barrier = threading.Barrier(threads)
    errors = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(event="concurrent", detail=f"{n}:{i}")
                    audit_record(event="concurrent", detail=f"{n}:{i}b")
        except Exception as exc:  # reported below, in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    seqs = sorted(AuditEvent.objects.values_list("chain_seq", flat=True))
    assert seqs == list(range(1, threads * per_thread * 2 + 1))
    report = chain.verify(chain.CHAINS["audit"])
    assert report.ok, report.breaks
    assert report.checked == threads * per_thread * 2


@pytest.mark.django_db
def test_archive_then_verify_passes(tmp_path, settings):
    settings.RENCAI_AUDIT_RETENTION_DAYS = 200
    with clock.frozen(clock.now() - timedelta(days=400)):
        old = _entries(3, "old")
    recent = _entries(2, "recent")
    call_command("audit_archive", str(tmp_path))
    files = list(tmp_path.glob("audit-*.jsonl"))
    assert len(files) == 1
    lines = [json.loads(line) for line in files[0].read_text().splitlines()]
    assert lines[0]["from_seq"] == 1 and lines[0]["to_seq"] == 3
    assert [e["row"]["event"] for e in lines[1:-1]] == ["old.0", "old.1", "old.2"]
    assert lines[-1]["anchor_out"] == old[-1].entry_hash
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    head = ChainHead.objects.get(name="audit.auditevent")
    assert (head.anchor_seq, head.anchor_hash) == (3, old[-1].entry_hash)
    assert AuditEvent.objects.filter(event="audit.archive").exists()

    call_command("audit_verify", "--archives", str(tmp_path))
    # The archive's permission ended with it: the kept entries stay undeletable.
    _refused(lambda: _sql("DELETE FROM audit_auditevent WHERE id = %s", [recent[0].pk]))
    call_command("audit_archive", str(tmp_path))  # nothing old left: no new file
    assert len(list(tmp_path.glob("audit-*.jsonl"))) == 1

    # A changed archive file no longer verifies.
    text = files[0].read_text().replace('"old.1"', '"old.x"')
    files[0].write_text(text)
    assert "checksum mismatch" in _verify_fails("--archives", str(tmp_path))


@pytest.mark.django_db
def test_retention_cannot_be_shorter_than_180_days(tmp_path, settings):
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("audit_archive", str(tmp_path), "--days", "30")
    from rencai.audit.checks import check_retention

    settings.RENCAI_AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in check_retention()] == ["audit.E001"]


@pytest.mark.parametrize("name", sorted(chain.CHAINS))
def test_every_column_of_a_chained_model_is_hashed(name):
    """A column added later must be added to the chain's field list (and its trigger)."""
    spec = chain.CHAINS[name]
    columns = {f.attname for f in spec.model()._meta.concrete_fields}
    assert columns == set(spec.fields) | set(chain.CHAIN_COLUMNS)


@pytest.mark.django_db
def test_migration_chains_the_rows_written_before_it():
    """Rows from before the chain (columns empty) are chained in id order by the migration."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    at = connection.ops.adapt_datetimefield_value(clock.now())
    for i in range(3):
        _sql(
            "INSERT INTO audit_auditevent (at, acting_as, event, outcome, object_type, object_id,"
            " detail)"
            " VALUES (%s, '', %s, 'ok', '', '', '')",
            [at, f"legacy.{i}"],
        )
    migration = importlib.import_module("rencai.audit.migrations.0003_audit_chain")
    migration.seal_existing(apps, SimpleNamespace(connection=connection))
    rows = list(AuditEvent.objects.order_by("id").values_list("event", "chain_seq"))
    assert rows == [("legacy.0", 1), ("legacy.1", 2), ("legacy.2", 3)]
    assert chain.verify(chain.CHAINS["audit"]).ok
