"""Edges a reviewer and a requester hit: a code error next to its own field (page and API),
the decide address reloaded, a decision already taken in another tab, the English status."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from rencai.changes.models import ChangeRequest
from tests.changes.conftest import client_for, png

pytestmark = pytest.mark.django_db
INSTITUTION = {"education_level": "bachelor", "name": "甲乙丙理工学院", "level": "本科"}


def _institution(requester, **over):
    client = client_for(requester)
    response = client.post(reverse("changes:institution_new"), {**INSTITUTION, **over})
    return client, response


def test_a_bad_school_code_is_named_on_its_own_field(requester):
    _client, page = _institution(requester, moe_code="12345", diploma=png())
    assert page.status_code == 400
    form = page.context["form"]
    assert "学校标识码" in str(form.errors["moe_code"]) and not form.non_field_errors()
    assert 'aria-invalid="true"' in page.content.decode()
    api = client_for(requester).post(
        "/api/changes/requests", {"kind": "institution_new", **INSTITUTION, "code": "12345"}
    )
    assert api.status_code == 400 and api.json()["field"] == "code"  # the payload's name


def test_the_decide_address_reloaded_leads_to_the_request(requester, reviewer):
    _institution(requester, diploma=png())
    change = ChangeRequest.objects.get()
    url = reverse("changes:decide", args=[change.number])
    response = client_for(reviewer).get(url)
    assert response.status_code == 302
    assert response.url == reverse("changes:detail", args=[change.number])
    assert client_for(requester).get(url).status_code == 404  # still not the requester's


def test_a_decision_taken_in_another_tab_leaves_no_form(requester, reviewer):
    _institution(requester, diploma=png())
    change = ChangeRequest.objects.get()
    url = reverse("changes:decide", args=[change.number])
    first, second = client_for(reviewer), client_for(reviewer)
    assert first.post(url, {"action": "approve"}).status_code == 302
    late = second.post(url, {"action": "reject", "reason": "重复"})
    body = late.content.decode()
    assert late.status_code == 400 and "已被他人处理" in body
    assert 'name="action"' not in body and late.context["decide_form"] is None


def test_an_approved_request_reads_approved_in_english(requester, reviewer):
    _institution(requester, diploma=png())
    change = ChangeRequest.objects.get()
    client_for(reviewer).post(
        reverse("changes:decide", args=[change.number]), {"action": "approve"}
    )
    change.refresh_from_db()
    with translation.override("en"):
        assert str(change.get_status_display()) == "Approved"
        assert str(ChangeRequest.Status.REJECTED.label) == "Rejected"
    assert change.get_status_display() == "审核通过"
