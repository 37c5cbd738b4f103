"""我的申请 (every request of a person, applications included) and the officials' worklist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.cases.services import case_transition
from rencai.changes.processes import CHANGE
from rencai.process import engine
from tests.cases.factories import build_world, new_case
from tests.changes.conftest import client_for

pytestmark = pytest.mark.django_db


def test_my_requests_lists_every_kind_with_holder_deadline_and_reason(people, new_request):
    world = build_world()
    requester = people["requester"]
    case = new_case(world, applicant=requester)
    case_transition(case=case, action="submit", actor=requester, acting_as=None)
    change = new_request(CHANGE)
    rejected = new_request(CHANGE)
    engine.transition(
        process=CHANGE, obj=rejected, action="reject", actor=people["reviewer"],
        reason="毕业证书照片不清晰，请重新上传",
    )  # fmt: skip
    page = client_for(requester).get(reverse("process:mine"))
    body = page.content.decode()
    assert page.status_code == 200
    for number in (case.number, change.number, rejected.number):
        assert number in body
    case.refresh_from_db()
    assert "人才引进入户申请（职称）" in body and "增加院校" in body
    assert case.holding_office.name in body and change.office.name in body  # the holders
    assert "毕业证书照片不清晰，请重新上传" in body  # the reason of the rejection
    assert "剩" in body or "今天到期" in body  # the pending ones' deadline


def test_nobody_sees_anothers_requests(people, new_request, client):
    change = new_request(CHANGE)
    assert (
        change.number
        not in client_for(people["stranger"]).get(reverse("process:mine")).content.decode()
    )
    anonymous = client.get(reverse("process:mine"))
    assert anonymous.status_code == 302


def test_worklist_component_shows_the_offices_queue(people, new_request):
    change = new_request(CHANGE)
    reviewer = client_for(people["reviewer"]).get(reverse("process:worklist")).content.decode()
    assert change.number in reviewer and "申请人" not in reviewer.split(change.number)[0][-5:]
    other = client_for(people["dept"]).get(reverse("process:worklist")).content.decode()
    assert change.number not in other
    engine.transition(process=CHANGE, obj=change, action="approve", actor=people["reviewer"])
    after = client_for(people["reviewer"]).get(reverse("process:worklist")).content.decode()
    assert change.number not in after
