"""Reads of the unit registry: the unit search used by the picker, the pages and the API.

`unit_search(q=..., page=...)` finds units by

- full code or code prefix (18-character USCC or 9-character organisation code;
  case-insensitive, spaces and dashes ignored; a 9-character code also finds the
  unit whose USCC contains it as characters 9–17),
- exact name, name prefix and any part of the name of 2 characters and more
  (Chinese substring), former names included,
- pinyin initials prefix (``gzsrsj`` → 广州市人社局…).

Ranking, in tiers: exact code, exact name (current or former), name prefix
(current and former names), code prefix, pinyin-initials prefix, substring.
Within a tier: prefix tiers by the matched key then id, substring by id. The
substring candidates are the 200 lowest ids on SQLite (FTS5 walks its index in
rowid order) and the first 200 in heap order on PostgreSQL (no sort of all matches;
for a bulk-loaded table that is also the lowest ids, after updates it may differ).

Scale (3 million units, ≤ 20 ms p95 on SQLite and PostgreSQL): every tier is one
index range scan that stops after `CANDIDATES_PER_TIER` (200) rows, so no query ever
sorts millions of rows. The trade-off: for a query that matches more than 200
units in a tier (e.g. "广州", a code prefix "91440101") only the first 200 of that
tier are reachable by paging — the page then says the result is truncated and
asks for a longer name or code. Substring matching uses the bigram text in
`Unit.search_grams` through SQLite FTS5 (phrase of bigrams), and on PostgreSQL
a GIN index on the bigram array for 2 characters and a pg_trgm GIN index
(``search_text LIKE '%广州市天%'``) for more: see rencai/orgs/names.py and
migration 0003.
Only active units are returned; `unit_get` / `unit_get_by_code` also return
cancelled ones (for the public card).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from django.db import connection
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.core.errors import NotFound
from rencai.orgs.models import Unit, UnitNameHistory
from rencai.orgs.names import bigrams, normalize_name
from rencai.orgs.search_indexes import TRGM_BUCKETS
from rencai.orgs.validators import normalize_unit_code, unit_code_like

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


# Tier queries are plain SQL sent as one UNION ALL statement: one round trip instead
# of up to nine, and no ORM compile cost (~0.5 ms per query) inside the 20 ms budget.
# Each part selects (sort key k, unit id); all values are parameters. Prefix parts
# order by the key alone so that the B-tree index delivers the order and the scan
# stops after 200 rows ("ORDER BY name, id" made PostgreSQL fetch and sort all 8,000
# names starting with 广州市华); ties are broken by id after the fetch.
_TIER_ORDER = [
    Tier.EXACT_CODE,
    Tier.EXACT_NAME,
    Tier.NAME_PREFIX,
    Tier.CODE_PREFIX,
    Tier.INITIALS,
    Tier.SUBSTRING,
]
_SQL_EXACT_CODE = "SELECT '0' AS k, id FROM orgs_unit WHERE code = %s AND status = %s"
_SQL_ORG_CODE = (
    "SELECT '1' AS k, id FROM orgs_unit WHERE org_code = %s AND status = %s ORDER BY id LIMIT %s"
)
_SQL_EXACT_NAME = (
    "SELECT '0' AS k, id FROM orgs_unit WHERE name = %s AND status = %s ORDER BY id LIMIT %s"
)
_SQL_FORMER_EXACT = (
    "SELECT '1' AS k, h.unit_id AS id FROM orgs_unitnamehistory h"
    " JOIN orgs_unit u ON u.id = h.unit_id"
    " WHERE h.name = %s AND u.status = %s ORDER BY h.unit_id LIMIT %s"
)
_SQL_PREFIX = {
    key: f"SELECT {key} AS k, id FROM orgs_unit"  # noqa: S608 - constant column names
    f" WHERE {key} >= %s AND {key} < %s AND status = %s ORDER BY {key} LIMIT %s"
    for key in ("name", "code", "name_pinyin_initials")
}
_SQL_FORMER_PREFIX = (
    "SELECT h.name AS k, h.unit_id AS id FROM orgs_unitnamehistory h"
    " JOIN orgs_unit u ON u.id = h.unit_id"
    " WHERE h.name >= %s AND h.name < %s AND u.status = %s ORDER BY h.name LIMIT %s"
)
_SQL_SUBSTRING_SQLITE = (
    "SELECT '' AS k, orgs_unit_fts.rowid AS id FROM orgs_unit_fts"
    " JOIN orgs_unit u ON u.id = orgs_unit_fts.rowid"
    " WHERE orgs_unit_fts MATCH %s AND u.status = %s"
    " ORDER BY orgs_unit_fts.rowid LIMIT %s"
)
# PostgreSQL substring routes. None has an ORDER BY: a GIN bitmap scan cannot return
# rows in id order, so "ORDER BY id LIMIT 200" would fetch and sort every match (30,000
# heap pages for a bigram in 1 % of 3M names: 400 ms). Without it a scan stops after
# 200 rows; the candidates are the first 200 in heap order (= id order for a
# bulk-loaded table) and are then ordered by id like on SQLite. Which route serves a
# needle is chosen from how common its bigrams are (`_pg_substring_part`).
# A rare bigram in the needle: its short posting list in the bigram-array GIN index (two
# such bigrams: both lists intersected), the exact test after.
_SQL_SUBSTRING_PG_RARE = (
    "SELECT '' AS k, id FROM orgs_unit"
    " WHERE string_to_array(btrim(search_grams), ' ') @> %s::text[]"
    " AND strpos(search_text, %s) > 0 AND status = %s LIMIT %s"
)
# A dense needle (有限, 有限公司): a sequential scan with the cheapest exact test meets
# 200 hits within a few thousand rows (5 ms), where a bitmap of its 50,000+ index
# entries takes 17 ms and the array expression evaluated row by row 20 ms.
_SQL_SUBSTRING_PG_DENSE = (
    "SELECT '' AS k, id FROM orgs_unit WHERE strpos(search_text, %s) > 0 AND status = %s LIMIT %s"
)
# The same scan with a row budget, for needles that are probably dense: it reads at most
# that many rows (in heap order, like the other routes); fewer than 200 hits within the
# budget and the exact index route runs after it (`Part.fallback`).
_SQL_SUBSTRING_PG_BUDGET = (
    "SELECT '' AS k, id FROM (SELECT id, search_text, status FROM orgs_unit LIMIT %s) b"
    " WHERE strpos(search_text, %s) > 0 AND status = %s LIMIT %s"
)

#: Routing thresholds (shares of all units). A bigram in at least DENSE_BIGRAM of the
#: names is scanned for (a 200-hit scan reads at most ~20,000 rows), a rarer one is
#: read from the index (at most ~30,000 entries): the two costs cross near 1 %.
#: Needles of 3+ characters estimated in DENSE_TRIGRAM of the names or more (a common
#: phrase: 智能科技有, 投资有限) are scanned for with a budget of BUDGET_ROWS rows (~10 ms),
#: which usually meets 200 hits, where collecting 30,000+ index entries into a bitmap
#: costs 15–30 ms. All trigrams in FREQUENT_TRIGRAM or more: scan up to BUDGET_MAX_ROWS.
DENSE_BIGRAM = 0.01
DENSE_TRIGRAM = 0.01
FREQUENT_TRIGRAM = 0.05
BUDGET_ROWS = 25_000
MAX_INDEX_TRIGRAMS = 2
BUDGET_MAX_ROWS = 150_000
_BIGRAM_STATS_TTL = 600.0  # seconds; ANALYZE (autovacuum) refreshes the statistics
_bigram_stats: tuple[float, dict[str, float]] = (float("-inf"), {})


@dataclass(frozen=True)
class Part:
    """One arm of the search UNION; `fallback` answers exactly when the arm, a budgeted
    scan, found fewer than CANDIDATES_PER_TIER rows."""

    sql: str
    params: list
    fallback: tuple[str, list] | None = None


def _pg_bigram_freqs() -> dict[str, float]:
    """Share of units containing each common bigram: the most-common-elements statistics
    that ANALYZE keeps for the bigram-array index (about 700 bigrams at the default
    statistics target; a bigram not listed is rarer than all of them, 0.08 % of 3M
    names). No statistics yet (a new database): every needle counts as rare and goes to
    the indexes. Cached per process for ten minutes."""
    global _bigram_stats
    loaded_at, freqs = _bigram_stats
    if time.monotonic() - loaded_at < _BIGRAM_STATS_TTL:
        return freqs
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s",
            ["orgs_unit_search_grams_arr"],
        )
        row = cursor.fetchone()
    freqs = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _bigram_stats = (time.monotonic(), freqs)
    return freqs


def _trigram_buckets(where: str, params: list, limit: int) -> Part:
    """`where` asked of the trigram index bucket by bucket (partial GIN indexes on
    id % TRGM_BUCKETS, rencai/orgs/search_indexes.py) under one LIMIT: PostgreSQL runs
    the arms in order and stops once it has `limit` rows, so a common trigram's bitmap
    is built for the buckets needed, not for the whole table. Candidates come bucket by
    bucket, in heap order within one: the same for every call (stable paging). The
    bucket numbers are written into the SQL so that the planner matches each partial
    index's predicate."""
    arms = " UNION ALL ".join(
        f"(SELECT id FROM orgs_unit WHERE {where} AND status = %s"  # noqa: S608 - constants
        f" AND id %% {TRGM_BUCKETS} = {k})"  # %% : a literal % beside the parameters
        for k in range(TRGM_BUCKETS)
    )
    sql = f"SELECT '' AS k, id FROM ({arms}) t LIMIT %s"  # noqa: S608 - constant parts
    return Part(sql, [*params, ACTIVE] * TRGM_BUCKETS + [limit])


