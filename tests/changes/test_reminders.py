"""Overdue reminders (催办) for change requests: the data service centre's reviewers are told
once when a pending request passes its deadline; decided requests are left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rencai.accounts.models import RoleGrant
from rencai.audit.models import AuditEvent
from rencai.changes.models import ChangeRequest
from rencai.changes.services import (
    change_reminders_sweep,
    change_request_approve,
    change_request_institution_new,
    change_request_reject,
)
from rencai.core import clock, worker
from rencai.notify.models import OutboxMessage
from rencai.orgs.models import Office
from tests.changes.conftest import client_for, official, png

pytestmark = pytest.mark.django_db


def _submit(requester, name: str = "南海云端理工学院") -> ChangeRequest:
    return change_request_institution_new(
        requester=requester,
        education_level="bachelor",
        name=name,
        level="本科",
        confirm_new=True,
        files={"diploma": png()},
    )


def _reminders():
    return OutboxMessage.objects.filter(idempotency_key__contains=":reminder")


def _move_to(at):
    clock.advance(at - clock.now())


@pytest.fixture
def reviewers(reviewer, make_user):
    """Two reviewers of the data centre (one without a mobile), plus people who must not be
    told: a revoked reviewer and an official of another office."""
    by_email = official(
        make_user(real_name="审核员乙", mobile=None, email="yi@example.org"), "data-centre"
    )
    revoked = official(make_user(real_name="已调离"), "data-centre")
    RoleGrant.objects.filter(user=revoked).update(revoked_at=clock.now())
    elsewhere = official(make_user(real_name="教育局"), "dept-edu")
    return {"sms": reviewer, "email": by_email, "revoked": revoked, "elsewhere": elsewhere}


def test_reminder_fires_once_after_the_deadline(requester, reviewers):
    change = _submit(requester)
    _move_to(change.due_at - timedelta(minutes=1))
    assert change_reminders_sweep(batch=10) == 0  # not yet due
    assert not _reminders().exists() and not AuditEvent.objects.filter(event="change.remind")

    clock.advance(timedelta(minutes=2))
    assert change_reminders_sweep(batch=10) == 1
    change.refresh_from_db()
    assert change.reminded_at is not None and change.status == "pending"

    sms = _reminders().get(channel="sms")
    assert sms.recipient == reviewers["sms"].mobile
    assert change.number in sms.body and "催办" in sms.body and "增加院校" in sms.body
    assert requester.mobile not in sms.body and requester.real_name not in sms.body
    email = _reminders().get(channel="email")
    assert email.recipient == "yi@example.org" and change.number in email.subject
    assert "南海云端理工学院" in email.body and f"{change.due_date:%Y-%m-%d}" in email.body
    assert set(_reminders().values_list("idempotency_key", flat=True)) == {
        f"change:{change.number}:reminder:u{reviewers['sms'].pk}",
        f"change:{change.number}:reminder:u{reviewers['email'].pk}",
    }
    audit = AuditEvent.objects.get(event="change.remind")
    assert audit.outcome == "ok" and audit.object_id == str(change.pk)
    assert change.number in audit.detail

    # Not twice: neither a later sweep nor another day.
    assert change_reminders_sweep(batch=10) == 0
    clock.advance(timedelta(days=3))
    assert change_reminders_sweep(batch=10) == 0
    assert (
        _reminders().count() == 2 and AuditEvent.objects.filter(event="change.remind").count() == 1
    )

    # The reviewer sees it on the request.
    page = client_for(reviewers["sms"]).get(reverse("changes:detail", args=[change.number]))
    assert "向审核人员发送逾期催办" in page.content.decode()


def test_decided_requests_are_not_reminded(requester, reviewer):
    approved = _submit(requester, "甲乙理工学院")
    rejected = _submit(requester, "丙丁理工学院")
    pending = _submit(requester, "戊己理工学院")
    change_request_approve(change=approved, reviewer=reviewer)
    change_request_reject(change=rejected, reviewer=reviewer, reason="毕业证书不清晰")
    decided_sms = OutboxMessage.objects.count()
    clock.advance(timedelta(days=30))
    assert change_reminders_sweep(batch=10) == 1
    reminded = set(
        ChangeRequest.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True)
    )
    assert reminded == {pending.pk}
    assert OutboxMessage.objects.count() == decided_sms + 1
    assert pending.number in _reminders().get().body
    # Deciding the reminded request later is unaffected by the reminder.
    pending.refresh_from_db()
    change_request_approve(change=pending, reviewer=reviewer)
    assert change_reminders_sweep(batch=10) == 0


def test_batches_share_the_work_and_keys_stop_duplicates(requester, reviewer):
    first, second = _submit(requester, "甲乙理工学院"), _submit(requester, "丙丁理工学院")
    clock.advance(timedelta(days=30))
    # Two sweeps with batch=1 (as two workers would) remind each request once.
    assert change_reminders_sweep(batch=1) == 1
    assert change_reminders_sweep(batch=1) == 1
    assert change_reminders_sweep(batch=1) == 0
    assert ChangeRequest.objects.filter(reminded_at__isnull=True).count() == 0
    bodies = [m.body for m in _reminders()]
    assert len(bodies) == 2
    assert all(sum(c.number in b for b in bodies) == 1 for c in (first, second))
    # A worker that claimed the row before the mark was written: the outbox key keeps it
    # to one message per reviewer.
    ChangeRequest.objects.filter(pk=first.pk).update(reminded_at=None, due_action="remind")
    assert change_reminders_sweep(batch=10) == 1
    assert _reminders().count() == 2


def test_no_reachable_reviewer_falls_back_to_the_office_mailbox(requester, reference_data):
    change = _submit(requester)
    clock.advance(timedelta(days=30))
    assert change_reminders_sweep(batch=10) == 1
    mail = _reminders().get()
    assert mail.channel == "email" and mail.recipient == "hrssgz@gz.gov.cn"
    assert mail.idempotency_key == f"change:{change.number}:reminder:office"
    assert AuditEvent.objects.get(event="change.remind").outcome == "ok"


def test_nobody_to_tell_is_audited_and_still_marked(requester, reference_data):
    Office.objects.filter(code="data-centre").update(email="")
    change = _submit(requester)
    clock.advance(timedelta(days=30))
    assert change_reminders_sweep(batch=10) == 1
    assert not _reminders().exists()
    change.refresh_from_db()
    assert change.reminded_at is not None
    assert AuditEvent.objects.get(event="change.remind").outcome == "no_recipient"


def test_idle_sweep_is_one_indexed_probe(requester, reviewer):
    decided = _submit(requester, "甲乙理工学院")
    change_request_approve(change=decided, reviewer=reviewer)
    _submit(requester, "丙丁理工学院")  # pending, not due yet
    with CaptureQueriesContext(connection) as queries:
        assert change_reminders_sweep(batch=10) == 0
    probes = [q["sql"] for q in queries if "changes_changerequest" in q["sql"]]
    assert len(probes) == 1, probes
    due = ChangeRequest.objects.filter(
        status="pending", reminded_at__isnull=True, due_at__lte=clock.now()
    ).order_by("due_at", "pk")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the planner would seq-scan a tiny table
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "change_reminder_due" in due.explain()


def test_sweep_is_listed_and_run_by_the_worker(settings, requester, reviewer):
    assert "rencai.changes.services.change_reminders_sweep" in settings.RENCAI_WORKER_SWEEPS
    _submit(requester)
    clock.advance(timedelta(days=30))
    done = worker.run_once(batch=10)
    assert done["rencai.changes.services.change_reminders_sweep"] == 1
