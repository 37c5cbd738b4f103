"""The support API through the HTTP client: tickets with their context and never an ID
number, 404 for what is not yours, replies and closing on both sides with
expected_version / Idempotency-Key, and ratings of a finished step."""

from __future__ import annotations

import pytest
from django.test import Client

from rencai.cases.services import case_transition
from rencai.notify.models import OutboxMessage
from rencai.process.models import ProcessEvent
from rencai.support.models import Rating, Ticket, WorkOrder
from tests.backoffice.conftest import office_client
from tests.cases.factories import id_number

pytestmark = pytest.mark.django_db

TICKETS = "/api/support/tickets"
OFFICE = "/api/support/office/tickets"


def _post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def _open(client, case, **extra):
    body = {"topic": "wrong_office", "body": "单位在越秀区，申请却在天河区。", "case": case.number}
    return _post(client, TICKETS, {**body, **extra})


def test_a_ticket_opens_with_its_context_and_goes_to_the_holding_office(applicant_client, case):
    response = _open(applicant_client, case)
    assert response.status_code == 201, response.json()
    data = response.json()
    ticket = Ticket.objects.get()
    assert data["number"] == ticket.number and data["status"] == "open" and data["version"] == 1
    assert data["office"] == "广州市天河区人力资源和社会保障局" and data["due_date"]
    assert data["context"]["number"] == case.number and "天河区" in data["context"]["status_text"]
    assert [r["action"] for r in data["replies"]] == ["open"]
    assert [a["action"] for a in data["actions"]] == ["close"]  # waiting for the answer
    listed = applicant_client.get(TICKETS).json()
    assert [t["number"] for t in listed] == [ticket.number]
    detail = applicant_client.get(f"{TICKETS}/{ticket.number}").json()
    assert detail["body"] == "单位在越秀区，申请却在天河区。" and detail["topic_label"]


def test_an_id_number_is_refused_as_on_the_form(applicant_client, case):
    response = _open(applicant_client, case, body=f"我的身份证号是{id_number()}，状态空白")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "body" and body["message"].startswith("问题描述：请不要填写身份证号码")
    assert not Ticket.objects.exists()


def test_without_a_context_the_data_centre_answers(applicant_client):
    response = _post(applicant_client, TICKETS, {"topic": "other", "body": "如何查询入户卡？"})
    assert response.status_code == 201 and response.json()["context"] is None
    assert Ticket.objects.get().office.kind == "data_centre"


