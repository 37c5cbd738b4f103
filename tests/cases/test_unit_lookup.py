"""Finding 7 (FAQ 二.3): a unit admin's look-up by ID number is no name oracle, a
unit-started application becomes the person's only when they accept, and look-ups are
rate-limited per admin and audited (number masked). Pages and API alike."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from rencai.accounts.models import RoleGrant, User
from rencai.audit.models import AuditEvent
from rencai.cases.models import Case
from rencai.core import clock
from rencai.core.errors import Conflict
from rencai.notify.models import OutboxMessage
from tests.cases.apply_helpers import act_as, registered, valid_id
from tests.cases.factories import new_case


def _models():
    """Imported per test, so that this module also runs on the code before finding 7."""
    from rencai.cases import models, unit_access

    return models.UnitInvitation, models.UnitLookup, unit_access


def _json(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    return client


def _result_section(html: str, number: str) -> str:
    section = re.search(r'<section class="card case-lookup-result".*?</section>', html, re.S)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", section.group(0))
    return html.replace(number, "N")


def test_no_name_oracle_same_answer_for_every_number(admin_client, world):
    """Unregistered, registered, registered with a case at another unit: the API and the
    page give the same answer, with no name."""
    unregistered = valid_id()
    plain, plain_number = registered("张三")
    elsewhere, elsewhere_number = registered("李四")
    other = new_case(world, unit=world.private)
    Case.objects.filter(pk=other.pk).update(applicant=elsewhere)
    numbers = (unregistered, plain_number, elsewhere_number)
    answers = [_json(admin_client, "/api/cases/unit/lookup", {"id_number": n}) for n in numbers]
    assert {a.status_code for a in answers} == {200}
    assert [a.json() for a in answers] == [
        {"result": "not_applied", "message": "该人尚未申报", "real_name": None, "cases": []}
    ] * 3
    pages = [admin_client.post("/cases/unit/lookup/", {"id_number": n}) for n in numbers]
    sections = [_result_section(p.content.decode(), n) for p, n in zip(pages, numbers)]
    assert sections[0] == sections[1] == sections[2]
    assert "该人尚未申报" in sections[0] and "点击这里" in sections[0]
    for page in pages:
        html = page.content.decode()
        assert "张三" not in html and "李四" not in html and other.number not in html
    # Starting is the same answer too, and nothing lands in anyone's account.
    starts = [
        _json(admin_client, "/api/cases/unit/start", {"id_number": n, "category": "title"})
        for n in numbers
    ]
    assert {s.status_code for s in starts} == {202}
    shapes = [{k: v for k, v in s.json().items() if k not in ("id_number_masked", "created_at")}
              for s in starts]  # fmt: skip
    assert shapes[0] == shapes[1] == shapes[2]
    assert not Case.objects.filter(unit=world.soe).exists()
    UnitInvitation, _l, _a = _models()
    assert UnitInvitation.objects.filter(status="pending").count() == 3


@pytest.mark.parametrize("how", ["draft", "grant", "consent"])
def test_the_name_only_once_the_person_named_the_unit(admin_client, world, how):
    person, number = registered("王五")
    if how == "draft":  # their own draft naming the unit (the draft itself stays private)
        draft = new_case(world, unit=world.soe)
        Case.objects.filter(pk=draft.pk).update(applicant=person, created_by=person)
    elif how == "grant":  # registered at the unit
        RoleGrant.objects.create(user=person, role=RoleGrant.Role.UNIT_ADMIN, unit=world.soe)
    else:
        _models()[2].consent_grant(person=person, unit=world.soe)
    data = _json(admin_client, "/api/cases/unit/lookup", {"id_number": number}).json()
    assert data["result"] == "applied" and data["real_name"] == person.real_name
    html = admin_client.post("/cases/unit/lookup/", {"id_number": number}).content.decode()
    assert person.real_name in html


def test_consent_on_the_persons_page_and_its_revocation(client, world):
    person, number = registered("赵六")
    client.force_login(person)
    page = client.get("/cases/units/")
    assert page.status_code == 200 and "允许该单位为我申报" in page.content.decode()
    assert client.post("/cases/units/", {"unit": world.soe.code}).status_code == 302
    consent = person.unit_consents.get()
    assert consent.unit == world.soe
    assert AuditEvent.objects.filter(event="unit.consent_granted").exists()
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    assert _json(client, "/api/cases/unit/lookup", {"id_number": number}).json()["real_name"]
    client.force_login(person)
    revoke = f"/cases/units/consents/{consent.pk}/revoke/"
    assert client.post(revoke).status_code == 302
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    assert (
        _json(client, "/api/cases/unit/lookup", {"id_number": number}).json()["real_name"] is None
    )


def test_the_person_declines_and_nothing_is_created(admin_client, world):
    person, number = registered()
    UnitInvitation, _l, unit_access = _models()
    _json(admin_client, "/api/cases/unit/start", {"id_number": number, "category": "title"})
    invitation = UnitInvitation.objects.get()
    sms = OutboxMessage.objects.get(idempotency_key=f"unit-invite:{invitation.pk}")
    assert sms.recipient == person.mobile and world.soe.name in sms.body
    assert number not in sms.body
    admin_client.force_login(person)
    response = admin_client.post(
        f"/cases/units/invitations/{invitation.pk}/", {"answer": "decline"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "declined" and not Case.objects.filter(applicant=person).exists()
    with pytest.raises(Conflict):
        unit_access.invitation_accept(person=person, invitation_id=invitation.pk)
    # Someone else cannot answer another person's invitation.
    stranger, _n = registered()
    admin_client.force_login(stranger)
    again = admin_client.post(f"/cases/units/invitations/{invitation.pk}/", {"answer": "accept"})
    assert again.status_code == 302 and not Case.objects.filter(applicant=stranger).exists()
    admin_client.force_login(world.unit_admin)
    act_as(admin_client, world.unit_acting.grant)
    page = admin_client.get("/cases/unit/lookup/").content.decode()
    assert "未获本人确认" in page


def test_an_unregistered_number_finds_its_invitation_after_registering(admin_client, world):
    UnitInvitation, _l, unit_access = _models()
    number = valid_id()
    _json(admin_client, "/api/cases/unit/start", {"id_number": number, "category": "skill"})
    assert not OutboxMessage.objects.filter(idempotency_key__startswith="unit-invite:").exists()
    late = User.objects.create_user("latecomer", "Pw@123456", real_name="迟到", id_number=number)
    admin_client.force_login(late)
    assert "有1个单位申报邀请待您确认" in admin_client.get("/cases/").content.decode()
    case = unit_access.invitation_accept(person=late, invitation_id=UnitInvitation.objects.get().pk)
    assert case.applicant == late and case.unit == world.soe and case.category == "skill"
    assert case.created_by == world.unit_admin


def test_lookups_are_rate_limited_per_admin_and_audited(admin_client, world, settings, client):
    settings.RENCAI_UNIT_LOOKUPS_PER_HOUR = 3
    UnitInvitation, UnitLookup, _a = _models()
    numbers = [valid_id() for _ in range(4)]
    for number in numbers[:3]:
        assert (
            _json(admin_client, "/api/cases/unit/lookup", {"id_number": number}).status_code == 200
        )
    refused = _json(admin_client, "/api/cases/unit/lookup", {"id_number": numbers[3]})
    assert refused.status_code == 429 and "查询过于频繁" in refused.json()["message"]
    page = admin_client.post("/cases/unit/lookup/", {"id_number": numbers[3]})
    assert page.status_code == 429 and "每小时最多按身份证号码查询3次" in page.content.decode()
    started = _json(admin_client, "/api/cases/unit/start", {"id_number": numbers[3],
                                                            "category": "title"})  # fmt: skip
    assert started.status_code == 429 and not UnitInvitation.objects.exists()
    # Counted in the database: a new session of the same admin is still limited...
    fresh = type(client)()
    fresh.force_login(world.unit_admin)
    act_as(fresh, world.unit_acting.grant)
    assert _json(fresh, "/api/cases/unit/lookup", {"id_number": numbers[3]}).status_code == 429
    assert UnitLookup.objects.filter(admin=world.unit_admin).count() == 3
    # ...and an hour later the admin may look up again.
    with clock.frozen(clock.now() + timedelta(minutes=61)):
        act_as(fresh, world.unit_acting.grant)  # a fresh session an hour later
        assert _json(fresh, "/api/cases/unit/lookup", {"id_number": numbers[3]}).status_code == 200
    events = list(AuditEvent.objects.filter(event="unit.person_lookup"))
    assert len(events) == 4 and {e.actor_id for e in events} == {world.unit_admin.pk}
    for event, number in zip(events[::-1], numbers, strict=False):
        assert (
            number not in event.detail and number[:4] + "**********" + number[-4:] in event.detail
        )
