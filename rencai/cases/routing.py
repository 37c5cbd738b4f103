"""Where an application goes (FAQ 一.7, 二.1, 二.6), computed from the units registry.

City organs and city public institutions (市直机关事业单位) and city SOEs (市属国有企业,
including any unit supervised by 市国资委) go applicant → unit admin → the unit's
supervisory department's internal chain → the city bureau. Every other employer goes
straight to the district window of the unit's district, with no unit admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext

from rencai.cases.models import Case, ChainStep
from rencai.core.errors import DomainError
from rencai.orgs.models import Office, Unit

CITY_BUREAU_CODE = "city-hrss"
DATA_CENTRE_CODE = "data-centre"
SASAC_CODE = "dept-sasac"
#: Natures that go through the unit and its department when the unit is city-level.
CITY_LEVEL_VIA_UNIT = frozenset({Unit.Nature.ORGAN, Unit.Nature.INSTITUTION})


@dataclass(frozen=True)
class Route:
    kind: str  # Case.Route
    acceptance_office: Office
    supervisory_office: Office | None = None

    @property
    def via_unit(self) -> bool:
        return self.kind == Case.Route.VIA_UNIT

    @property
    def office_codes(self) -> list[str]:
        codes = [self.supervisory_office.code] if self.supervisory_office else []
        return [*codes, self.acceptance_office.code]


#: A draft waiting for its 新增单位 request (issue #11) has no unit and so no route yet.
UNIT_PENDING = gettext_lazy(
    "引进单位尚未登记（新增单位申请审核中）：审核通过后系统自动填入，之后才能确定报送路径并送审。"
)


def _active_offices_by_code() -> dict[str, Office]:
    return {o.code: o for o in Office.objects.filter(is_active=True).select_related("district")}


def _supervisor(unit: Unit) -> Office | None:
    """The unit's department, from the reference cache unless the unit brought it along."""
    if unit.supervisory_office_id is None:
        return None
    if Unit.supervisory_office.is_cached(unit):
        return unit.supervisory_office
    return office_by_pk(unit.supervisory_office_id)


def _district_code(unit: Unit) -> str:
    from rencai.core import refcache

    if Unit.district.is_cached(unit):
        return unit.district.code
    code = refcache.get("district-codes", _district_codes).get(unit.district_id)
    return code if code is not None else unit.district.code


def _district_codes() -> dict[int, str]:
    from rencai.orgs.models import District

    return dict(District.objects.values_list("pk", "code"))


def _refuse_no_unit(unit: Unit | None) -> None:
    if unit is None:
        raise DomainError(UNIT_PENDING, field="unit", code="unit_pending")


def route_kind(unit: Unit) -> str:
    _refuse_no_unit(unit)
    supervisor = _supervisor(unit)
    if unit.nature == Unit.Nature.CITY_SOE or (supervisor and supervisor.code == SASAC_CODE):
        return Case.Route.VIA_UNIT
    if unit.nature in CITY_LEVEL_VIA_UNIT and unit.level == Unit.Level.CITY:
        return Case.Route.VIA_UNIT
    return Case.Route.DIRECT


def _office(code: str) -> Office:
    from rencai.core import refcache

    office = refcache.get("active-offices-by-code", _active_offices_by_code).get(code)
    if office is None:
        raise DomainError(
            format_lazy(
                gettext_lazy("受理机构“{code}”未配置，请联系系统管理员加载机构参考数据。"),
                code=code,
            )
        )
    return office


def office_contact(office: Office | None) -> str:
    """How to reach `office`, never empty: when it has no phone or e-mail on record, the
    city bureau's contact, saying that it stands in (FAQ 一.7: nobody left without one)."""
    from rencai.orgs.contacts import contact_text

    own = contact_text(office)
    if own:
        return own
    bureau = Office.objects.filter(code=CITY_BUREAU_CODE, is_active=True).first()
    fallback = (contact_text(bureau) if bureau else "") or gettext(
        "电话 12333，邮箱 hrssgz@gz.gov.cn"
    )
    bureau_name = bureau.name if bureau else "广州市人力资源和社会保障局"
    return gettext("该机构暂未登记联系方式，请联系%(office)s：%(contact)s") % {
        "office": bureau_name,
        "contact": fallback,
    }


