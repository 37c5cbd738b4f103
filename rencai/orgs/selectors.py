"""Reads of the unit registry: the unit search used by the picker, the pages and the API.

`unit_search(q=..., page=...)` finds units by

- full code or code prefix (18-character USCC or 9-character organisation code;
  case-insensitive, spaces and dashes ignored; a 9-character code also finds the
  unit whose USCC contains it as characters 9–17),
- exact name, name prefix and any part of the name of 2 characters and more
  (Chinese substring), former names included,
- pinyin initials prefix (``gzsrsj`` → 广州市人社局…).

Ranking, in tiers: exact code, exact name (current or former), name prefix
(current, then former names), code prefix, pinyin-initials prefix, substring.
Within a tier: prefix tiers by the matched key then id, substring by id.

Scale (3 million units, ≤ 20 ms p95 on SQLite and PostgreSQL): every tier is one
index range scan that stops after `CANDIDATES_PER_TIER` (200) rows, so no query ever
sorts millions of rows. The trade-off: for a query that matches more than 200
units in a tier (e.g. "广州", a code prefix "91440101") only the first 200 of that
tier are reachable by paging — the page then says the result is truncated and
asks for a longer name or code. Substring matching uses the bigram text in
`Unit.search_grams` through SQLite FTS5 (phrase of bigrams) or PostgreSQL pg_trgm
(``LIKE '% 广州 州市 %'``): see rencai/orgs/names.py and migration 0003.
Only active units are returned; `unit_get` / `unit_get_by_code` also return
cancelled ones (for the public card).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection

from rencai.core.errors import NotFound
from rencai.orgs.models import Unit, UnitNameHistory
from rencai.orgs.names import normalize_name, query_grams
from rencai.orgs.validators import normalize_unit_code

PAGE_SIZE = 20
CANDIDATES_PER_TIER = 200
MAX_QUERY_CHARS = 60
_TOP = chr(0x10FFFF)  # above every character: prefix p matches p <= x < p + _TOP
_CODE_RE = re.compile(r"[0-9A-Z]{2,18}")
_INITIALS_RE = re.compile(r"[a-z][a-z0-9]{1,49}")
ACTIVE = Unit.Status.ACTIVE


class Tier:
    EXACT_CODE = "exact_code"
    EXACT_NAME = "exact_name"
    NAME_PREFIX = "name_prefix"
    CODE_PREFIX = "code_prefix"
    INITIALS = "initials"
    SUBSTRING = "substring"


@dataclass
class SearchResult:
    unit: Unit
    tier: str
    former_names: list[str] = field(default_factory=list)
    matched_former_name: str = ""


@dataclass
class SearchPage:
    query: str
    page: int
    results: list[SearchResult]
    total: int  # candidates found (at most the sum of the tier caps)
    truncated: bool  # a tier hit its cap: more units match than can be listed
    message: str = ""  # e.g. "请至少输入2个字"
    page_size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _prefix_ids(queryset, key: str, prefix: str, order_key: str | None = None) -> list[int]:
    order_key = order_key or key
    return list(
        queryset.filter(**{f"{key}__gte": prefix, f"{key}__lt": prefix + _TOP})
        .order_by(order_key, "id")
        .values_list("id", flat=True)[:CANDIDATES_PER_TIER]
    )


def _former_prefix_unit_ids(prefix: str) -> list[int]:
    return list(
        UnitNameHistory.objects.filter(
            name__gte=prefix, name__lt=prefix + _TOP, unit__status=ACTIVE
        )
        .order_by("name", "id")
        .values_list("unit_id", flat=True)[:CANDIDATES_PER_TIER]
    )


def _substring_ids(grams: list[str]) -> list[int]:
    """Ids of active units whose name or a former name contains the bigram phrase."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT orgs_unit_fts.rowid FROM orgs_unit_fts"
                " JOIN orgs_unit u ON u.id = orgs_unit_fts.rowid"
                " WHERE orgs_unit_fts MATCH %s AND u.status = %s"
                " ORDER BY orgs_unit_fts.rowid LIMIT %s",
                ['"' + " ".join(grams) + '"', ACTIVE, CANDIDATES_PER_TIER],
            )
        else:
            # Grams hold only letters and digits: nothing to escape for LIKE.
            cursor.execute(
                "SELECT id FROM orgs_unit WHERE search_grams LIKE %s AND status = %s"
                " ORDER BY id LIMIT %s",
                ["% " + " ".join(grams) + " %", ACTIVE, CANDIDATES_PER_TIER],
            )
        return [row[0] for row in cursor.fetchall()]


