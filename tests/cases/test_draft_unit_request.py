"""Issue #11: a draft before the employer is registered. The applicant's own pending
新增单位信息 request is a choice in the unit picker; the draft cannot be submitted until
the request is approved; approving fills in the unit (and tells the applicant); the
request page links back to the draft. Through HTTP, with the database constraint."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.cases.models import Case
from rencai.changes.models import ChangeRequest
from rencai.notify.models import OutboxMessage
from rencai.orgs.models import District, Unit
from tests.cases.apply_helpers import catalog
from tests.cases.factories import attach_required, official, person, title_form
from tests.changes.conftest import client_for, make_code, png

pytestmark = pytest.mark.usefixtures("catalog")
__all__ = ["catalog"]

NAME = "广州市星河云算科技有限公司"


def _request_unit(client, *, name=NAME) -> ChangeRequest:
    data = {
        "name": name, "code": make_code(), "nature": Unit.Nature.PRIVATE,
        "level": Unit.Level.DISTRICT, "district": District.objects.get(code="440106").pk,
        "phone": "020-38000000", "address": "广州市天河区某路1号", "note": "",
        "business_licence": png(),
    }  # fmt: skip
    response = client.post(reverse("changes:unit_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ChangeRequest.objects.get(name=name)


def _start(client, value: str):
    return client.post(
        "/cases/new/", {"category": "title", "unit": value, "form_token": f"t-{value}"}
    )


@pytest.fixture
def applicant(world):
    return world.applicant


@pytest.fixture
def reviewer(world):
    return official("data-centre")[0]


def test_pending_request_is_a_choice_and_the_draft_waits_for_it(world, applicant, reviewer):
    client = client_for(applicant)
    change = _request_unit(client)

    # The picker on 新建申请 lists the applicant's own pending request.
    page = client.get("/cases/new/").content.decode()
    assert f'value="pending:{change.number}"' in page and NAME in page
    assert "审核通过后系统自动填入该单位" in page

    response = _start(client, f"pending:{change.number}")
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(applicant=applicant)
    assert case.unit is None and case.unit_request == change and case.status == "draft"

    # The draft page says why 送审 must wait, links to the request, disables the button.
    edit = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert f"引进单位“{NAME}”尚未登记" in edit and change.number in edit
    assert f'href="/changes/requests/{change.number}/"' in edit
    assert re.search(
        r'<button type="submit" class="btn" disabled aria-describedby="submit-blocked">', edit
    )
    assert f'value="pending:{change.number}" checked' in edit
    # 我的申请 names the pending unit.
    assert "（新增单位申请审核中）" in client.get("/cases/").content.decode()

    # The applicant fills in everything meanwhile; 送审 is still refused, summary first.
    for name, value in title_form().items():
        setattr(case, name, value)
    case.save()
    attach_required(case)
    response = client.post(
        f"/cases/{case.number}/act/", {"action": "submit", "expected_version": case.version}
    )
    assert response["Location"] == f"/cases/{case.number}/edit/?refused=1#error-summary"
    page = client.get(response["Location"]).content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "尚未登记" in summary and 'href="#unit"' in summary
    case.refresh_from_db()
    assert case.status == "draft" and case.version == 1

    # The request page links back to the draft.
    detail = client.get(f"/changes/requests/{change.number}/").content.decode()
    assert f'href="/cases/{case.number}/edit/"' in detail and "等待本申请审核通过" in detail

    # Approval fills in the unit in the same transaction and tells the applicant.
    decided = client_for(reviewer).post(
        reverse("changes:decide", args=[change.number]), {"action": "approve"}
    )
    assert decided.status_code == 302
    change.refresh_from_db()
    case.refresh_from_db()
    assert change.status == "approved" and case.unit == change.unit and case.unit_request is None
    sms = OutboxMessage.objects.get(
        idempotency_key=f"case:{case.number}:unit-filled:{change.number}"
    )
    assert sms.recipient == applicant.mobile and case.number in sms.body and NAME in sms.body
    assert AuditEvent.objects.filter(event="case.unit_filled").count() == 1
    detail = client.get(f"/changes/requests/{change.number}/").content.decode()
    assert f'href="/cases/{case.number}/edit/"' in detail and "引进单位已自动填入" in detail

    # Now 送审 goes through, to the district window of the new unit.
    edit = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert "尚未登记" not in edit and NAME in edit
    response = client.post(
        f"/cases/{case.number}/act/", {"action": "submit", "expected_version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_acceptance" and case.acceptance_office.code == "district-440106"


def test_another_persons_pending_request_is_neither_listed_nor_accepted(world, applicant):
    change = _request_unit(client_for(applicant))
    other = person("他人")
    client = client_for(other)
    assert f"pending:{change.number}" not in client.get("/cases/new/").content.decode()
    response = _start(client, f"pending:{change.number}")
    assert response.status_code == 400
    assert "不是您本人提交的或已审核完毕" in response.content.decode()
    assert not Case.objects.filter(applicant=other).exists()


def test_a_draft_switches_between_a_unit_and_its_pending_request(world, applicant):
    client = client_for(applicant)
    change = _request_unit(client)
    assert _start(client, str(world.private.pk)).status_code == 302
    case = Case.objects.get(applicant=applicant)
    edit = f"/cases/{case.number}/edit/"
    response = client.post(edit, {"section": "unit", "unit": f"pending:{change.number}"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit is None and case.unit_request == change
    response = client.post(edit, {"section": "unit", "unit": str(world.private.pk)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit == world.private and case.unit_request is None


def test_rejected_request_keeps_the_draft_and_says_what_to_do(world, applicant, reviewer):
    client = client_for(applicant)
    change = _request_unit(client)
    _start(client, f"pending:{change.number}")
    case = Case.objects.get(applicant=applicant)
    client_for(reviewer).post(
        reverse("changes:decide", args=[change.number]),
        {"action": "reject", "reason": "营业执照不清晰"},
    )
    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert "未通过审核" in page and "营业执照不清晰" in page and "重新搜索选择" in page
    case.refresh_from_db()
    assert case.unit is None and case.status == "draft"


def test_constraint_unit_or_pending_request_never_both_nor_neither(world, applicant):
    client = client_for(applicant)
    change = _request_unit(client)
    _start(client, str(world.private.pk))
    case = Case.objects.get(applicant=applicant)
    rows = Case.objects.filter(pk=case.pk)
    for bad in (
        {"unit_request": change},  # both
        {"unit": None},  # neither
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**bad)
    rows.update(unit=None, unit_request=change)  # a draft may wait for its request
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(status="unit_review")  # but only a draft
