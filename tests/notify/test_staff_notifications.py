"""Issue #11: everyone concerned is told — the unit's admins when an employee's case
reaches them, office staff when a case arrives in their queue (at once or in a daily
digest, chosen per person), applicants at every step, by e-mail too when they gave an
address; the card-issued SMS links to the card, the automatic acceptance says so."""

from __future__ import annotations

import re
import socket
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import IntegrityError, transaction
from django.test import Client

from rencai.cards.models import Card
from rencai.cases.models import Case
from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.notify.models import Digest, DigestItem, OutboxMessage, Preference
from rencai.notify.services import outbox_deliver
from rencai.notify.staff import digest_sweep, preference_set
from tests.cases.factories import build_world, new_case, place

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # no holidays that fortnight


@pytest.fixture
def world(db):
    return build_world()


def _to(person, channel="sms"):
    recipient = person.mobile if channel == "sms" else person.email
    return list(OutboxMessage.objects.filter(channel=channel, recipient=recipient).order_by("pk"))


ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def _no_id_number(world):
    """The factories' ID numbers are 18-character 440106… numbers: none in any text."""
    for message in OutboxMessage.objects.all():
        assert not ID_NUMBER.search(message.body + message.subject)
    for item in DigestItem.objects.all():
        assert not ID_NUMBER.search(item.line)


def _forward(world, case):
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    case_transition(case=case, action="forward", actor=world.unit_admin,
                    acting_as=world.unit_acting)  # fmt: skip


def test_unit_admins_are_told_when_an_employees_case_reaches_them(world):
    world.unit_admin.email = "hr@soe.example.org"
    world.unit_admin.save(update_fields=["email"])
    with clock.frozen(MONDAY):
        case = new_case(world, unit=world.soe)
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert case.status == Case.Status.UNIT_REVIEW
    (sms,) = _to(world.unit_admin)
    assert case.number in sms.body and case.applicant.real_name in sms.body
    assert "单位审核" in sms.body and case.due_date.isoformat() in sms.body
    (email,) = _to(world.unit_admin, "email")
    assert email.subject == f"入户申请{case.number}待单位审核"
    # The applicant hears of the step too (no address given: SMS only).
    assert [m.body for m in _to(case.applicant)] == [
        f"【广州人才引进】您的入户申请{case.number}已送审，当前状态：单位审核中。"
    ]
    _no_id_number(world)


def test_office_staff_are_told_when_a_case_arrives_in_their_queue(world):
    dept_user, _ = world.officials["dept-sasac"]
    hrss_user, _ = world.officials["city-hrss"]
    with clock.frozen(MONDAY):
        case = new_case(world, unit=world.soe)
        _forward(world, case)
    (sms,) = _to(dept_user)
    assert "已送达" in sms.body and "第1步：处室初审" in sms.body and case.number in sms.body
    assert _to(hrss_user) == []  # not (yet) their queue
    # Arrival at the acceptance office after the chain: the city bureau's staff.
    dept_user, dept_acting = world.officials["dept-sasac"]
    for _step in world.dept_steps:
        case_transition(case=case, action="approve", actor=dept_user, acting_as=dept_acting)
    assert case.status == Case.Status.AWAITING_ACCEPTANCE
    (arrived,) = _to(hrss_user)
    assert case.holding_office.name in arrived.body and "未受理" in arrived.body
    # Step 2 of the chain is any staff's: its arrival went to nobody but the one who
    # moved it there, and nobody is told of a move they made themselves.
    assert len(_to(dept_user)) == 1
    _no_id_number(world)


def test_the_applicant_is_told_at_every_step_by_sms_and_email(world):
    world.applicant.email = "applicant@example.org"
    world.applicant.save(update_fields=["email"])
    dept_user, dept_acting = world.officials["dept-sasac"]
    case = new_case(world, unit=world.soe)
    _forward(world, case)
    case_transition(case=case, action="approve", actor=dept_user, acting_as=dept_acting)
    bodies = [m.body for m in _to(world.applicant)]
    assert any("已送审" in b for b in bodies)
    assert any("已由单位送审" in b for b in bodies)
    assert any("已通过一个审核环节" in b for b in bodies)  # within the department's chain
    emails = _to(world.applicant, "email")
    assert len(emails) == len(bodies) == 3
    assert {e.body for e in emails} == set(bodies)
    assert all(e.subject.startswith(f"您的入户申请{case.number}") for e in emails)


def test_automatic_acceptance_sms_says_it_was_automatic(world):
    with clock.frozen(MONDAY):
        case = new_case(world)
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    with clock.frozen(case.due_at):
        assert deadlines_fire(batch=10) == 1
    last = OutboxMessage.objects.filter(recipient=case.applicant.mobile).order_by("pk").last()
    assert "系统自动受理" in last.body and "第6个工作日" in last.body


