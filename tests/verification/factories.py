"""Cases whose applicants match records of tests/verification/gateway_seed.json."""

from __future__ import annotations

from datetime import date

from rencai.accounts.models import User
from rencai.cases.models import Case
from rencai.cases.services import case_create
from tests.cases.factories import attach_required, build_world, title_form
from tests.verification.conftest import id_number

PEOPLE = {
    "graduate": ("44010620000101001", "毕业生甲", "D2024000001", "X2024000001"),
    "low_si": ("44010620000101002", "社保乙", "D2024000002", ""),
    "credit_hit": ("44010620000101003", "失信丙", "D2024000003", ""),
    "slow": ("44010620000101004", "慢丁", "D1", ""),
    "error": ("44010620000101005", "错戊", "D1", ""),
}


def school_and_major():
    from rencai.catalog.models import Institution, Major

    school, _ = Institution.objects.get_or_create(
        moe_code="4144010001", defaults={"name": "中山大学", "level": "本科"}
    )
    major, _ = Major.objects.get_or_create(
        code="080901",
        defaults=dict(name="计算机科学与技术", discipline_code="08", discipline="工学",
                      category_code="0809", category="计算机类", level="undergraduate"),
    )  # fmt: skip
    return school, major


def applicant(kind: str, *, login: str | None = None, password="Pw@123456") -> User:
    body, name, _d, _x = PEOPLE[kind]
    return User.objects.create_user(
        login or f"v_{kind}", password, real_name=name, id_number=id_number(body),
        mobile=f"1370000{list(PEOPLE).index(kind):04d}",
    )  # fmt: skip


def education_case(world, kind: str, *, user: User | None = None, attach=True) -> Case:
    _body, _name, diploma, degree = PEOPLE[kind]
    school, major = school_and_major()
    case = case_create(
        applicant=user or applicant(kind), unit=world.private, category="education",
        education_level="bachelor", institution=school, major=major,
        graduation_date=date(2024, 6, 30), diploma_number=diploma, degree_number=degree,
    )  # fmt: skip
    if attach:
        attach_required(case)
    return case


def arrange_instant_approval(case: Case, *, notice: bool) -> None:
    """What the 秒批 guards read: an approved verification and the category's policy."""
    from rencai.core import clock
    from rencai.verification.models import CategoryPolicy, VerificationRequest

    now = clock.now()
    VerificationRequest.objects.create(
        case=case, purpose="submission", key=f"arranged:{case.pk}", status="done",
        decision="approved", run_after=now, created_at=now, finished_at=now,
    )  # fmt: skip
    CategoryPolicy.objects.update_or_create(
        category=case.category, defaults={"public_notice": notice, "instant_approval": True}
    )


__all__ = ["build_world", "education_case", "applicant", "title_form"]