def unit_admins(unit: Unit):
    """Active people holding active unit-admin rights for `unit`."""
    from rencai.accounts.models import RoleGrant, User

    return User.objects.filter(
        is_active=True,
        role_grants__role=RoleGrant.Role.UNIT_ADMIN,
        role_grants__unit=unit,
        role_grants__revoked_at__isnull=True,
    ).distinct()


@dataclass(frozen=True)
class UnitAdminMissing:
    """What the applicant is told when the unit has nobody to review the application."""

    unit: Unit
    approver: Office | None  # who approves the rights request (FAQ 二.2)
    contact: str  # the approver's contact (or the city bureau's, saying so)
    message: str


def unit_admin_missing(unit: Unit) -> UnitAdminMissing | None:
    """None when the unit's route needs no admin or it has one; else how to get one: the
    rights request (单位系统管理员权限申请), approved by the supervisory department."""
    if unit is None:
        return None
    if route_kind(unit) != Case.Route.VIA_UNIT or unit_admins(unit).exists():
        return None
    from rencai.orgs.approvers import unit_admin_approvers

    approvers = unit_admin_approvers(unit)
    approver = approvers[0] if approvers else unit.supervisory_office
    contact = office_contact(approver)  # with no approver: the city bureau's
    who = (
        format_lazy(gettext_lazy("主管部门“{name}”"), name=approver.name)
        if approver
        else gettext_lazy("主管部门")
    )
    message = format_lazy(
        gettext_lazy(
            "引进单位“{unit}”还没有单位系统管理员，申请送审后无人审核，暂不能送审。"
            "请单位经办人以个人账号登录后提交“单位系统管理员权限申请”，"
            "由{who}审批开通（{contact}）；开通后再送审。"
        ),
        unit=unit.name,
        who=who,
        contact=contact,
    )
    return UnitAdminMissing(unit, approver, contact, message)


def unit_admin_check(unit: Unit) -> None:
    """Refuse a route into unit review when nobody could act there (finding: 单位审核中
    with no admin and no clock)."""
    missing = unit_admin_missing(unit)
    if missing is not None:
        raise DomainError(missing.message, field="unit", code="unit_admin_missing")


def route_for(unit: Unit, *, district_office: Office | None = None) -> Route:
    """The route of a new application of `unit`. `district_office` overrides the window
    (an official rerouting a misfiled case)."""
    _refuse_no_unit(unit)
    if route_kind(unit) == Case.Route.VIA_UNIT:
        supervisor = _supervisor(unit)
        if supervisor is None:
            centre = Office.objects.filter(code=DATA_CENTRE_CODE).first()
            contact = office_contact(centre) if centre else "hrssgz@gz.gov.cn"
            raise DomainError(
                format_lazy(
                    gettext_lazy(
                        "引进单位“{name}”须经主管部门审核，但单位信息中没有登记主管部门，暂不能送审。请联系数据服务中心补登（{contact}）。"
                    ),
                    name=unit.name,
                    contact=contact,
                ),
                field="unit",
            )
        return Route(Case.Route.VIA_UNIT, _office(CITY_BUREAU_CODE), supervisor)
    office = district_office or _office(f"district-{_district_code(unit)}")
    return Route(Case.Route.DIRECT, office)


def department_steps(office: Office):
    return ChainStep.objects.filter(
        office=office, purpose=ChainStep.Purpose.DEPARTMENT, is_active=True
    ).order_by("order")


def review_steps(office: Office):
    return ChainStep.objects.filter(
        office=office, purpose=ChainStep.Purpose.REVIEW, is_active=True
    ).order_by("order")


def chain_steps(office_id: int | None, purpose: str) -> list[ChainStep]:
    """The office's active steps of `purpose` in order, from the shared reference cache
    (rencai.core.refcache; read-only instances) — for pages, not for the workflow's writes."""
    from rencai.core import refcache

    if office_id is None:
        return []
    chains = refcache.get("chain-steps", _every_step)[0]
    return chains.get((office_id, str(purpose)), [])


