"""Test world for the workflow: offices, units on both routes, people in every role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from stdnum.cn import ric, uscc

from rencai.accounts.models import RoleGrant, User
from rencai.accounts.roles import ActingAs
from rencai.cases.models import Case, ChainStep
from rencai.cases.requirements import required_attachments
from rencai.cases.services import case_create
from rencai.core import clock
from rencai.documents.models import Document
from rencai.orgs.models import District, Office, Unit
from rencai.orgs.reference import offices_load

_seq = itertools.count(1)


def id_number() -> str:
    body = f"440106199003{next(_seq):05d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code() -> str:
    body = f"91440101MA{next(_seq):07d}"
    return body + uscc.calc_check_digit(body)


def person(name="测试", mobile=True) -> User:
    n = next(_seq)
    return User.objects.create_user(
        f"user{n}",
        "Pw@123456",
        real_name=f"{name}{n}",
        id_number=id_number(),
        mobile=f"139{n:08d}" if mobile else None,
    )


def unit(*, nature, level, district="440106", department: str | None = None) -> Unit:
    return Unit.objects.create(
        name=f"测试单位{next(_seq)}",
        code=credit_code(),
        nature=nature,
        level=level,
        district=District.objects.get(code=district),
        supervisory_office=Office.objects.get(code=department) if department else None,
    )


def official(office_code: str) -> tuple[User, ActingAs]:
    user = person("官员")
    grant = RoleGrant.objects.create(
        user=user, role=RoleGrant.Role.OFFICIAL, office=Office.objects.get(code=office_code)
    )
    return user, ActingAs(grant)


@dataclass
class World:
    soe: Unit  # city SOE under 市国资委: via unit
    private: Unit  # private company in 天河区: direct
    applicant: User
    unit_admin: User
    unit_acting: ActingAs
    officials: dict = field(default_factory=dict)  # office code -> (user, ActingAs)
    dept_steps: list = field(default_factory=list)
    review_steps: list = field(default_factory=list)

    def office(self, code: str) -> Office:
        return Office.objects.get(code=code)

    def actor(self, role: str, case: Case):
        if role == "applicant":
            return case.applicant, ActingAs(None)
        if role == "unit_admin":
            return self.unit_admin, self.unit_acting
        if role == "system":
            return None, None
        if role == "office":
            code = case.holding_office.code if case.holding_office_id else "dept-sasac"
            return self.officials[code]
        return self.officials["stranger"]


def build_world() -> World:
    offices_load()
    soe = unit(nature=Unit.Nature.CITY_SOE, level=Unit.Level.CITY, department="dept-sasac")
    private = unit(nature=Unit.Nature.PRIVATE, level=Unit.Level.DISTRICT)
    applicant = person("申请人")
    admin = person("单位管理员")
    grant = RoleGrant.objects.create(user=admin, role=RoleGrant.Role.UNIT_ADMIN, unit=soe)
    world = World(soe, private, applicant, admin, ActingAs(grant))
    sasac = Office.objects.get(code="dept-sasac")
    tianhe = Office.objects.get(code="district-440106")
    for order, name in enumerate(["处室初审", "分管领导审核"], 1):
        world.dept_steps.append(
            ChainStep.objects.create(office=sasac, purpose="department", order=order, name=name)
        )
    for order, name in enumerate(["经办", "复核", "审批"], 1):
        world.review_steps.append(
            ChainStep.objects.create(office=tianhe, purpose="review", order=order, name=name)
        )
    for code in ("dept-sasac", "city-hrss", "district-440106", "district-440104"):
        world.officials[code] = official(code)
    world.officials["stranger"] = official("district-440105")
    return world


def attach_required(case: Case) -> None:
    for requirement in required_attachments(case):
        Document.objects.create(
            folder=case.folder, type_code=requirement.type_code, original_name="a.png",
            file="docs/test.png", sha256="0" * 64, mime="image/png", size=1,
            uploaded_by=case.applicant, uploaded_at=clock.now(),
        )  # fmt: skip


def title_form() -> dict:
    """A complete 职称 section (the form_complete guard of submit/forward)."""
    from rencai.catalog.models import TitleSeries
    from rencai.catalog.reference import _load_simple

    if not TitleSeries.objects.exists():
        _load_simple()
    return {
        "title_series": TitleSeries.objects.order_by("pk").first(),
        "qualification_name": "工程师",
        "certificate_number": "GC2020001",
    }


def new_case(
    world: World,
    *,
    unit: Unit | None = None,
    attach=True,
    created_by=None,
    applicant=None,
    **form,
) -> Case:
    """A title case ready to submit (form filled, attachments present) unless told otherwise.

    One open application per person (constraint case_one_open_per_applicant): the case is
    world.applicant's unless they already have an open one; then a new person's."""
    if attach:
        form = {**title_form(), **form}
    if applicant is None:
        applicant = world.applicant
        if Case.objects.filter(applicant=applicant, status__in=Case.OPEN_STATUSES).exists():
            applicant = person("申请人")
    case = case_create(
        applicant=applicant,
        unit=unit or world.private,
        category="title",
        created_by=created_by,
        **form,
    )
    if attach:
        attach_required(case)
    return case


def place(case: Case, state: str, *, holding: str | None = None, step=None, **extra) -> Case:
    """Put a case in a state directly (tests only; production goes through case_transition)."""
    route = Case.Route.VIA_UNIT if case.unit.supervisory_office_id else Case.Route.DIRECT
    acceptance = (
        "city-hrss" if route == Case.Route.VIA_UNIT else f"district-{case.unit.district.code}"
    )
    if holding is None and state in (
        "awaiting_acceptance",
        "under_review",
        "in_notice",
        "objection",
        "card_issued",
        "rejected",
    ):
        holding = acceptance
    if holding is None and state == "dept_review":
        holding = "dept-sasac"
    values = dict(
        status=state,
        route=route if state != "draft" else "",
        supervisory_office=case.unit.supervisory_office,
        acceptance_office=Office.objects.get(code=acceptance),
        holding_office=Office.objects.get(code=holding) if holding else None,
        chain_step=step,
        forwarded_at=clock.now() - timedelta(minutes=10) if state == "dept_review" else None,
        # No clock unless given: the new draft's clock does not follow it to another state.
        due_at=None, due_date=None, due_action="", due_provisional=False,
    )  # fmt: skip
    values.update(extra)
    Case.objects.filter(pk=case.pk).update(**values)
    case.refresh_from_db()
    return case
