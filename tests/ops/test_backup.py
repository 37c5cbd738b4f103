"""rencai backup / restore: a round trip brings back every case, file, card and audit entry,
on whichever database the suite runs (SQLite or PostgreSQL), also for a backup taken while
people are submitting; a damaged backup, another field key or a newer schema change nothing.
"""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections

from rencai.accounts.models import User
from rencai.audit.models import AuditEvent
from rencai.audit.services import audit_record
from rencai.cards.models import Card
from rencai.cards.services import card_issue
from rencai.cases.models import Case, CaseEvent
from rencai.documents.models import Document
from rencai.ops.backup import backup_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(media, demo_data):
    case = Case.objects.exclude(status="draft").select_related("applicant", "unit").first()
    card_issue(
        holder_name=case.applicant.real_name,
        id_number_masked=case.applicant.id_number_masked,
        employer=case.unit.name,
        category=case.category,
        issuing_office="广州市天河区人力资源和社会保障局",
        case=case,
    )
    for doc in Document.objects.all()[:5]:  # the demo's documents name files; store some
        default_storage.save(doc.file.name, _content(doc.pk))
    return case


def _content(n: int):
    from django.core.files.base import ContentFile

    return ContentFile(f"scan {n}".encode() * 100)


def _stored() -> dict[str, str]:
    from rencai.ops.backup import _storage_names

    try:
        names = list(_storage_names())
    except FileNotFoundError:
        return {}
    return {n: hashlib.sha256(default_storage.open(n).read()).hexdigest() for n in names}


def _state() -> dict:
    return {
        "cases": sorted(Case.objects.values_list("number", "status", "version")),
        "events": CaseEvent.objects.count(),
        "cards": sorted(Card.objects.values_list("number", "case_id")),
        "documents": Document.objects.count(),
        "audit": sorted(AuditEvent.objects.values_list("pk", "event")),
        "ids": sorted(u.reveal_id_number() for u in User.objects.exclude(id_number_encrypted="")),
        "files": _stored(),
    }


def test_round_trip_brings_everything_back(world, tmp_path):
    before = _state()
    assert before["cards"] and before["files"] and before["audit"]
    call_command("backup", str(tmp_path / "b"))

    # life goes on after the backup: new entries, a new card, files lost
    audit_record(event="test.after_backup", detail="written after the backup")
    other = Case.objects.exclude(pk=world.pk).first()
    card_issue(
        holder_name="后来",
        id_number_masked="4401**********0000",
        employer="x",
        category="title",
        issuing_office="y",
        case=other,
    )
    for name in before["files"]:
        default_storage.delete(name)
    assert _state() != before

    call_command("restore", str(tmp_path / "b"), "--yes")
    after = _state()
    # files stored after the backup stay (nothing is deleted on a restore); with no row
    # pointing at them they are what `rencai files-orphans --delete` clears
    extra = set(after["files"]) - set(before["files"])
    assert len(extra) == 1 and next(iter(extra)).startswith("cards/")
    after["files"] = {n: h for n, h in after["files"].items() if n not in extra}
    assert after == before


def test_the_field_key_never_goes_into_a_backup(world, tmp_path):
    summary = backup_create(directory=tmp_path / "b")
    key = settings.FIELD_ENCRYPTION_KEY.encode()
    for path in (tmp_path / "b").rglob("*"):
        if path.is_file():
            assert key not in path.read_bytes(), path
    assert summary.manifest["field_key_check"]
    assert len(summary.manifest["field_key_check"]) == 16


def test_restore_refuses_another_field_key_and_changes_nothing(world, tmp_path, settings):
    call_command("backup", str(tmp_path / "b"))
    audit_record(event="test.after_backup")
    before = _state()
    original = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = "another-key-" + "x" * 40
    with pytest.raises(CommandError, match="RENCAI_FIELD_KEY"):
        call_command("restore", str(tmp_path / "b"), "--yes")
    settings.FIELD_ENCRYPTION_KEY = original
    assert AuditEvent.objects.filter(event="test.after_backup").exists()
    assert len(_state()["audit"]) == len(before["audit"])


def test_a_damaged_backup_is_refused_before_anything_changes(world, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    audit_record(event="test.after_backup")
    victim = next(p for p in (tmp_path / "b" / "files").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", str(tmp_path / "b"), "--verify-only")
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", str(tmp_path / "b"), "--yes")
    assert AuditEvent.objects.filter(event="test.after_backup").exists()


def test_a_backup_from_a_newer_version_is_refused(world, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["migrations"].append(["cases", "9999_from_the_future"])
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="newer version"):
        call_command("restore", str(tmp_path / "b"), "--yes")


def test_backup_while_people_submit_is_consistent(world, tmp_path):
    """Writers keep committing during the backup; the copy is one snapshot: its row counts
    (read from that snapshot) are exactly what the restore finds."""
    stop = threading.Event()
    written = []

    def writer():
        try:
            while not stop.is_set():
                audit_record(event="test.during_backup", detail=str(len(written)))
                written.append(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        while len(written) < 20:
            pass
        summary = backup_create(directory=tmp_path / "b")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert written
    taken = summary.manifest["row_counts"][AuditEvent._meta.db_table]
    call_command("restore", str(tmp_path / "b"), "--yes")  # raises if any count differs
    assert AuditEvent.objects.count() == taken
    assert AuditEvent.objects.filter(event="test.during_backup").count() <= len(written)
    assert connection.vendor in summary.manifest["database"]["vendor"]