def _budgeted(needle: str, rows: int, exact: Part) -> Part:
    params = [rows, needle, ACTIVE, CANDIDATES_PER_TIER]
    return Part(_SQL_SUBSTRING_PG_BUDGET, params, (exact.sql, exact.params))


def _pg_substring_part(needle: str, limit: int) -> Part:
    """The cheapest PostgreSQL route for `needle`, from how common its bigrams are.

    A GIN search collects the posting lists of all the pattern's trigrams into a bitmap
    (0.2–0.4 µs per entry): a trigram in 4 % of 3M names costs 30 ms while the exact
    filter on the rows of a rarer one excludes as much. So the index gets only the
    rarest trigram and those at most twice as common; the exact substring test is a
    filter. A trigram is at most as frequent as its rarer bigram, which ANALYZE's
    statistics know (on the synthetic 3M data the estimate is within 2 % of the count).
    """
    freqs = _pg_bigram_freqs()
    if len(needle) == 2 and freqs.get(needle, 0.0) >= DENSE_BIGRAM:
        return Part(_SQL_SUBSTRING_PG_DENSE, [needle, ACTIVE, limit])
    rare_bigrams = [b for b in bigrams(needle) if b not in freqs]
    if rare_bigrams:
        # A bigram rarer than every listed one (< 0.1 % of names): its posting list in the
        # bigram-array index (the first and the last such, intersected) is short — one
        # lookup, where the trigram buckets would cost eight plans.
        pair = sorted({rare_bigrams[0], rare_bigrams[-1]})
        return Part(_SQL_SUBSTRING_PG_RARE, [pair, needle, ACTIVE, limit])
    if len(needle) == 2:  # listed, but in fewer than DENSE_BIGRAM of the names
        return Part(_SQL_SUBSTRING_PG_RARE, [[needle], needle, ACTIVE, limit])
    # Every bigram is listed: estimate each trigram's and the needle's share from them.
    share = {
        t: min(freqs[t[:2]], freqs[t[1:]])
        for t in (needle[i : i + 3] for i in range(len(needle) - 2))
    }
    rarest = min(share.values())
    plain = _trigram_buckets("search_text LIKE %s", [f"%{needle}%"], limit)
    if rarest >= FREQUENT_TRIGRAM:  # every trigram common: a dense needle, most likely
        return _budgeted(needle, BUDGET_MAX_ROWS, plain)
    # Markov estimate of the needle's own share: P(abcd) ≈ P(abc) · P(bcd) / P(bc).
    density = share[needle[:3]]
    for i in range(1, len(needle) - 2):
        density = density * share[needle[i : i + 3]] / freqs[needle[i : i + 2]]
    # The rarest trigrams (each is one lookup per bucket), at most MAX_INDEX_TRIGRAMS.
    candidates = [t for t, f in share.items() if f <= 2 * rarest]
    keep = sorted(candidates, key=share.get)[:MAX_INDEX_TRIGRAMS]
    if len(keep) == len(share):
        exact = plain
    else:
        # Only these trigrams go to the index; the exact test is a filter it cannot take.
        likes = " AND ".join(["search_text LIKE %s"] * len(keep))
        where = f"{likes} AND strpos(search_text, %s) > 0"
        exact = _trigram_buckets(where, [f"%{t}%" for t in keep] + [needle], limit)
    return _budgeted(needle, BUDGET_ROWS, exact) if density >= DENSE_TRIGRAM else exact