def test_card_issued_sms_links_to_the_card_page(world, settings):
    settings.SITE_URL = "https://rencai.example.org"
    user, acting_as = world.officials["district-440106"]
    case = place(new_case(world), "under_review", step=world.review_steps[2])
    with clock.frozen(MONDAY):
        case_transition(case=case, action="approve", actor=user, acting_as=acting_as)
    with clock.frozen(case.due_at + timedelta(hours=1)):
        assert deadlines_fire(batch=10) == 1  # the bulk path
    card = Card.objects.get(case=case)
    last = OutboxMessage.objects.filter(recipient=case.applicant.mobile).order_by("pk").last()
    assert f"https://rencai.example.org/cards/{card.number}/preview/" in last.body
    _no_id_number(world)


def test_digest_once_per_person_per_day(world, settings):
    settings.RENCAI_DIGEST_HOUR = 8
    dept_user, _ = world.officials["dept-sasac"]
    dept_user.email = "staff@sasac.example.org"
    dept_user.save(update_fields=["email"])
    preference_set(user=dept_user, mode=Preference.Mode.DIGEST)
    cases = []
    with clock.frozen(MONDAY):
        for _ in range(4):
            case = new_case(world, unit=world.soe)
            _forward(world, case)
            cases.append(case)
    assert _to(dept_user) == [] and _to(dept_user, "email") == []  # no message per case
    assert DigestItem.objects.filter(user=dept_user, digest=None).count() == 4
    tuesday_early = MONDAY.replace(day=3, hour=7, minute=59)
    with clock.frozen(tuesday_early):
        assert digest_sweep(batch=10) == 0  # before the hour
    with clock.frozen(tuesday_early + timedelta(minutes=1)):
        assert digest_sweep(batch=10) == 1
        assert digest_sweep(batch=10) == 0  # once a day
        late = new_case(world, unit=world.soe)
        _forward(world, late)
        assert digest_sweep(batch=10) == 0  # waits for tomorrow's
    (sms,) = _to(dept_user)
    assert sms.body.startswith(f"【广州人才引进】您有4件新的待办：{cases[0].number}、")
    assert cases[0].number in sms.body and "等4件" in sms.body
    (email,) = _to(dept_user, "email")
    assert all(c.number in email.body for c in cases) and late.number not in email.body
    with clock.frozen(MONDAY.replace(day=4, hour=9)):
        assert digest_sweep(batch=10) == 1
    assert late.number in _to(dept_user)[-1].body
    # The constraint itself, whatever the code does: one digest per person and day.
    with pytest.raises(IntegrityError), transaction.atomic():
        Digest.objects.create(user=dept_user, day=MONDAY.replace(day=3).date(), created_at=MONDAY)
    _no_id_number(world)


def test_the_preference_is_chosen_on_the_account_page(world):
    dept_user = world.unit_admin  # (officials' pages ask for the second factor first)
    client = Client()
    client.force_login(dept_user)
    response = client.get("/accounts/security/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="notify"' in page and 'value="immediate" checked' in page
    response = client.post("/notify/preference/", {"mode": "digest"})
    assert response.status_code == 302 and response["Location"].endswith("#notify")
    assert Preference.objects.get(user=dept_user).mode == "digest"
    assert 'value="digest" checked' in client.get("/accounts/security/").content.decode()
    response = client.post("/notify/preference/", {"mode": "hourly"}, follow=True)
    assert "待办通知方式“hourly”无效" in response.content.decode()
    assert Preference.objects.get(user=dept_user).mode == "digest"
    assert Client().post("/notify/preference/", {"mode": "immediate"}).status_code == 302
    assert Preference.objects.get(user=dept_user).mode == "digest"  # anonymous: login first


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.RENCAI_EMAIL_CHANNEL = "smtp"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()


def test_email_reaches_a_real_smtp_server(world, smtp_server):
    world.unit_admin.email = "hr@soe.example.org"
    world.unit_admin.save(update_fields=["email"])
    case = new_case(world, unit=world.soe)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert outbox_deliver(batch=50) >= 2
    (rcpt, content) = next(m for m in smtp_server.messages if m[0] == ["hr@soe.example.org"])
    assert case.number in content or "=?utf-8?" in content
    email = OutboxMessage.objects.get(channel="email", recipient="hr@soe.example.org")
    assert email.status == OutboxMessage.Status.SENT
    assert str(email.delivery_id) in content  # the Message-ID
    assert not ID_NUMBER.search(content)
