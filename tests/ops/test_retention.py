"""Retention: closed cases anonymised after their period (statistics kept, files gone, the
person too once nothing of theirs is kept), abandoned drafts deleted after a reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from rencai.accounts.models import User
from rencai.audit.models import AuditEvent
from rencai.cards.services import card_issue
from rencai.cases.models import Case
from rencai.core import clock
from rencai.documents.models import Document
from rencai.notify.models import OutboxMessage
from rencai.ops.models import AnonymisedCase
from rencai.ops.retention import ANONYMISED_NAME, retention_sweep
from tests.cases.factories import build_world, new_case, place

pytestmark = pytest.mark.django_db


def _store_files(case) -> list[str]:
    names = []
    for doc in Document.objects.filter(folder=case.folder):
        doc.file = default_storage.save(f"docs/r/{doc.pk}.png", ContentFile(b"scan"))
        doc.save(update_fields=["file"])
        names.append(doc.file.name)
    return names


@pytest.fixture
def world(db, media):
    return build_world()


def _closed(world, status: str, years_ago: float, **form):
    case = new_case(world, diploma_number="D123456", certificate_number="C-778899", **form)
    place(case, status, closed_at=clock.now() - timedelta(days=365 * years_ago))
    return case


def test_a_closed_case_past_its_period_is_anonymised_and_the_statistics_stay(world):
    old = _closed(world, "card_issued", 5.1)
    files = _store_files(old)
    card = card_issue(
        holder_name=world.applicant.real_name, id_number_masked=world.applicant.id_number_masked,
        employer=world.private.name, category="title", issuing_office="天河区", case=old,
    )  # fmt: skip
    pdf = card.pdf.name
    recent = _closed(world, "rejected", 1)
    counts = {s: Case.objects.filter(status=s).count() for s in ("card_issued", "rejected")}

    assert retention_sweep(batch=50) >= 1
    old.refresh_from_db()
    card.refresh_from_db()
    assert (old.diploma_number, old.certificate_number) == ("", "")
    assert Document.objects.filter(folder=old.folder).count() == 0
    assert files and not any(default_storage.exists(n) for n in files)
    assert pdf and not default_storage.exists(pdf)
    assert card.holder_name == ANONYMISED_NAME and card.id_number_masked == ""
    assert card.number  # verification can still say the card existed
    assert AuditEvent.objects.filter(event="retention.case_anonymised").count() == 1
    recent.refresh_from_db()
    assert recent.certificate_number == "C-778899"  # still within its period
    assert not AnonymisedCase.objects.filter(case=recent).exists()
    assert {s: Case.objects.filter(status=s).count() for s in counts} == counts
    # the applicant still has a case within its period: the account stays
    assert User.objects.get(pk=world.applicant.pk).real_name != ANONYMISED_NAME

    assert retention_sweep(batch=50) == 0  # nothing twice


def test_the_person_is_anonymised_when_nothing_of_theirs_is_kept(world):
    case = _closed(world, "withdrawn", 3)
    User.objects.filter(pk=world.applicant.pk).update(last_login=clock.now() - timedelta(days=800))
    retention_sweep(batch=50)
    person = User.objects.get(pk=world.applicant.pk)
    assert person.real_name == ANONYMISED_NAME
    assert (person.id_number_encrypted, person.mobile, person.email) == ("", None, "")
    assert person.id_number_index is None and not person.is_active
    assert not person.has_usable_password()
    assert AnonymisedCase.objects.filter(case=case).exists()
    # the unit admin (a role) and the officials are never anonymised
    assert User.objects.get(pk=world.unit_admin.pk).real_name != ANONYMISED_NAME


def test_an_abandoned_draft_is_deleted_only_after_a_reminder(world):
    draft = new_case(world)
    files = _store_files(draft)
    Case.objects.filter(pk=draft.pk).update(updated_at=clock.now() - timedelta(days=181))
    retention_sweep(batch=50)
    sms = OutboxMessage.objects.get(idempotency_key=f"retention:draft:{draft.pk}")
    assert draft.number in sms.body and "删除" in sms.body
    assert Case.objects.filter(pk=draft.pk).exists()
    retention_sweep(batch=50)
    assert OutboxMessage.objects.filter(idempotency_key__startswith="retention:").count() == 1

    with clock.frozen(clock.now() + timedelta(days=31)):
        retention_sweep(batch=50)
    assert not Case.objects.filter(pk=draft.pk).exists()
    assert not any(default_storage.exists(n) for n in files)
    assert AuditEvent.objects.filter(event="retention.draft_deleted").exists()


def test_a_draft_saved_after_the_reminder_is_kept(world):
    draft = new_case(world)
    Case.objects.filter(pk=draft.pk).update(updated_at=clock.now() - timedelta(days=181))
    retention_sweep(batch=50)
    draft.refresh_from_db()
    draft.save()  # the applicant logs in and saves (updated_at: now)
    with clock.frozen(clock.now() + timedelta(days=31)):
        retention_sweep(batch=50)
    assert Case.objects.filter(pk=draft.pk).exists()
