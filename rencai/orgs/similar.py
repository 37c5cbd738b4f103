"""The unit registry for a unit about to be added or recoded: the unit already registered
under a code, units whose name resembles a new one ("是否是以下单位？"), and the checks a
新增/修改单位信息 request passes before it is accepted."""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.core.errors import Conflict, DomainError
from rencai.orgs.models import Unit
from rencai.orgs.selectors import unit_search
from rencai.orgs.validators import normalize_unit_code, org_code_of, unit_code_checked

SIMILAR_LIMIT = 10
# Common parts of unit names that say nothing about which unit it is.
_NAME_NOISE = re.compile(
    r"^(中国)?(广东省)?(广州市|广州)?|(股份有限公司|有限责任公司|有限公司|集团|公司|分公司|中心|事务所)$"
)


def unit_existing_for_code(*, code: str, exclude: Unit | None = None) -> Unit | None:
    """The unit registered under `code` — also the one whose 9-character code is inside an
    18-character `code`, or whose USCC contains a 9-character `code` (FAQ 一.6)."""
    code = normalize_unit_code(code)
    qs = Unit.objects.select_related("district")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    unit = qs.filter(code=code).first()
    if unit is None:
        org = org_code_of(code)
        unit = qs.filter(Q(code=org) | Q(org_code=org)).order_by("id").first()
    return unit


def _name_core(name: str) -> str:
    core = name
    for _round in range(3):
        stripped = _NAME_NOISE.sub("", core)
        if stripped == core:
            break
        core = stripped
    return core


def unit_similar(*, name: str) -> list[Unit]:
    """Active units whose name resembles `name` ("是否是以下单位？")."""
    seen: dict[int, Unit] = {}
    queries = [name]
    core = _name_core(name)
    if len(core) >= 2 and core != name:
        queries.append(core)
    for q in queries:
        for result in unit_search(q=q).results:
            seen.setdefault(result.unit.pk, result.unit)
            if len(seen) >= SIMILAR_LIMIT:
                return list(seen.values())
    return list(seen.values())


# --- checks before a unit is proposed or recoded (新增/修改单位信息, FAQ 一.4, 一.6) ---------


class UnitExists(Conflict):
    """A unit with this code is already registered: link to it instead of creating."""

    code = "unit_exists"

    def __init__(self, message: str, *, unit: Unit, field: str | None = "code"):
        super().__init__(message, field=field)
        self.unit = self.existing = unit


def unit_check_not_registered(*, code: str) -> None:
    """UnitExists when `code` (or the 9-character code inside it) is registered already."""
    existing = unit_existing_for_code(code=code)
    if existing is None:
        return
    if existing.code == code:
        message = f"单位代码：{code} 已登记为“{existing.name}”，请直接选择该单位，无需新增。"
    else:
        message = (
            f"单位代码：该单位已以{len(existing.code)}位代码 {existing.code} 登记为“{existing.name}”。"
            "单位名称未变更的，不修改为18位代码也可以办理业务；名称已变更或需改为18位代码的，"
            "请提交“修改单位信息”申请（常见问题 一.6）。"
        )
    raise UnitExists(message, unit=existing)


def unit_check_change(*, unit: Unit, new_name: str, new_code: str) -> tuple[str, str]:
    """The (name, code) a unit would have after a 修改单位信息 request: an empty value keeps
    the current one. Refused: a retired unit, nothing changed (a 9-character code needs no
    change while the name stays, FAQ 一.6), 18 → 9 characters, a code another unit has."""
    if not unit.is_active:
        raise DomainError(
            format_lazy(_("单位：“{name}”已注销，不能修改。"), name=unit.name), field="unit"
        )
    name = " ".join((new_name or "").split())[:200] or unit.name
    given = (new_code or "").strip()
    code = unit_code_checked(given, field="new_code") if given else unit.code
    if name == unit.name and code == unit.code:
        raise DomainError(
            _(
                "没有需要修改的内容：单位名称未发生变更的，保留原9位组织机构代码也可以办理业务，无需申请（常见问题 一.6）。"
            ),
            field="new_name",
        )
    if len(name) < 2:
        raise DomainError(_("新单位名称：至少2个字。"), field="new_name")
    if code == unit.code:
        return name, code
    if len(unit.code) == 18 and len(code) == 9:
        raise DomainError(
            _("新单位代码：不能把18位统一社会信用代码改回9位组织机构代码。"), field="new_code"
        )
    if (other := unit_existing_for_code(code=code, exclude=unit)) is not None:
        raise UnitExists(
            f"新单位代码：{code} 已登记为“{other.name}”，不能再用于本单位。",
            unit=other,
            field="new_code",
        )
    return name, code
