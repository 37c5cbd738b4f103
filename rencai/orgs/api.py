"""Public unit registry API: search and lookup by code (no login needed)."""

from __future__ import annotations

from typing import Annotated

from ninja import Router, Schema
from pydantic import Field

from rencai.api.schemas import Error, Text
from rencai.orgs.models import Unit
from rencai.orgs.selectors import unit_choose, unit_former_names, unit_get_by_code, unit_search

router = Router(tags=["units 单位"])

# Query limits (a longer search text or reference is a 422 naming the parameter).
SearchText = Text(100, "搜索词", name="q")
UnitRefText = Text(40, "单位编号或代码", name="ref")
PageNumber = Annotated[int, Field(ge=1, le=10_000)]


class UnitOut(Schema):
    id: int
    code: str
    name: str
    district: str
    district_code: str
    nature: str
    nature_label: str
    level: str
    status: str
    former_names: list[str]


class UnitHit(UnitOut):
    tier: str
    matched_former_name: str


class UnitSearchOut(Schema):
    query: str
    page: int
    num_pages: int
    total: int
    truncated: bool
    message: str
    results: list[UnitHit]


def _unit_out(unit: Unit, former: list[str]) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "district": unit.district.name,
        "district_code": unit.district.code,
        "nature": unit.nature,
        "nature_label": str(unit.get_nature_display()),
        "level": unit.level,
        "status": unit.status,
        "former_names": former,
    }


@router.get("", response=UnitSearchOut, auth=None, summary="搜索单位 Search units")
def search_units(request, q: SearchText = "", page: PageNumber = 1):
    """Active units by name part (≥ 2 characters), former name, code (prefix) or pinyin
    initials; ranked, 20 per page."""
    result = unit_search(q=q, page=page)
    return {
        "query": result.query,
        "page": result.page,
        "num_pages": result.num_pages,
        "total": result.total,
        "truncated": result.truncated,
        "message": result.message,
        "results": [
            {
                **_unit_out(r.unit, r.former_names),
                "tier": r.tier,
                "matched_former_name": r.matched_former_name,
            }
            for r in result.results
        ],
    }


@router.get(
    "/by-code/{code}",
    response={200: UnitOut, 404: Error},
    auth=None,
    summary="按代码查单位 Unit by code",
)
def unit_by_code(request, code: str):
    """18-character USCC or 9-character organisation code (any case, dashes ignored)."""
    unit = unit_get_by_code(code=code)
    return _unit_out(unit, [f.name for f in unit_former_names(unit=unit)])


@router.get(
    "/resolve",
    response={200: UnitOut, 400: Error},
    auth=None,
    summary="校验单位引用 Resolve a picker reference",
)
def unit_resolve(request, ref: UnitRefText = ""):
    """What `UnitChoiceField` accepts: an id or a code of an active unit. A unit name is
    refused (400, code "unit_reference"); a cancelled unit too (400, "unit_inactive")."""
    unit = unit_choose(ref=ref)
    return _unit_out(unit, [f.name for f in unit_former_names(unit=unit)])