def chain_step_by_pk(pk: int) -> ChainStep | None:
    """A chain step (active or not) from the shared reference cache (read-only instance)."""
    from rencai.core import refcache

    return refcache.get("chain-steps", _every_step)[1].get(pk)


def _every_step() -> tuple[dict[tuple[int, str], list[ChainStep]], dict[int, ChainStep]]:
    """((office, purpose) -> active steps in order, pk -> any step)."""
    chains: dict[tuple[int, str], list[ChainStep]] = {}
    every: dict[int, ChainStep] = {}
    steps = ChainStep.objects.select_related("office").order_by("office", "purpose", "order", "pk")
    for step in steps:  # with its office: a step's name (__str__) reads it
        every[step.pk] = step
        if step.is_active:
            chains.setdefault((step.office_id, str(step.purpose)), []).append(step)
    return chains, every


def office_by_pk(pk: int | None) -> Office | None:
    """An office (active or not) from the shared reference cache (read-only instance)."""
    from rencai.core import refcache

    if pk is None:
        return None
    return refcache.get("offices", _every_office).get(pk)


def _every_office() -> dict[int, Office]:
    return {o.pk: o for o in Office.objects.select_related("district")}


def department_chain_check(office: Office) -> None:
    """Refuse up front when a department has no 内流程: nobody could act on the case.
    The message always gives a contact: the department's, or the city bureau's window
    when the department has none on record (the reference data lists none)."""
    from rencai.orgs.contacts import has_contact

    if not department_steps(office).exists():
        if has_contact(office):
            whom = format_lazy(
                gettext_lazy("请联系该主管部门（{contact}）配置后再送审。"),
                contact=office_contact(office),
            )
        else:
            bureau = Office.objects.filter(code=CITY_BUREAU_CODE).first()
            via = (
                f"{bureau.name}（{office_contact(bureau)}）"
                if bureau
                else gettext_lazy("市人社局（12333）")
            )
            whom = format_lazy(
                gettext_lazy("该主管部门未登记联系方式，请联系{via}转告配置后再送审。"), via=via
            )
        raise DomainError(
            format_lazy(
                gettext_lazy("主管部门“{name}”尚未配置内流程，暂不能接收申请。{whom}"),
                name=office.name,
                whom=whom,
            ),
            field="unit",
            code="chain_missing",
        )


def route_check(unit: Unit) -> Route:
    route = route_for(unit)
    if route.via_unit:
        department_chain_check(route.supervisory_office)
        unit_admin_check(unit)
    return route


def route_describe(unit: Unit) -> list[str]:
    """The steps an application of `unit` will go through, shown before submission."""
    route = route_for(unit)
    accept = route.acceptance_office
    office = {"office": accept.name}
    notice = gettext("公示5个工作日，无异议后出具《广州市入户人员信息卡》")
    if not route.via_unit:
        return [
            gettext("申请人填报并送审"),
            gettext(
                "%(office)s受理（%(point)s，%(address)s）；"
                "5个工作日内未受理或退案的，第6个工作日自动受理"
            )
            % {**office, "point": accept.service_point_display, "address": accept.address_display},
            gettext("%(office)s审批") % office,
            notice,
        ]
    dept = route.supervisory_office
    steps = list(department_steps(dept).values_list("name", flat=True))
    chain = pgettext("list separator", "、").join(
        gettext("第%(order)s步：%(step)s") % {"order": i, "step": name}
        for i, name in enumerate(steps, 1)
    ) or gettext("尚未配置内流程")
    return [
        gettext("申请人填报并送审"),
        gettext("引进单位“%(unit)s”的单位管理员审核并送审") % {"unit": unit.name},
        gettext("主管部门“%(dept)s”内流程审核（%(chain)s）") % {"dept": dept.name, "chain": chain},
        gettext("%(office)s受理；5个工作日内未受理或退案的，第6个工作日自动受理") % office,
        gettext("%(office)s审批") % office,
        notice,
    ]
