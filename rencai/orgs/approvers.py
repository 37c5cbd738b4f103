"""Which office decides what about a unit (registry rules): the data service centre that
keeps the registry, a district's window, and who approves unit-admin rights.

Unit-admin rights (FAQ 一.7, 二.1, 二.2): only units whose applications pass through a unit
admin need one. District-owned and other non-city enterprises do not: their employees'
applications go straight to the district window.
"""

from __future__ import annotations

from django.db.models import Q

from rencai.core.errors import DomainError
from rencai.orgs.models import Office, Unit

DATA_CENTRE_CODE = "data-centre"
#: Natures that are enterprises (企业): off the unit-admin route unless city-supervised.
ENTERPRISE_NATURES = frozenset(
    {Unit.Nature.CITY_SOE, Unit.Nature.DISTRICT_SOE, Unit.Nature.PRIVATE, Unit.Nature.FOREIGN}
)


def data_centre() -> Office:
    office = Office.objects.filter(code=DATA_CENTRE_CODE, is_active=True).first()
    if office is None:
        raise DomainError(
            "数据服务中心未配置，请联系系统管理员加载机构参考数据（rencai loaddata-reference）。"
        )
    return office


def district_window(unit: Unit) -> Office | None:
    return Office.objects.filter(
        code=f"district-{unit.district.code}", kind=Office.Kind.DISTRICT_WINDOW, is_active=True
    ).first()


def _via_unit(unit: Unit) -> bool:
    from rencai.cases.models import Case
    from rencai.cases.routing import route_kind

    return route_kind(unit) == Case.Route.VIA_UNIT


def unit_admin_needed(unit: Unit) -> bool:
    """False for district-owned and other non-city enterprises (FAQ 二.1 last paragraph)."""
    return _via_unit(unit) or unit.nature not in ENTERPRISE_NATURES


def unit_admin_approvers(unit: Unit) -> list[Office]:
    """The department(s) that approve unit-admin rights for `unit` (FAQ 二.2):
    city units → their city supervisory department; district units → the district's HRSS bureau."""
    via_unit = _via_unit(unit)
    if via_unit or unit.level == Unit.Level.CITY:
        if unit.supervisory_office_id and unit.supervisory_office.is_active:
            return [unit.supervisory_office]
        if via_unit:
            return []
    window = district_window(unit)
    return [window] if window else []


def unit_admin_refusal(unit: Unit) -> str:
    """Why `unit` cannot have unit-admin rights requested, or "" when it can."""
    if not unit.is_active:
        return f"单位“{unit.name}”已注销，不能申请单位系统管理员权限。"
    if not unit_admin_needed(unit):
        window = district_window(unit)
        where = (
            f"{window.name}（{window.service_point}）" if window else f"{unit.district.name}人社局"
        )
        return (
            f"“{unit.name}”属于区属或其他非市属企业：其职工办理人才引进时，由申请人本人登录后"
            f"直接提交到{where}审核，无需单位系统管理员，不必申请本权限（常见问题 二.1）。"
        )
    if not unit_admin_approvers(unit):
        return (
            f"单位“{unit.name}”须经主管部门审批，但单位信息中没有登记主管部门。"
            "请联系数据服务中心（hrssgz@gz.gov.cn）补登主管部门后再申请。"
        )
    return ""


def units_approved_by(offices, *, prefix: str = "") -> Q:
    """A filter for the units whose unit-admin rights `offices` approve (by the registry:
    the units a department supervises, the non-city units of a window's district);
    `prefix` is the path to the unit (e.g. "unit__")."""
    condition = Q(pk__in=[])
    for office in offices:
        if office.kind == Office.Kind.SUPERVISORY:
            condition |= Q(**{f"{prefix}supervisory_office": office})
        elif office.kind == Office.Kind.DISTRICT_WINDOW:
            district = Q(**{f"{prefix}district_id": office.district_id})
            condition |= district & ~Q(**{f"{prefix}level": Unit.Level.CITY})
    return condition
