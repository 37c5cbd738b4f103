from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from rencai.cases.models import Case, CaseEvent
from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock
from rencai.notice.models import Objection
from rencai.notice.selectors import objection_list_for_case, objection_open_count
from rencai.notify.models import OutboxMessage
from tests.notice.conftest import APPROVED, approve

VALID = {
    "contact_name": "王先生",
    "contact_phone": "13800001111",
    "contact_email": "",
    "text": "申请人实际未在该单位工作。",
}


def _object(client, case, data=None, **extra):
    return client.post(reverse("notice:objection", args=[case.number]), data or VALID, **extra)


def test_notice_list_is_public_and_masks_names(client, world, noticed):
    with clock.frozen(APPROVED + timedelta(days=1)):
        response = client.get(reverse("notice:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "欧**华" in body and "欧阳明华" not in body
    assert noticed.number in body
    assert world.private.name in body
    assert "职称" in body
    assert "2026-03-02 — 2026-03-09" in body  # notice period: approval day … last day
    assert world.applicant.id_number_masked not in body
    assert reverse("notice:objection", args=[noticed.number]) in body


def test_notice_list_shows_only_cases_in_notice_and_pages(client, world, noticed):
    other = Case.objects.get(pk=noticed.pk)
    from tests.cases.factories import new_case, place

    hidden = place(new_case(world), "under_review")
    for _ in range(20):
        approve(world)
    response = client.get(reverse("notice:list"))
    body = response.content.decode()
    assert hidden.number not in body
    assert "共 21 人公示中" in body and "第 1 / 2 页" in body
    assert body.count("提出异议</a>") == 20
    page2 = client.get(reverse("notice:list"), {"page": 2}).content.decode()
    assert page2.count("提出异议</a>") == 1
    assert other.number in body + page2


def test_objection_pauses_the_notice_and_dismissal_resumes_it(client, world, noticed):
    with clock.frozen(APPROVED + timedelta(days=2)):
        response = _object(client, noticed, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302 and response["Location"] == reverse("notice:list")
    noticed.refresh_from_db()
    assert noticed.status == "objection" and noticed.due_at is None
    objection = Objection.objects.get(case=noticed)
    assert objection.status == "open" and objection.ip == "203.0.113.7"
    event = CaseEvent.objects.filter(case=noticed).last()
    assert (event.action, event.role, event.actor) == ("objection_open", "system", None)
    assert f"异议编号{objection.pk}" in event.reason
    assert objection_open_count(case=noticed) == 1
    sms = OutboxMessage.objects.order_by("-id").first()
    assert sms.recipient == world.applicant.mobile and "收到异议" in sms.body
    # the list shows it paused; the worker does not issue the card
    assert "收到异议，公示暂停" in client.get(reverse("notice:list")).content.decode()
    with clock.frozen(APPROVED + timedelta(days=30)):
        assert deadlines_fire(batch=10) == 0

    user, acting_as = world.officials["district-440106"]
    resumed_at = APPROVED + timedelta(days=3)  # Thursday 03-05
    with clock.frozen(resumed_at):
        case_transition(
            case=noticed, action="objection_dismiss", actor=user, acting_as=acting_as,
            reason="经核查，申请人劳动合同及社保记录真实。",
        )  # fmt: skip
    assert noticed.status == "in_notice" and noticed.due_action == "notice_pass"
    assert noticed.due_date.isoformat() == "2026-03-12"  # 5 working days again
    objection.refresh_from_db()
    assert objection.status == "dismissed" and objection.resolved_by == user
    assert "社保记录真实" in objection.resolution
    assert [o.pk for o in objection_list_for_case(case=noticed)] == [objection.pk]
    with clock.frozen(resumed_at):
        body = client.get(reverse("notice:list")).content.decode()
    assert "2026-03-05 — 2026-03-12" in body


def test_upheld_objection_returns_the_case_to_review(client, world, noticed):
    with clock.frozen(APPROVED + timedelta(days=1)):
        assert _object(client, noticed).status_code == 302
    user, acting_as = world.officials["district-440106"]
    case_transition(
        case=noticed, action="objection_uphold", actor=user, acting_as=acting_as,
        reason="经核查，申请人未在该单位实际工作。",
    )  # fmt: skip
    assert noticed.status == "under_review" and noticed.due_action == "step_remind"
    assert noticed.chain_step == world.review_steps[0] and noticed.decided_at is None
    objection = Objection.objects.get(case=noticed)
    assert objection.status == "upheld" and "未在该单位" in objection.resolution
    sms = OutboxMessage.objects.order_by("-id").first()
    assert "异议经核查成立" in sms.body and noticed.number in sms.body
    assert f">{noticed.number}</td>" not in client.get(reverse("notice:list")).content.decode()


def test_a_second_objection_during_the_pause_is_recorded(client, world, noticed):
    with clock.frozen(APPROVED + timedelta(days=1)):
        assert _object(client, noticed).status_code == 302
        data = {**VALID, "contact_phone": "", "contact_email": "li@example.com"}
        assert _object(client, noticed, data).status_code == 302
    assert Objection.objects.filter(case=noticed, status="open").count() == 2
    assert CaseEvent.objects.filter(case=noticed, action="objection_open").count() == 1


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        (("contact_phone", "contact_email"), "contact_phone", "请至少填写一种联系方式：联系电话或电子邮箱"),
        (("contact_name",), "contact_name", "请填写联系人姓名"),
        (("text",), "text", "请填写异议内容"),
    ],
)  # fmt: skip
def test_objection_without_contact_or_text_is_refused_next_to_the_field(
    client, noticed, missing, field, message
):
    data = {**VALID, **dict.fromkeys(missing, "")}
    with clock.frozen(APPROVED + timedelta(days=1)):
        response = _object(client, noticed, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["text"].value() == data["text"]  # kept what was typed
    assert not Objection.objects.exists()
    noticed.refresh_from_db()
    assert noticed.status == "in_notice"


def test_bad_email_is_refused(client, noticed):
    data = {**VALID, "contact_phone": "", "contact_email": "not-an-email"}
    with clock.frozen(APPROVED + timedelta(days=1)):
        response = _object(client, noticed, data)
    assert response.status_code == 400 and "电子邮箱格式不正确" in response.content.decode()


def test_objection_after_the_notice_period_is_refused(client, world, noticed):
    # the period is over at 00:00 of the 6th working day, even before the worker runs
    with clock.frozen(noticed.due_at + timedelta(minutes=1)):
        response = _object(client, noticed)
        assert response.status_code == 409
        assert "不在公示期内" in response.content.decode()
        assert not Objection.objects.exists()
        assert deadlines_fire(batch=10) == 1
        # after the card is issued the case is no longer on the notice page at all
        assert _object(client, noticed).status_code == 404
    noticed.refresh_from_db()
    assert noticed.status == "card_issued"


def test_unknown_number_and_case_not_in_notice_are_404(client, world):
    from tests.cases.factories import new_case, place

    case = place(new_case(world), "under_review")
    assert client.get(reverse("notice:objection", args=[case.number])).status_code == 404
    assert client.get(reverse("notice:objection", args=["RC2026-999999"])).status_code == 404


def test_objection_form_needs_csrf(world, noticed):
    client = Client(enforce_csrf_checks=True)
    with clock.frozen(APPROVED + timedelta(days=1)):
        page = client.get(reverse("notice:objection", args=[noticed.number]))
        assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
        assert _object(client, noticed).status_code == 403
        token = page.cookies["rencai_csrf"].value
        response = _object(client, noticed, {**VALID, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_objections_are_rate_limited_per_ip(client, world):
    cases = [approve(world) for _ in range(6)]
    with clock.frozen(APPROVED + timedelta(days=1)):
        for case in cases[:5]:
            assert _object(client, case, REMOTE_ADDR="198.51.100.9").status_code == 302
        response = _object(client, cases[5], REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
        # another network is not affected
        assert _object(client, cases[5], REMOTE_ADDR="198.51.100.10").status_code == 302
