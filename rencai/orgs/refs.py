"""Registry references as the API takes them (a code or an id, never a name): the district,
office or unit they name, or a DomainError naming the field and what to fill in. Any
request kind that points at the registry resolves its references here."""

from __future__ import annotations

from rencai.core.errors import DomainError
from rencai.orgs.models import District, Office, Unit
from rencai.orgs.selectors import unit_resolve_reference

#: The offices that approve unit-admin rights (FAQ 二.2).
APPROVING_KINDS = (Office.Kind.SUPERVISORY, Office.Kind.DISTRICT_WINDOW)


def district_ref(code: str) -> District:
    """A district by its code (or name), e.g. 440106."""
    district = (
        District.objects.filter(code=code).first() or District.objects.filter(name=code).first()
    )
    if district is None:
        raise DomainError(
            f"所在区：“{code[:20]}”不是广州市的区划代码（如 440106）。", field="district"
        )
    return district


def supervisory_office_ref(code: str) -> Office | None:
    """A city supervisory department by its code (e.g. dept-sasac); "" is none."""
    if not code:
        return None
    office = Office.objects.filter(code=code, kind=Office.Kind.SUPERVISORY, is_active=True).first()
    if office is None:
        raise DomainError(
            f"主管部门：“{code[:40]}”不是市直主管部门的代码（如 dept-sasac）。",
            field="supervisory_office",
        )
    return office


def unit_ref(ref: int | str) -> Unit:
    """The unit an id or code names (as the page's picker resolves it); whether it may be
    used for a request is the request's service's decision."""
    text = str(ref).strip()
    unit = unit_resolve_reference(text)
    if unit is None:
        shown = f"“{text[:60]}”不是已登记单位的编号或代码。" if text else ""
        raise DomainError(
            f"单位：请填写已登记单位的编号（id）或统一社会信用代码/组织机构代码，{shown}"
            "不能填写单位名称；可先用 GET /api/units?q=名称 查找。",
            field="unit",
            code="unit_reference",
        )
    return unit


def approving_office_ref(ref: int | str) -> Office | None:
    """The chosen approving department by code or id, or None when none was chosen (the
    service then names the right one)."""
    text = str(ref).strip()
    if not text:
        return None
    offices = Office.objects.filter(is_active=True, kind__in=APPROVING_KINDS)
    office = (offices.filter(pk=int(text)) if text.isdigit() else offices.filter(code=text)).first()
    if office is None:
        raise DomainError(
            f"审批部门：“{text[:40]}”不是审批部门的代码。市属单位填其市直主管部门"
            "（如 dept-edu），区属单位填所属区的人社局（如 district-440106）。",
            field="office",
            code="office_reference",
        )
    return office
