"""Finding 9: revoking a card is an official action (page: reason, fresh second factor,
audit, SMS) and a command; the verification page and the applicant's page agree; what
revocation means for the re-application block; and the card invariants in the database."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pyotp
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.cards.models import Card
from rencai.cards.services import card_issue, card_revoke
from rencai.cards.tokens import card_token
from rencai.cases.models import Case
from rencai.cases.reapply import reapply_lift, reapply_status
from rencai.cases.services import application_start
from rencai.core import clock, worker
from rencai.core.errors import Conflict
from rencai.notify.models import OutboxMessage
from tests.backoffice.conftest import office_client
from tests.cases.factories import build_world, new_case, place
from tests.notice.conftest import APPROVED


@pytest.fixture
def world(db):
    return build_world()


def _issue(world, case=None):
    """A case approved and through its notice: the worker issues the card."""
    from rencai.cases.services import case_transition

    case = place(case or new_case(world), "under_review", step=world.review_steps[2])
    user, acting_as = world.officials["district-440106"]
    with clock.frozen(APPROVED):
        case_transition(case=case, action="approve", actor=user, acting_as=acting_as)
    case.refresh_from_db()
    with clock.frozen(case.due_at + timedelta(minutes=5)):
        worker.run_once(batch=50)
    case.refresh_from_db()
    assert case.status == Case.Status.CARD_ISSUED
    return case


@pytest.fixture
def issued(world):
    return _issue(world)


def _code(user) -> str:
    return pyotp.TOTP(user.totp_secret).at(clock.now())


def test_office_revokes_with_reason_and_fresh_code(world, issued, client):
    card = Card.objects.get(case=issued)
    assert card.holder_id == world.applicant.pk
    official, acting = world.officials["district-440106"]
    office = office_client(official, acting)
    page = office.get(reverse("backoffice:case", args=[issued.number]))
    assert page.status_code == 200 and "作废入户卡" in page.content.decode()
    url = reverse("backoffice:card_revoke", args=[issued.number])
    assert office.get(url).status_code == 200

    no_reason = office.post(url, {"reason": "", "code": _code(official)})
    assert no_reason.status_code == 400 and "作废原因" in no_reason.content.decode()
    wrong = office.post(url, {"reason": "材料造假", "code": "000000"})
    assert wrong.status_code == 400 and "动态口令" in wrong.content.decode()
    card.refresh_from_db()
    assert card.revoked_at is None

    done = office.post(url, {"reason": "经核查学历证书造假", "code": _code(official)})
    assert done.status_code == 302
    card.refresh_from_db()
    assert card.revoked_at is not None and card.revoke_reason == "经核查学历证书造假"
    event = AuditEvent.objects.get(event="card_revoked")
    assert event.actor_id == official.pk and "经核查学历证书造假" in event.detail
    assert event.acting_as == acting.office.name
    sms = OutboxMessage.objects.get(idempotency_key__startswith="card-revoked:")
    assert sms.recipient == world.applicant.mobile
    assert card.number in sms.body and "已作废" in sms.body

    verify = client.get(reverse("cards:verify", args=[card_token(card.number)]))
    assert verify.status_code == 410 and "本卡已作废" in verify.content.decode()

    # The applicant's page says one thing: the card is revoked (finding 9).
    client.force_login(world.applicant)
    mine = client.get(reverse("cases:detail", args=[issued.number])).content.decode()
    assert "该卡已作废" in mine and "经核查学历证书造假" in mine
    status = re.search(r'<strong class="case-status">(.*?)</strong>', mine).group(1)
    assert status == "已出具的《广州市入户人员信息卡》已作废"  # not 「…已出具…」
    assert "请等待办理机构处理" not in mine

    again = office.post(url, {"reason": "再次", "code": _code(official)})
    assert "作废入户卡" in again.content.decode() and "已于" in again.content.decode()


def test_only_the_holding_office_can_revoke(world, issued):
    other = office_client(*world.officials["district-440104"])
    url = reverse("backoffice:card_revoke", args=[issued.number])
    assert other.get(url).status_code == 404
    assert other.post(url, {"reason": "x", "code": "123456"}).status_code == 404
    assert Card.objects.get(case=issued).revoked_at is None


def test_command_revokes_and_refuses_twice(world, issued):
    card = Card.objects.get(case=issued)
    call_command("revoke_card", card.number, reason="身份信息有误")
    card.refresh_from_db()
    assert card.revoked_at is not None and card.revoke_reason == "身份信息有误"
    event = AuditEvent.objects.get(event="card_revoked")
    assert event.actor is None and "via=command-line" in event.detail
    assert OutboxMessage.objects.filter(idempotency_key__startswith="card-revoked:").count() == 1
    with pytest.raises(CommandError, match="已于"):
        call_command("revoke_card", card.number, reason="再次")
    with pytest.raises(CommandError, match="不存在"):
        call_command("revoke_card", "GZRK2026999999", reason="x")
    with pytest.raises(CommandError, match="作废原因"):
        call_command("revoke_card", card.number, reason="  ")


def test_revocation_keeps_the_block_and_a_lift_opens_it(world, issued):
    """The decided rule (docs/workflow.md): revoking does not lift 「已禁止再报」."""
    from rencai.cards.services import REVOCATION_RULE
    from rencai.cases.docs import workflow_markdown

    assert REVOCATION_RULE in workflow_markdown()
    with open("docs/workflow.md", encoding="utf-8") as handle:
        assert REVOCATION_RULE in handle.read()
    card_revoke(card=Card.objects.get(case=issued), actor=None, reason="信息有误")
    person = world.applicant
    assert reapply_status(person).blocked
    with pytest.raises(Conflict, match="已禁止再报"):
        application_start(applicant=person, unit=world.private, category="title")
    official, acting = world.officials["district-440106"]
    reapply_lift(person=person, official=official, reason="卡已作废，核实后重新申报")
    assert application_start(applicant=person, unit=world.private, category="title").pk


def test_database_holds_one_card_per_case_and_one_valid_card_per_person(world, issued):
    card = Card.objects.get(case=issued)
    fields = dict(
        holder_name="x", id_number_masked="x", employer="x", category="x",
        issuing_office="x", issued_on=clock.today(),
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.create(number="GZRK2026900001", holder=world.applicant, **fields)
    other = new_case(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.create(number="GZRK2026900002", case=issued, **fields)
    # A revoked card frees the holder; any number of revoked cards may coexist.
    Card.objects.filter(pk=card.pk).update(revoked_at=clock.now())
    Card.objects.create(number="GZRK2026900003", holder=world.applicant, case=other, **fields)
    Card.objects.create(
        number="GZRK2026900004", holder=world.applicant, revoked_at=clock.now(), **fields
    )
    assert Card.objects.filter(holder=world.applicant, revoked_at__isnull=True).count() == 1


def test_a_new_card_after_a_lift_supersedes_the_old_one(world, issued):
    old = Card.objects.get(case=issued)
    official, _acting = world.officials["district-440106"]
    reapply_lift(person=world.applicant, official=official, reason="户籍迁出后重新引进")
    second = application_start(applicant=world.applicant, unit=world.private, category="title")
    Case.objects.filter(pk=second.pk).update(title_series=issued.title_series,
                                             qualification_name="工程师",
                                             certificate_number="GC2020002")  # fmt: skip
    second.refresh_from_db()
    new = card_issue(
        case=second, holder_name="x", id_number_masked="x", employer="x", category="x",
        issuing_office="x",
    )  # fmt: skip
    old.refresh_from_db()
    assert new.holder_id == world.applicant.pk and new.revoked_at is None
    assert old.revoked_at is not None and new.number in old.revoke_reason


def test_migration_backfill_keeps_the_newest_valid_card(world):
    """Data from before the invariant: two valid cards of one person (finding 1)."""
    migration = importlib.import_module("rencai.cards.migrations.0002_card_holder_one_valid")
    first = place(new_case(world), "card_issued")  # closed: the same person may apply again
    second = new_case(world)
    fields = dict(
        holder_name="x", id_number_masked="x", employer="x", category="x", issuing_office="x",
    )  # fmt: skip
    older = Card.objects.create(
        number="GZRK2025000001", case=first, issued_on=clock.today() - timedelta(days=9),
        **fields,
    )  # fmt: skip
    newer = Card.objects.create(
        number="GZRK2025000002", case=second, issued_on=clock.today(), **fields
    )
    migration.holders_backfill(apps, None)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.holder_id, newer.holder_id) == (world.applicant.pk, world.applicant.pk)
    assert newer.revoked_at is None
    assert older.revoked_at is not None and older.revoke_reason == migration.DUPLICATE_REASON
