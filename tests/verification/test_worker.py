"""The worker runs verification requests against the real gateway: 系统秒批 when all is
clear, manual review with every reason otherwise; exactly once per request."""

from __future__ import annotations

import pytest

from rencai.cases.models import Case, CaseEvent
from rencai.cases.services import case_transition
from rencai.verification.models import CategoryPolicy, VerificationCheck, VerificationRequest
from rencai.verification.services import verifications_run
from tests.verification.factories import build_world, education_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(verification_on, reference_data):
    CategoryPolicy.objects.filter(category="education").update(sample_percent=0)
    return build_world()


def submit(case):
    return case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)


def test_a_clear_graduate_is_approved_by_the_system_with_every_check_listed(world):
    case = submit(education_case(world, "graduate"))
    assert case.status == Case.Status.AWAITING_ACCEPTANCE
    assert verifications_run(batch=50) >= 1
    case.refresh_from_db()
    assert case.status == Case.Status.IN_NOTICE
    event = CaseEvent.objects.filter(case=case, action="instant_approve").get()
    assert event.actor is None and event.reason.startswith("系统秒批")
    for label in ("信用", "身份与户籍", "学历学位", "社会保险"):
        assert label in event.reason
    request = VerificationRequest.objects.get(case=case, purpose="submission")
    assert request.decision == "approved"
    assert {c.source for c in request.checks.all()} == {
        "credit", "identity", "education", "social_insurance"}  # fmt: skip
    from rencai.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event="case.instant_approve", object_id=str(case.pk)).exists()
    # running the sweep again does nothing more: exactly once per request
    assert verifications_run(batch=50) == 0
    assert VerificationCheck.objects.filter(request=request).count() == 4


def test_a_credit_hit_goes_to_manual_review_with_the_reason(world):
    case = submit(education_case(world, "credit_hit"))
    verifications_run(batch=50)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ACCEPTANCE
    request = VerificationRequest.objects.get(case=case, purpose="submission")
    assert request.decision == "manual"
    assert any("失信被执行人" in r for r in request.reasons)


def test_a_source_down_sends_the_case_to_manual_review(world, settings):
    case = submit(education_case(world, "graduate"))
    settings.RENCAI_VERIFICATION_GATEWAY_URL = "http://127.0.0.1:9"
    verifications_run(batch=50)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ACCEPTANCE
    request = VerificationRequest.objects.get(case=case, purpose="submission")
    assert request.decision == "manual"
    assert "数据核验暂不可用，已转人工审核" in request.reasons
    assert request.checks.filter(outcome="unavailable").count() == request.checks.count() > 0


def test_sampled_cases_go_to_a_person(world):
    CategoryPolicy.objects.filter(category="education").update(sample_percent=100)
    case = submit(education_case(world, "graduate"))
    verifications_run(batch=50)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ACCEPTANCE
    reasons = VerificationRequest.objects.get(case=case, purpose="submission").reasons
    assert any("随机抽查" in r for r in reasons)


def test_a_category_without_notice_goes_straight_to_the_card(world):
    CategoryPolicy.objects.filter(category="education").update(public_notice=False)
    case = submit(education_case(world, "graduate"))
    verifications_run(batch=50)
    case.refresh_from_db()
    assert case.status == Case.Status.CARD_ISSUED
    assert hasattr(case, "card")


def test_too_few_months_block_submission_after_the_precheck(world):
    from rencai.core.errors import Conflict

    case = education_case(world, "low_si")
    assert VerificationRequest.objects.filter(case=case, purpose="precheck").exists()
    verifications_run(batch=50)
    with pytest.raises(Conflict) as refused:
        submit(case)
    assert "在引进单位缴纳社保" in refused.value.message and "不足6个月" in refused.value.message


def test_a_stolen_lease_is_not_finished_twice(world):
    from rencai.verification import services

    case = submit(education_case(world, "graduate"))
    claimed = services._claim(services.clock.now(), 10)
    assert claimed
    VerificationRequest.objects.filter(pk__in=[r.pk for r in claimed]).update(lease_until=None)
    assert services._run_claimed(claimed) == 0  # another worker owns them now
    assert not VerificationCheck.objects.filter(case=case).exists()


def test_the_demo_applicant_gets_instant_approval_from_the_seeded_records(
    verification_on, demo_data
):
    from datetime import date

    from rencai.accounts.models import User
    from rencai.cases.services import case_create
    from rencai.orgs.models import Unit
    from tests.cases.factories import attach_required
    from tests.verification.factories import school_and_major

    CategoryPolicy.objects.filter(category="education").update(sample_percent=0)
    school, major = school_and_major()
    demo = User.objects.get(login_name="demo_applicant")
    case = case_create(
        applicant=demo, unit=Unit.objects.get(name="广州示范科技有限公司"), category="education",
        education_level="bachelor", institution=school, major=major,
        graduation_date=date(2024, 6, 30), diploma_number="105581202405001234",
        degree_number="1055842024001234",
    )  # fmt: skip
    attach_required(case)
    verifications_run(batch=100)
    submit(case)
    verifications_run(batch=100)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_NOTICE, (
        VerificationRequest.objects.filter(case=case).first().reasons
    )
