"""Tickets through their pages: context carried, no ID number, 404 for others, double
submits act once, the fixes run the case transition and record the link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.cases.models import Case, CaseEvent
from rencai.notify.models import OutboxMessage
from rencai.support.models import Ticket
from tests.backoffice.conftest import office_client
from tests.cases.factories import id_number

pytestmark = pytest.mark.django_db


def _new_url(case):
    return reverse("support:new") + f"?case={case.number}"


def test_status_page_links_to_a_ticket_with_its_context(applicant_client, case):
    page = applicant_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert _new_url(case) in page
    form = applicant_client.get(_new_url(case)).content.decode()
    assert case.number in form and "天河区" in form
    assert "id_number" not in form and "身份证号码" in form  # only the "don't send it" hint


def test_opening_a_ticket_carries_the_context_and_goes_to_the_holding_office(
    applicant_client, case, world
):
    response = applicant_client.post(
        _new_url(case),
        {
            "case": case.number,
            "topic": "wrong_office",
            "body": "单位在越秀区，我叫𠇔" + "长" * 60,
            "token": "t1",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "support:ticket", args=[ticket.number]
    )
    assert ticket.number.startswith("ZX") and ticket.case_id == case.pk
    assert ticket.office.code == "district-440106" and ticket.context_number == case.number
    assert "天河区" in ticket.context_status and ticket.due_date is not None
    assert ticket.requester == world.applicant and "𠇔" in ticket.body


def test_an_id_number_in_the_body_is_refused_and_nothing_typed_is_lost(applicant_client, case):
    body = f"我的身份证号是{id_number()}，状态是空白"
    response = applicant_client.post(
        _new_url(case), {"case": case.number, "topic": "status", "body": body, "token": "t2"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert "问题描述：请不要填写身份证号码" in page
    assert body in page  # the textarea keeps what was typed
    assert 'value="status" selected' in page or 'value="status"' in page


def test_double_submit_opens_one_ticket(applicant_client, case):
    data = {"case": case.number, "topic": "status", "body": "状态空白", "token": "same"}
    first = applicant_client.post(_new_url(case), data)
    second = applicant_client.post(_new_url(case), data)
    assert Ticket.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_ticket_without_a_case_goes_to_the_data_centre(applicant_client):
    assert (
        reverse("support:new") in applicant_client.get(reverse("helpdesk:index")).content.decode()
    )
    applicant_client.post(
        reverse("support:new"), {"topic": "other", "body": "如何查询入户卡？", "token": "t3"}
    )
    ticket = Ticket.objects.get()
    assert ticket.office.kind == "data_centre" and ticket.case_id is None


def test_others_get_404(applicant_client, open_ticket, stranger, world, case):
    ticket = open_ticket()
    from django.test import Client

    other = Client()
    other.force_login(stranger)
    assert other.get(reverse("support:ticket", args=[ticket.number])).status_code == 404
    assert (
        other.post(
            reverse("support:ticket_act", args=[ticket.number]),
            {"action": "close", "expected_version": 1},
        ).status_code
        == 404
    )
    assert other.get(_new_url(case)).status_code == 404  # someone else's case as context
    elsewhere = office_client(*world.officials["district-440104"])
    assert elsewhere.get(reverse("support:office_ticket", args=[ticket.number])).status_code == 404
    assert applicant_client.get(reverse("support:ticket", args=[ticket.number])).status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_window_reroutes_the_case_from_the_ticket(
    window_client, open_ticket, case, right_window, world
):
    ticket = open_ticket()
    url = reverse("support:office_ticket", args=[ticket.number])
    page = window_client.get(url).content.decode()
    assert "改派受理机构并答复" in page and right_window.name in page
    data = {
        "action": "fix_reroute", "expected_version": ticket.version, "reason": "已改派至越秀区",
        "target_office": right_window.pk, "case_version": case.version,
    }  # fmt: skip
    act = reverse("support:office_ticket_act", args=[ticket.number])
    assert window_client.post(act, data).status_code == 302
    assert window_client.post(act, data).status_code == 302  # a double click: done once
    case.refresh_from_db()
    ticket.refresh_from_db()
    assert case.holding_office == right_window and case.status == Case.Status.AWAITING_ACCEPTANCE
    assert CaseEvent.objects.filter(case=case, action="reroute").count() == 1
    assert ticket.status == "answered" and ticket.fix_action == "reroute"
    assert ticket.fix_event.action == "reroute" and ticket.fix_event.case_id == case.pk
    sms = OutboxMessage.objects.filter(channel="sms", recipient=world.applicant.mobile)
    assert any(ticket.number in m.body for m in sms)
    mine = window_client.get(url).content.decode()
    assert "已改派受理机构" in mine


def test_window_returns_the_case_for_correction(window_client, open_ticket, case):
    ticket = open_ticket(topic="correction", body="学历证书上传错了，请退回让我修改")
    act = reverse("support:office_ticket_act", args=[ticket.number])
    response = window_client.post(
        act, {"action": "fix_return", "expected_version": 1, "reason": "请重新上传学历证书",
              "case_version": case.version},
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    ticket.refresh_from_db()
    assert case.status == Case.Status.RETURNED and ticket.fix_event.action == "return"


def test_a_refused_fix_changes_neither(window_client, open_ticket, case, world):
    ticket = open_ticket()
    own = world.office("district-440106")
    response = window_client.post(
        reverse("support:office_ticket_act", args=[ticket.number]),
        {"action": "fix_reroute", "expected_version": 1, "reason": "改派", "target_office": own.pk,
         "case_version": case.version},
    )  # fmt: skip
    assert response.status_code == 409
    assert "相同" in response.content.decode()
    ticket.refresh_from_db()
    case.refresh_from_db()
    assert ticket.status == "open" and ticket.version == 1 and case.holding_office == own


def test_reply_with_an_id_number_is_refused_and_kept(window_client, open_ticket):
    ticket = open_ticket()
    reason = f"请核对{id_number()}"
    response = window_client.post(
        reverse("support:office_ticket_act", args=[ticket.number]),
        {"action": "reply", "expected_version": 1, "reason": reason},
    )
    assert response.status_code == 400 and reason in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_person_follows_up_and_closes(applicant_client, window_client, open_ticket):
    ticket = open_ticket()
    window_client.post(
        reverse("support:office_ticket_act", args=[ticket.number]),
        {"action": "reply", "expected_version": 1, "reason": "请提供单位地址"},
    )
    act = reverse("support:ticket_act", args=[ticket.number])
    applicant_client.post(act, {"action": "follow_up", "expected_version": 2, "reason": "越秀区"})
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.due_date is not None
    response = applicant_client.post(act, {"action": "close", "expected_version": 3})
    ticket.refresh_from_db()
    assert response.status_code == 302 and ticket.status == "closed" and ticket.due_date is None
    assert applicant_client.post(act, {"action": "reply", "expected_version": 4}).status_code == 404


def test_overdue_ticket_is_reminded_once(open_ticket):
    from datetime import timedelta

    from rencai.core import clock
    from rencai.process.engine import deadlines_sweep

    ticket = open_ticket()
    with clock.frozen(ticket.due_at + timedelta(minutes=1)):
        assert deadlines_sweep(batch=10, processes=("ticket",)) == 1
        assert deadlines_sweep(batch=10, processes=("ticket",)) == 0
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.reminded_at is not None and not ticket.due_action


def test_tickets_are_on_my_requests_and_the_office_worklist(open_ticket, world, window):
    from rencai.process.selectors import my_requests, worklist

    ticket = open_ticket()
    mine = [r for r in my_requests(user=world.applicant) if r.process == "ticket"]
    assert [(r.number, r.status_text, r.holder) for r in mine] == [
        (ticket.number, "待答复", ticket.office.name)
    ]
    queue = [r for r in worklist(user=window[0]) if r.process == "ticket"]
    assert [r.number for r in queue] == [ticket.number] and queue[0].due_date == ticket.due_date


def test_the_office_closes_an_answered_ticket_from_its_page(window_client, open_ticket):
    ticket = open_ticket()
    act = reverse("support:office_ticket_act", args=[ticket.number])
    window_client.post(act, {"action": "reply", "expected_version": 1, "reason": "已核实"})
    page = window_client.get(reverse("support:office_ticket", args=[ticket.number]))
    assert "action-close" in page.content.decode() and "办结" in page.content.decode()
    assert window_client.post(act, {"action": "close", "expected_version": 2}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.version == 3


def test_an_answered_ticket_left_alone_closes_itself(window_client, open_ticket, world):
    """Every open state has a deadline: the answer names the date by which the person may
    follow up; after it the system closes the ticket (自动办结) and says so in its history."""
    from datetime import timedelta

    from rencai.core import clock
    from rencai.process.engine import deadlines_sweep
    from rencai.process.models import ProcessEvent

    ticket = open_ticket()
    act = reverse("support:office_ticket_act", args=[ticket.number])
    window_client.post(act, {"action": "reply", "expected_version": 1, "reason": "已改派"})
    ticket.refresh_from_db()
    assert ticket.status == "answered" and ticket.due_action == "auto_close"
    sms = OutboxMessage.objects.get(recipient=world.applicant.mobile, body__contains=ticket.number)
    assert ticket.due_date.strftime("%Y-%m-%d") in sms.body and "自动办结" in sms.body
    with clock.frozen(ticket.due_at - timedelta(minutes=1)):
        assert deadlines_sweep(batch=10, processes=("ticket",)) == 0
    with clock.frozen(ticket.due_at + timedelta(minutes=1)):
        assert deadlines_sweep(batch=10, processes=("ticket",)) == 1
        assert deadlines_sweep(batch=10, processes=("ticket",)) == 0
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.due_date is None
    last = ProcessEvent.objects.filter(number=ticket.number).order_by("-pk").first()
    assert (last.action, last.role, last.to_status) == ("auto_close", "system", "closed")
