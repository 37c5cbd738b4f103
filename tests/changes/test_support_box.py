"""「我要咨询/反馈」 on the change-request and rights-request pages: the box renders for
the requester and opens a ticket that carries the request's number."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rencai.changes.processes import CHANGE
from rencai.rights.processes import UNIT_ADMIN
from rencai.support.models import Ticket
from tests.changes.conftest import make_unit, make_user  # noqa: F401 (fixtures)
from tests.process.conftest import new_request, people  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "process,page",
    [(CHANGE, "changes:detail"), (UNIT_ADMIN, "rights:detail")],
    ids=["change", "unit_admin"],
)
def test_the_support_box_opens_a_ticket_with_the_number(people, new_request, process, page):  # noqa: F811
    obj = new_request(process)
    client = Client()
    client.force_login(people["requester"])
    html = client.get(reverse(page, args=[obj.number])).content.decode()
    new_url = reverse("support:new") + f"?ref={process.key}%3A{obj.number}"
    assert "我要咨询/反馈" in html and new_url in html
    assert obj.number in client.get(new_url).content.decode()
    client.post(
        new_url, {"ref": f"{process.key}:{obj.number}", "topic": "status", "body": "进度不动"}
    )
    ticket = Ticket.objects.get()
    assert ticket.context_number == obj.number and ticket.office_id == obj.office_id