def _tiers(query: str) -> tuple[list[tuple[str, list[int]]], str]:
    """Candidate ids per tier, in rank order, and a message when the query is too short."""
    tiers: list[tuple[str, list[int]]] = []
    code = normalize_unit_code(query)
    code_like = bool(_CODE_RE.fullmatch(code)) and any(c.isdigit() for c in code)
    active = Unit.objects.filter(status=ACTIVE)
    if code_like and len(code) in (9, 18):
        ids = list(active.filter(code=code).values_list("id", flat=True))
        if len(code) == 9:
            ids += list(
                active.filter(org_code=code)
                .order_by("id")
                .values_list("id", flat=True)[:CANDIDATES_PER_TIER]
            )
        tiers.append((Tier.EXACT_CODE, ids))
    normalized = normalize_name(query)
    name_ok = len(normalized) >= 2
    if name_ok:
        exact = list(active.filter(name=query).order_by("id").values_list("id", flat=True)[:50])
        exact += list(
            UnitNameHistory.objects.filter(name=query, unit__status=ACTIVE)
            .order_by("unit_id")
            .values_list("unit_id", flat=True)[:50]
        )
        tiers.append((Tier.EXACT_NAME, exact))
        tiers.append(
            (
                Tier.NAME_PREFIX,
                _prefix_ids(active, "name", query) + _former_prefix_unit_ids(query),
            )
        )
    if code_like:
        tiers.append((Tier.CODE_PREFIX, _prefix_ids(active, "code", code)))
    initials = query.replace(" ", "").lower()
    if _INITIALS_RE.fullmatch(initials):
        tiers.append((Tier.INITIALS, _prefix_ids(active, "name_pinyin_initials", initials)))
    if name_ok:
        tiers.append((Tier.SUBSTRING, _substring_ids(query_grams(query))))
    message = ""
    if not name_ok and not code_like:
        message = "请至少输入2个字（或单位代码、拼音首字母）再搜索。"
    return tiers, message


def unit_search(*, q: str, page: int = 1) -> SearchPage:
    """One page (20) of active units matching `q`, ranked; see the module docstring."""
    query = " ".join((q or "").split())[:MAX_QUERY_CHARS]
    if not query:
        return SearchPage(query="", page=1, results=[], total=0, truncated=False)
    tiers, message = _tiers(query)
    ranked: list[tuple[int, str]] = []
    seen: set[int] = set()
    truncated = False
    for tier, ids in tiers:
        truncated = truncated or len(ids) >= CANDIDATES_PER_TIER
        for unit_id in ids:
            if unit_id not in seen:
                seen.add(unit_id)
                ranked.append((unit_id, tier))
    total = len(ranked)
    num_pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, int(page or 1)), num_pages)
    window = ranked[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    units = Unit.objects.select_related("district").in_bulk([unit_id for unit_id, _ in window])
    former: dict[int, list[str]] = {}
    for unit_id, name in (
        UnitNameHistory.objects.filter(unit_id__in=units.keys())
        .order_by("id")
        .values_list("unit_id", "name")
    ):
        former.setdefault(unit_id, []).append(name)
    results = []
    needle = normalize_name(query)
    for unit_id, tier in window:
        unit = units[unit_id]
        names = former.get(unit_id, [])
        matched = ""
        if needle and needle not in normalize_name(unit.name):
            matched = next((n for n in names if needle in normalize_name(n)), "")
        results.append(SearchResult(unit, tier, names, matched))
    return SearchPage(
        query=query, page=page, results=results, total=total, truncated=truncated, message=message
    )


def unit_get(*, unit_id: int) -> Unit:
    unit = Unit.objects.select_related("district", "supervisory_office").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("单位不存在。", field="unit")
    return unit


def unit_get_by_code(*, code: str) -> Unit:
    """Lookup by an 18- or 9-character code (normalized); a 9-character code also finds
    the unit whose USCC contains it. Raises NotFound."""
    normalized = normalize_unit_code(code)
    qs = Unit.objects.select_related("district", "supervisory_office")
    unit = qs.filter(code=normalized).first()
    if unit is None and len(normalized) == 9:
        unit = qs.filter(org_code=normalized).order_by("id").first()
    if unit is None:
        raise NotFound(f"单位代码：未找到“{normalized}”对应的单位。", field="code")
    return unit


def unit_former_names(*, unit: Unit) -> list[UnitNameHistory]:
    return list(unit.former_names.order_by("-valid_until", "-id"))


def unit_resolve_reference(value: str | int | None) -> Unit | None:
    """The unit a picker value refers to: a primary key (digits) or a unit code.
    Returns None when nothing matches; callers check `unit.is_active`."""
    text = str(value or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) < 9:
        return Unit.objects.select_related("district").filter(pk=int(text)).first()
    code = normalize_unit_code(text)
    if not _CODE_RE.fullmatch(code):
        return None
    unit = Unit.objects.select_related("district").filter(code=code).first()
    if unit is None and text.isdigit():
        return Unit.objects.select_related("district").filter(pk=int(text)).first()
    return unit


def unit_choose(*, ref: str | int | None) -> Unit:
    """The active unit a picker reference (id or code) names, or DomainError(field="unit").

    Shared by `UnitChoiceField` and the API, so a free-typed unit name is refused the
    same way everywhere."""
    from rencai.core.errors import DomainError

    unit = unit_resolve_reference(ref)
    if unit is None:
        raise DomainError(
            f"引进单位：请从搜索结果中选择单位，“{str(ref or '')[:60]}”不是已登记单位的编号或代码，"
            "不能手动填写单位名称。",
            field="unit",
            code="unit_reference",
        )
    if not unit.is_active:
        raise DomainError(
            f"引进单位：所选单位“{unit.name}”已注销，不能选择。", field="unit", code="unit_inactive"
        )
    return unit
