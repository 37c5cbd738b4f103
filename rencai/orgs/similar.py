"""Reads of the unit registry for a unit about to be added or recoded: the unit already
registered under a code, and units whose name resembles a new one ("是否是以下单位？")."""

from __future__ import annotations

import re

from django.db.models import Q

from rencai.orgs.models import Unit
from rencai.orgs.selectors import unit_search
from rencai.orgs.validators import normalize_unit_code, org_code_of

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
    for _ in range(3):
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
