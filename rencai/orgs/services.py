"""Writes to the unit registry. Every write recomputes the search keys.

There is no free-text unit creation in the pages: units come from the registry
import (`rencai import-units`) and, later, from approved change requests
(新增/修改单位信息), which call `unit_create` / `unit_rename` here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.audit.services import audit_record
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError
from rencai.orgs.models import District, Office, Unit, UnitNameHistory
from rencai.orgs.names import name_grams, names_text, pinyin_initials
from rencai.orgs.validators import org_code_of, validate_unit_code


def unit_search_keys(*, name: str, code: str, former_names: Iterable[str] = ()) -> dict:
    """The derived search columns (the same values `Unit.save()` computes), for bulk
    writers that bypass save()."""
    former_names = list(former_names)
    """The derived columns of a unit (set them on every write of name/code/former names)."""
    return {
        "name_pinyin_initials": pinyin_initials(name),
        "search_grams": name_grams([name, *former_names]),
        "search_text": names_text([name, *former_names]),
        "org_code": org_code_of(code),
    }


def unit_check_supervision(*, level: str, supervisory_office: Office | None) -> None:
    if supervisory_office is not None and supervisory_office.kind != Office.Kind.SUPERVISORY:
        raise DomainError(
            gettext_lazy("主管部门：只能选择市直主管部门（人事户头）。"), field="supervisory_office"
        )
    if level == Unit.Level.CITY and supervisory_office is None:
        raise DomainError(
            gettext_lazy("主管部门：市属单位必须填写主管部门。"), field="supervisory_office"
        )


@transaction.atomic
def unit_create(
    *,
    name: str,
    code: str,
    nature: str,
    level: str,
    district: District,
    supervisory_office: Office | None = None,
    phone: str = "",
    address: str = "",
    former_names: Iterable[str] = (),
    actor=None,
    request=None,
) -> Unit:
    try:
        code = validate_unit_code(code)
    except ValidationError as exc:
        raise DomainError(
            format_lazy(gettext_lazy("单位代码：{messages}"), messages=exc.messages[0]),
            field="code",
        ) from None
    name = " ".join((name or "").split())
    if len(name) < 2:
        raise DomainError(gettext_lazy("单位名称：至少2个字。"), field="name")
    if Unit.objects.filter(code=code).exists():
        raise Conflict(
            format_lazy(gettext_lazy("单位代码：{code} 已登记。"), code=code), field="code"
        )
    unit_check_supervision(level=level, supervisory_office=supervisory_office)
    former = [n.strip() for n in former_names if n.strip() and n.strip() != name]
    unit = Unit(
        name=name,
        code=code,
        nature=nature,
        level=level,
        district=district,
        supervisory_office=supervisory_office,
        phone=phone,
        address=address,
    )
    unit.full_clean()
    unit.save()
    if former:
        UnitNameHistory.objects.bulk_create(UnitNameHistory(unit=unit, name=n) for n in former)
        unit.save()  # search keys now include the former names
    audit_record(event="unit.create", actor=actor, request=request, obj=unit, detail=code)
    return unit


@transaction.atomic
def unit_rename(
    *, unit: Unit, new_name: str, valid_until: date | None = None, actor=None, request=None
) -> Unit:
    """Rename a unit: one identity, the old name kept in history and still searchable."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_name = " ".join((new_name or "").split())
    if len(new_name) < 2:
        raise DomainError(gettext_lazy("单位名称：至少2个字。"), field="name")
    if new_name == unit.name:
        raise DomainError(gettext_lazy("单位名称：新名称与现名称相同。"), field="name")
    UnitNameHistory.objects.create(
        unit=unit, name=unit.name, valid_until=valid_until or clock.today()
    )
    UnitNameHistory.objects.filter(unit=unit, name=new_name).delete()
    old = unit.name
    unit.name = new_name
    unit_refresh_search_keys(unit=unit)
    audit_record(
        event="unit.rename", actor=actor, request=request, obj=unit, detail=f"{old} → {new_name}"
    )
    return unit


@transaction.atomic
def unit_change_identity(
    *, unit: Unit, name: str, code: str, expected: dict, actor=None, request=None
) -> Unit:
    """An approved 修改单位信息: the new code and/or name (FAQ 一.6), on the unit as the request
    saw it (`expected`: its name and code then); changed since → Conflict, nothing written."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.name != expected.get("name") or unit.code != expected.get("code"):
        raise Conflict(
            gettext_lazy("单位信息在申请提交后已被修改，请退回本申请，由申请人按最新信息重新申请。")
        )
    if code != unit.code:
        unit_change_code(unit=unit, code=code, actor=actor, request=request)
    if name != unit.name:
        unit = unit_rename(unit=unit, new_name=name, actor=actor, request=request)
    return unit


def unit_refresh_search_keys(*, unit: Unit) -> None:
    unit.save()  # Unit.save() recomputes the search keys from name, code and history


@transaction.atomic
def unit_set_status(*, unit: Unit, status: str, actor=None, request=None) -> Unit:
    unit.status = status
    unit.save(update_fields=["status", "updated_at"])
    audit_record(event="unit.status", actor=actor, request=request, obj=unit, detail=status)
    return unit


def unit_change_code(*, unit: Unit, code: str, actor=None, request=None) -> None:
    """Replace a unit's code (9 → 18 characters, FAQ 一.6); the unit keeps its identity."""
    if Unit.objects.filter(code=code).exclude(pk=unit.pk).exists():
        raise Conflict(
            format_lazy(
                gettext_lazy("单位代码：{code} 已登记为其他单位，不能再用于本单位。"), code=code
            ),
            field="code",
        )
    old = unit.code
    unit.code = code
    unit_refresh_search_keys(unit=unit)
    audit_record(
        event="unit.code", actor=actor, request=request, obj=unit, detail=f"{old} → {code}"
    )


@transaction.atomic
def unit_set_contact(*, unit: Unit, phone: str = "", nature: str = "", actor=None, request=None):
    """The unit's phone and/or nature (修改单位电话/单位性质); empty: unchanged."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {"phone": unit.phone, "nature": unit.nature}
    changed = {name: value for name, value in (("phone", phone), ("nature", nature)) if value}
    for name, value in changed.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save(update_fields=[*changed, "updated_at"])
    audit_record(
        event="unit.contact", actor=actor, request=request, obj=unit,
        detail=f"{before} → phone={phone} nature={nature}",
    )  # fmt: skip
    return unit
