"""Tickets and ratings for requests of other processes (a change request), and the
generated docs of this app's processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rencai.changes.processes import CHANGE
from rencai.process import engine
from rencai.process.docs import process_markdown
from rencai.support.models import Rating, Ticket, WorkOrder
from rencai.support.processes import TICKET, WORK_ORDER
from rencai.support.selectors import steps_for_request
from tests.changes.conftest import make_unit, make_user  # noqa: F401 (fixtures)
from tests.process.conftest import new_request, people  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("process", [TICKET, WORK_ORDER], ids=lambda p: p.key)
def test_generated_docs_are_current(process):
    path = Path(settings.BASE_DIR) / "docs" / "processes" / f"{process.key}.md"
    assert path.read_text(encoding="utf-8") == process_markdown(process)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_ticket_about_a_pending_change_request(people, new_request):  # noqa: F811
    change = new_request(CHANGE)
    client = _client(people["requester"])
    url = reverse("support:new") + f"?ref=change:{change.number}"
    assert change.number in client.get(url).content.decode()
    client.post(
        url, {"ref": f"change:{change.number}", "topic": "status", "body": "两天了还在审核"}
    )
    ticket = Ticket.objects.get()
    assert ticket.context_number == change.number and ticket.office == change.office
    stranger = _client(people["stranger"])
    assert stranger.get(url).status_code == 404


def test_a_decided_change_request_can_be_rated_once(people, new_request):  # noqa: F811
    change = new_request(CHANGE)
    engine.transition(process=CHANGE, obj=change, action="reject", actor=people["reviewer"],
                      reason="材料不清晰")  # fmt: skip
    steps = steps_for_request(obj=change, user=people["requester"])
    assert [s.label for s in steps] == ["审核不通过"]
    assert steps_for_request(obj=change, user=people["stranger"]) == []
    url = reverse("support:rate", args=[steps[0].key])
    assert _client(people["stranger"]).get(url).status_code == 404
    client = _client(people["requester"])
    client.post(url, {"score": "1", "comment": "驳回理由不清楚"})
    client.post(url, {"score": "1", "comment": "驳回理由不清楚"})
    rating = Rating.objects.get()
    assert rating.process_event_id == steps[0].process_event_id and rating.case_event_id is None
    assert WorkOrder.objects.get().office == change.office
