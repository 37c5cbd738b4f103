"""Pure rules shared by services, forms and pages: deadlines, attachments, who approves.

- Deadlines in working days: unit records 1 (FAQ 一.4), a 9→18-character code change 3
  (FAQ 一.6), schools and majors 2 (FAQ 一.8), unit phone/nature 1, unit-admin rights 3.
- Unit-admin rights (FAQ 一.7, 二.1, 二.2): only units whose applications pass through a
  unit admin need one. District-owned and other non-city enterprises do not: their
  employees' applications go straight to the district window.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rencai.changes.models import ChangeRequest
from rencai.core.errors import DomainError
from rencai.orgs.models import Office, Unit
from rencai.orgs.validators import CODE_FORMAT  # noqa: F401 (forms name it here)

DATA_CENTRE_CODE = "data-centre"
NUMBER_PREFIX_CHANGE = "BG"
NUMBER_PREFIX_UNIT_ADMIN = "QX"

Kind = ChangeRequest.Kind

WORKDAYS = {
    Kind.UNIT_NEW: 1,
    Kind.UNIT_CHANGE: 1,
    Kind.INSTITUTION_NEW: 2,
    Kind.MAJOR_NEW: 2,
    Kind.UNIT_CONTACT: 1,
}
WORKDAYS_CODE_CHANGE = 3
WORKDAYS_UNIT_ADMIN = 3

#: Attachment types a request of each kind may carry (catalog.AttachmentType codes).
ATTACHMENT_TYPES = {
    Kind.UNIT_NEW: ("business_licence", "other"),
    Kind.UNIT_CHANGE: ("business_licence", "change_notice", "other"),
    Kind.INSTITUTION_NEW: ("diploma", "degree", "other"),
    Kind.MAJOR_NEW: ("diploma", "degree", "other"),
    Kind.UNIT_CONTACT: ("other",),
}
ATTACHMENT_NAMES = {
    "business_licence": _("营业执照（或事业单位法人证书）"),
    "change_notice": _("准予变更（登记）通知书"),
    "diploma": _("毕业证书"),
    "degree": _("学位证书"),
    "other": _("其他材料"),
}


#: Natures that are enterprises (企业): off the unit-admin route unless city-supervised.
ENTERPRISE_NATURES = frozenset(
    {Unit.Nature.CITY_SOE, Unit.Nature.DISTRICT_SOE, Unit.Nature.PRIVATE, Unit.Nature.FOREIGN}
)


def required_attachments(
    kind: str, *, name_changed: bool = False, code_changed: bool = False
) -> tuple[str, ...]:
    if kind == Kind.UNIT_NEW:
        return ("business_licence",)
    if kind == Kind.UNIT_CHANGE and (name_changed or code_changed):
        return ("business_licence", "change_notice")
    if kind in (Kind.INSTITUTION_NEW, Kind.MAJOR_NEW):
        return ("diploma",)
    return ()


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


def unit_admin_needed(unit: Unit) -> bool:
    """False for district-owned and other non-city enterprises (FAQ 二.1 last paragraph)."""
    from rencai.cases.models import Case
    from rencai.cases.routing import route_kind

    if route_kind(unit) == Case.Route.VIA_UNIT:
        return True
    return unit.nature not in ENTERPRISE_NATURES


def unit_admin_approvers(unit: Unit) -> list[Office]:
    """The department(s) that approve unit-admin rights for `unit` (FAQ 二.2):
    city units → their city supervisory department; district units → the district's HRSS bureau."""
    from rencai.cases.models import Case
    from rencai.cases.routing import route_kind

    if route_kind(unit) == Case.Route.VIA_UNIT or unit.level == Unit.Level.CITY:
        if unit.supervisory_office_id and unit.supervisory_office.is_active:
            return [unit.supervisory_office]
        if route_kind(unit) == Case.Route.VIA_UNIT:
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
