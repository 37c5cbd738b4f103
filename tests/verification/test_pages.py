"""Panels and buttons through the Django client: who may press what (404 otherwise), the
re-run queues once, the admin audits rule edits, the statistics count decisions."""

from __future__ import annotations

import pytest

from rencai.cases.services import case_transition
from rencai.verification.models import CategoryPolicy, EligibilityRule, VerificationRequest
from rencai.verification.services import verifications_run
from tests.backoffice.second_factor import verified_client
from tests.verification.factories import build_world, education_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(verification_on, reference_data):
    CategoryPolicy.objects.filter(category="education").update(sample_percent=0)
    return build_world()


def _office_client(world, code):
    user, acting = world.officials[code]
    client = verified_client(user)
    session = client.session
    from rencai.accounts.roles import SESSION_KEY as ACTING_SESSION_KEY

    session[ACTING_SESSION_KEY] = acting.grant.pk
    session.save()
    return client


def test_the_official_panel_rerun_and_statistics(world):
    case = education_case(world, "credit_hit")
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    verifications_run(batch=20)
    client = _office_client(world, "district-440106")
    page = client.get(f"/office/cases/{case.number}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "数据核验与系统决定" in body and "失信被执行人" in body and "退回并列明全部原因" in body
    for _ in range(2):  # a double click queues one request
        assert client.post(f"/verification/office/cases/{case.number}/rerun/").status_code == 302
    assert VerificationRequest.objects.filter(case=case, purpose="rerun").count() == 1
    stranger = _office_client(world, "stranger")
    assert stranger.post(f"/verification/office/cases/{case.number}/rerun/").status_code == 404
    stats = client.get("/verification/office/stats/").content.decode()
    assert "转人工审核的原因" in stats and "信用" in stats


def test_the_return_form_sends_every_reason_in_one_message(world):
    from rencai.notify.models import OutboxMessage

    case = education_case(world, "credit_hit")
    case = case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    verifications_run(batch=20)
    from rencai.verification.selectors import return_reasons

    reasons = return_reasons(case)
    assert reasons.startswith("1. 信用")
    client = _office_client(world, "district-440106")
    answer = client.post(f"/office/cases/{case.number}/act/", {
        "action": "return", "return-action": "return", "return-expected_version": case.version,
        "return-reason": reasons})  # fmt: skip
    assert answer.status_code in (200, 302)
    case.refresh_from_db()
    assert case.status == "returned"
    sms = OutboxMessage.objects.filter(recipient=case.applicant.mobile).order_by("-pk").first()
    assert "失信被执行人" in sms.body
    detail = verified_client(case.applicant).get(f"/cases/{case.number}/").content.decode()
    assert "未通过的核验和申报条件" in detail


def test_the_applicant_precheck_button_is_theirs_only(world, client):
    case = education_case(world, "graduate")
    verifications_run(batch=20)
    client.force_login(case.applicant)
    assert client.post(f"/verification/cases/{case.number}/precheck/").status_code == 302
    assert VerificationRequest.objects.filter(case=case, status="pending").count() == 1
    client.force_login(world.applicant)
    assert client.post(f"/verification/cases/{case.number}/precheck/").status_code == 404
    page = verified_client(case.applicant).get(f"/cases/{case.number}/edit/").content.decode()
    assert "申报条件与数据核验预检" in page and "示例配置" in page


def test_rule_edits_in_the_admin_are_versioned_and_audited(world, admin_client):
    from rencai.audit.models import AuditEvent

    rule = EligibilityRule.objects.get(category="education", kind="si_months_min")
    answer = admin_client.post(f"/admin/verification/eligibilityrule/{rule.pk}/change/", {
        "category": "education", "kind": "si_months_min", "name": rule.name, "value": "12",
        "hard": "on", "legal_source": "《示例办法》第五条：……", "is_active": "on", "sort_order": 3,
    })  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:500]
    rule.refresh_from_db()
    assert rule.value == "12" and rule.version == 2 and not rule.is_example
    event = AuditEvent.objects.filter(event="verification.eligibilityrule.change").get()
    assert "'value': ['6', '12']" in event.detail