def _substring_part(needle: str) -> Part:
    """Active units whose name or a former name contains `needle` (normalized, 2+
    characters; only letters and digits, so nothing to escape for LIKE or FTS5)."""
    limit = CANDIDATES_PER_TIER
    if connection.vendor == "sqlite":
        return Part(_SQL_SUBSTRING_SQLITE, ['"' + " ".join(bigrams(needle)) + '"', ACTIVE, limit])
    return _pg_substring_part(needle, limit)


def _tiers(query: str) -> tuple[list[tuple[int, str]], bool, str]:
    """Ranked (unit id, tier) candidates, whether a tier hit its cap, and a message
    when the query is too short."""
    code = normalize_unit_code(query)
    code_like = bool(unit_code_like(code))
    normalized = normalize_name(query)
    name_ok = len(normalized) >= 2
    initials = query.replace(" ", "").lower()
    cap = CANDIDATES_PER_TIER
    parts: list[tuple[str, str, list]] = []  # (tier, sql, params)
    if code_like and len(code) in (9, 18):
        parts.append((Tier.EXACT_CODE, _SQL_EXACT_CODE, [code, ACTIVE]))
        if len(code) == 9:
            parts.append((Tier.EXACT_CODE, _SQL_ORG_CODE, [code, ACTIVE, cap]))
    if name_ok:
        parts.append((Tier.EXACT_NAME, _SQL_EXACT_NAME, [query, ACTIVE, 50]))
        parts.append((Tier.EXACT_NAME, _SQL_FORMER_EXACT, [query, ACTIVE, 50]))
        parts.append((Tier.NAME_PREFIX, _SQL_PREFIX["name"], [query, query + _TOP, ACTIVE, cap]))
        parts.append((Tier.NAME_PREFIX, _SQL_FORMER_PREFIX, [query, query + _TOP, ACTIVE, cap]))
    if code_like:
        parts.append((Tier.CODE_PREFIX, _SQL_PREFIX["code"], [code, code + _TOP, ACTIVE, cap]))
    if _INITIALS_RE.fullmatch(initials):
        key = "name_pinyin_initials"
        parts.append((Tier.INITIALS, _SQL_PREFIX[key], [initials, initials + _TOP, ACTIVE, cap]))
    fallback = None
    # A run of 6+ letters and digits with a digit is a code (or its start), not a word of
    # a name: the code tiers answer it, and no name index is asked for what it cannot hold.
    if name_ok and not (code_like and len(code) >= 6):
        substring = _substring_part(normalized)
        parts.append((Tier.SUBSTRING, substring.sql, substring.params))
        fallback = substring.fallback
    message = ""
    if not name_ok and not code_like:
        message = "请至少输入2个字（或单位代码、拼音首字母）再搜索。"
    if not parts:
        return [], False, message
    sql = " UNION ALL ".join(
        f"SELECT {n} AS p, k, id FROM ({part_sql}) s{n}"  # noqa: S608 - constant parts
        for n, (_tier, part_sql, _params) in enumerate(parts)
    )
    # (PostgreSQL connections run without parallel workers: see DATABASES in settings.)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _t, _s, params in parts for value in params])
        rows = cursor.fetchall()
        counts = [0] * len(parts)
        for p, _k, _id in rows:
            counts[p] += 1
        if fallback and counts[-1] < cap:  # the budgeted scan was not enough: ask the index
            last = len(parts) - 1
            cursor.execute(fallback[0], fallback[1])
            exact = [(last, k, unit_id) for k, unit_id in cursor.fetchall()]
            rows = [row for row in rows if row[0] != last] + exact
            counts[last] = len(exact)
    truncated = any(count >= cap for count in counts)
    rank = {tier: i for i, tier in enumerate(_TIER_ORDER)}
    rows.sort(key=lambda r: (rank[parts[r[0]][0]], r[1] or "", r[2]))
    ranked: list[tuple[int, str]] = []
    seen: set[int] = set()
    for p, _k, unit_id in rows:
        if unit_id not in seen:
            seen.add(unit_id)
            ranked.append((unit_id, parts[p][0]))
    return ranked, truncated, message


def unit_search(*, q: str, page: int = 1) -> SearchPage:
    """One page (20) of active units matching `q`, ranked; see the module docstring."""
    query = " ".join((q or "").split())[:MAX_QUERY_CHARS]
    if not query:
        return SearchPage(query="", page=1, results=[], total=0, truncated=False)
    ranked, truncated, message = _tiers(query)
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
        raise NotFound(gettext_lazy("单位不存在。"), field="unit")
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
        raise NotFound(
            format_lazy(
                gettext_lazy("单位代码：未找到“{normalized}”对应的单位。"), normalized=normalized
            ),
            field="code",
        )
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
            format_lazy(
                gettext_lazy(
                    "引进单位：请从搜索结果中选择单位，“{value}”不是已登记单位的编号或代码，不能手动填写单位名称。"
                ),
                value=str(ref or "")[:60],
            ),
            field="unit",
            code="unit_reference",
        )
    if not unit.is_active:
        raise DomainError(
            format_lazy(
                gettext_lazy("引进单位：所选单位“{name}”已注销，不能选择。"), name=unit.name
            ),
            field="unit",
            code="unit_inactive",
        )
    return unit