def test_someone_elses_case_or_request_as_context_is_404(case, stranger):
    other = Client()
    other.force_login(stranger)
    assert _open(other, case).status_code == 404
    response = _post(
        other, TICKETS, {"topic": "other", "body": "x", "request": "change:BG2026000001"}
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not Ticket.objects.exists()


def test_inputs_carry_the_model_limits(applicant_client, case):
    response = _open(applicant_client, case, body="长" * 2001)
    assert response.status_code == 422
    assert response.json()["field"] == "body" and "最多 2000 个字符" in response.json()["message"]
    rating = _post(applicant_client, "/api/support/steps/c1/rating", {"score": 6})
    assert rating.status_code == 422 and rating.json()["field"] == "score"
    assert not Ticket.objects.exists()


def test_an_idempotency_key_opens_one_ticket(applicant_client, case):
    headers = {"Idempotency-Key": "open-1"}
    body = {"topic": "status", "body": "状态空白", "case": case.number}
    one = _post(applicant_client, TICKETS, body, **headers)
    again = _post(applicant_client, TICKETS, body, **headers)
    assert one.status_code == again.status_code == 201
    assert one.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    reused = _post(applicant_client, TICKETS, {**body, "body": "另一个问题"}, **headers)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


def test_others_get_404_for_every_ticket_operation(open_ticket, stranger, world):
    ticket = open_ticket()
    other = Client()
    other.force_login(stranger)
    n = ticket.number
    assert other.get(f"{TICKETS}/{n}").status_code == 404
    for path in (f"{TICKETS}/{n}/replies", f"{TICKETS}/{n}/close"):
        body = {"expected_version": 1, "reason": "x"}
        assert _post(other, path, body).status_code == 404
    elsewhere = office_client(*world.officials["district-440104"])
    assert elsewhere.get(f"{OFFICE}/{n}").status_code == 404
    assert (
        _post(
            elsewhere, f"{OFFICE}/{n}/replies", {"expected_version": 1, "reason": "x"}
        ).status_code
        == 404
    )  # noqa: E501
    assert n not in str(elsewhere.get(OFFICE).json())
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_the_office_replies_and_the_person_reads_follows_up_and_the_office_closes(
    applicant_client, window_client, open_ticket, world
):
    ticket = open_ticket()
    n = ticket.number
    listed = window_client.get(OFFICE).json()
    assert [t["number"] for t in listed["open"]] == [n] and listed["done"] == []
    shown = window_client.get(f"{OFFICE}/{n}").json()
    assert shown["requester"] == world.applicant.real_name
    assert {"reply", "fix_reroute", "fix_return"} <= {a["action"] for a in shown["actions"]}
    # Without a version or a key: refused, nothing moves.
    missing = _post(window_client, f"{OFFICE}/{n}/replies", {"reason": "请提供单位地址"})
    assert missing.status_code == 400 and missing.json()["code"] == "version_required"
    with_id = _post(
        window_client, f"{OFFICE}/{n}/replies", {"expected_version": 1, "reason": id_number()}
    )
    assert with_id.status_code == 400 and with_id.json()["field"] == "reason"
    early = _post(window_client, f"{OFFICE}/{n}/close", {"expected_version": 1})
    assert early.status_code == 409  # not answered yet
    reply = {"expected_version": 1, "reason": "请提供单位注册地址"}
    answered = _post(window_client, f"{OFFICE}/{n}/replies", reply)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    stale = _post(window_client, f"{OFFICE}/{n}/replies", reply)
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    sms = OutboxMessage.objects.filter(channel="sms", recipient=world.applicant.mobile)
    assert any(n in m.body for m in sms)

    mine = applicant_client.get(f"{TICKETS}/{n}").json()
    last = mine["replies"][-1]
    assert (
        last["reason"] == "请提供单位注册地址" and last["who"] == "广州市天河区人力资源和社会保障局"
    )
    assert {a["action"] for a in mine["actions"]} == {"follow_up", "close"}
    follow = _post(
        applicant_client, f"{TICKETS}/{n}/replies", {"expected_version": 2, "reason": "越秀区"}
    )
    assert follow.status_code == 200 and follow.json()["status"] == "open"
    _post(window_client, f"{OFFICE}/{n}/replies", {"expected_version": 3, "reason": "已核实"})
    closed = _post(window_client, f"{OFFICE}/{n}/close", {"expected_version": 4})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["actions"] == []
    events = ProcessEvent.objects.filter(process="ticket", object_id=ticket.pk)
    assert list(events.order_by("version").values_list("action", "role")) == [
        ("open", "requester"), ("reply", "office"), ("follow_up", "requester"),
        ("reply", "office"), ("close", "office"),
    ]  # fmt: skip


def test_a_retried_reply_with_a_key_acts_once(window_client, open_ticket):
    ticket = open_ticket()
    url = f"{OFFICE}/{ticket.number}/replies"
    headers = {"Idempotency-Key": "reply-1"}
    first = _post(window_client, url, {"reason": "已转交"}, **headers)
    again = _post(window_client, url, {"reason": "已转交"}, **headers)
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert ProcessEvent.objects.filter(process="ticket", action="reply").count() == 1


def test_the_person_closes_their_ticket(applicant_client, open_ticket):
    ticket = open_ticket()
    closed = _post(applicant_client, f"{TICKETS}/{ticket.number}/close", {"expected_version": 1})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = _post(applicant_client, f"{TICKETS}/{ticket.number}/close", {"expected_version": 1})
    assert again.status_code == 409
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.version == 2


def test_not_acting_for_an_office_has_no_office_list(applicant_client):
    response = applicant_client.get(OFFICE)
    assert response.status_code == 400 and response.json()["code"] == "forbidden_role"


@pytest.fixture
def accepted(case, window):
    return case_transition(case=case, action="accept", actor=window[0], acting_as=window[1])


def test_a_finished_step_is_rated_once_and_a_poor_rating_opens_a_work_order(
    applicant_client, accepted, stranger
):
    steps = applicant_client.get(f"/api/support/cases/{accepted.number}/steps").json()
    assert steps[0]["label"] == "受理" and steps[0]["rated"] is False
    url = f"/api/support/steps/{steps[0]['key']}/rating"
    other = Client()
    other.force_login(stranger)
    assert other.get(f"/api/support/cases/{accepted.number}/steps").status_code == 404
    assert _post(other, url, {"score": 1}).status_code == 404
    bad_tag = _post(applicant_client, url, {"score": 1, "tags": ["nope"]})
    assert bad_tag.status_code == 422 and bad_tag.json()["field"].startswith("tags")
    body = {"score": 1, "tags": ["slow"], "comment": "排队很久"}
    rated = _post(applicant_client, url, body, **{"Idempotency-Key": "rate-1"})
    assert rated.status_code == 201, rated.json()
    order = WorkOrder.objects.get()
    assert rated.json()["work_order"] == order.number and order.office.code == "district-440106"
    replay = _post(applicant_client, url, body, **{"Idempotency-Key": "rate-1"})
    assert replay.status_code == 201 and replay.json() == rated.json()
    twice = _post(applicant_client, url, body)
    assert twice.status_code == 409 and twice.json()["code"] == "already_rated"
    assert Rating.objects.count() == 1 and WorkOrder.objects.count() == 1
    after = applicant_client.get(f"/api/support/cases/{accepted.number}/steps").json()
    assert after[0]["rated"] is True and after[0]["score"] == 1
