"""Search correctness; runs on SQLite (FTS5 route) and PostgreSQL (pg_trgm route)."""

import pytest
from django.db import connection

from rencai.orgs import selectors
from rencai.orgs.models import Unit
from rencai.orgs.search_indexes import TRGM_BUCKET_INDEXES
from rencai.orgs.selectors import PAGE_SIZE, Tier, unit_get_by_code, unit_search
from rencai.orgs.services import unit_rename, unit_set_status

pytestmark = pytest.mark.django_db


def names(page):
    return [r.unit.name for r in page.results]


def test_two_character_substring(make_unit):
    make_unit("广州市天河区鑫华信息科技有限公司")
    make_unit("广州市越秀区东风贸易有限公司", district="越秀区")
    make_unit("华为技术有限公司")
    page = unit_search(q="鑫华")
    assert names(page) == ["广州市天河区鑫华信息科技有限公司"]
    assert page.results[0].tier == Tier.SUBSTRING
    assert set(names(unit_search(q="有限"))) == {
        "广州市天河区鑫华信息科技有限公司",
        "广州市越秀区东风贸易有限公司",
        "华为技术有限公司",
    }


def test_four_character_substring_is_contiguous(make_unit):
    make_unit("广州市天河区鑫华信息科技有限公司")
    make_unit("信息广州科技公司")  # has 信息 and 科技 but not 信息科技
    assert names(unit_search(q="信息科技")) == ["广州市天河区鑫华信息科技有限公司"]
    assert names(unit_search(q="鑫华信息科技")) == ["广州市天河区鑫华信息科技有限公司"]


def test_punctuation_and_width_are_ignored(make_unit):
    make_unit("华盛电子（广州）有限公司")
    assert names(unit_search(q="电子(广州)")) == ["华盛电子（广州）有限公司"]
    assert names(unit_search(q="子广")) == ["华盛电子（广州）有限公司"]


def test_one_character_asks_for_more(make_unit):
    make_unit("广州市天河区鑫华信息科技有限公司")
    page = unit_search(q="鑫")
    assert page.results == [] and "至少输入2个字" in page.message
    assert unit_search(q="   ").results == []


def test_pinyin_initials(make_unit):
    make_unit("广州市人力资源和社会保障局", nature=Unit.Nature.ORGAN)
    make_unit("中国银行广州分行", nature=Unit.Nature.CITY_SOE, level=Unit.Level.CITY)
    assert names(unit_search(q="gzsrlzy")) == ["广州市人力资源和社会保障局"]
    assert names(unit_search(q="GZS")) == ["广州市人力资源和社会保障局"]
    assert names(unit_search(q="zgyh")) == ["中国银行广州分行"]  # 银行 → yh (phrase-aware)
    assert unit_search(q="zgyh").results[0].tier == Tier.INITIALS


def test_code_exact_and_prefix_case_and_separators(make_unit):
    a = make_unit("广州甲公司")
    b = make_unit("广州乙公司")
    page = unit_search(q=a.code.lower())
    assert page.results[0].unit == a and page.results[0].tier == Tier.EXACT_CODE
    spaced = f"{a.code[:4]} {a.code[4:10]}-{a.code[10:]}"
    assert unit_search(q=spaced).results[0].unit == a
    prefix = unit_search(q=a.code[:8].lower())  # both share 91440106
    assert {r.unit for r in prefix.results} == {a, b}
    assert all(r.tier == Tier.CODE_PREFIX for r in prefix.results)
    differ = next(i for i in range(18) if a.code[i] != b.code[i])
    assert [r.unit for r in unit_search(q=a.code[: differ + 1]).results] == [a]


def test_legacy_org_code_finds_the_uscc_unit(make_unit):
    unit = make_unit("广州丙公司")
    org_code = unit.code[8:17]
    page = unit_search(q=f"{org_code[:8]}-{org_code[8]}")
    assert page.results[0].unit == unit and page.results[0].tier == Tier.EXACT_CODE
    assert unit_get_by_code(code=org_code) == unit


def test_renamed_unit_found_by_old_and_new_name_once(make_unit):
    unit = make_unit("广州市羊城旧名贸易有限公司")
    unit_rename(unit=unit, new_name="广州市花城新名科技有限公司")
    for q in ["羊城旧名", "花城新名", "广州市羊城旧名贸易有限公司", "广州市花城新名科技有限公司"]:
        page = unit_search(q=q)
        assert [r.unit.pk for r in page.results] == [unit.pk], q
    hit = unit_search(q="羊城旧名").results[0]
    assert hit.unit.name == "广州市花城新名科技有限公司"
    assert hit.matched_former_name == "广州市羊城旧名贸易有限公司"
    assert unit_search(q="广州市羊城旧名贸易有限公司").results[0].tier == Tier.EXACT_NAME
    assert Unit.objects.count() == 1


def test_imported_former_names_are_searchable(make_unit):
    unit = make_unit("广州新星科技有限公司", former=["广州老星电子有限公司"])
    assert unit_search(q="老星").results[0].unit == unit
    assert unit_search(q="广州老星").results[0].tier == Tier.NAME_PREFIX


def test_ranking_exact_code_exact_name_prefix_substring(make_unit):
    substring = make_unit("白云广州天河科技有限公司")
    prefix = make_unit("广州天河科技有限公司分公司")
    exact = make_unit("广州天河科技有限公司")
    page = unit_search(q="广州天河科技有限公司")
    assert [r.unit for r in page.results] == [exact, prefix, substring]
    assert [r.tier for r in page.results] == [Tier.EXACT_NAME, Tier.NAME_PREFIX, Tier.SUBSTRING]
    by_code = unit_search(q=substring.code)
    assert by_code.results[0].unit == substring


def test_same_name_in_two_districts_told_apart(make_unit, client):
    a = make_unit("广州市同名餐饮管理有限公司", district="天河区")
    b = make_unit("广州市同名餐饮管理有限公司", district="番禺区", nature=Unit.Nature.DISTRICT_SOE)
    page = unit_search(q="同名餐饮")
    assert {(r.unit.district.name, r.unit.get_nature_display()) for r in page.results} == {
        ("天河区", "民营企业"),
        ("番禺区", "区属国有企业"),
    }
    html = client.get("/units/", {"q": "同名餐饮"}).content.decode()
    assert "天河区" in html and "番禺区" in html and a.code in html and b.code in html


def test_paging_twenty_per_page(make_unit):
    for i in range(45):
        make_unit(f"广州分页测试{i:02d}号有限公司")
    first = unit_search(q="分页测试")
    assert len(first.results) == PAGE_SIZE and first.total == 45 and first.num_pages == 3
    assert first.has_next and not first.has_previous
    third = unit_search(q="分页测试", page=3)
    assert len(third.results) == 5 and not third.has_next
    all_ids = [r.unit.pk for p in (1, 2, 3) for r in unit_search(q="分页测试", page=p).results]
    assert len(set(all_ids)) == 45
    assert unit_search(q="分页测试", page=99).page == 3


def test_candidate_cap_truncates(make_unit, monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATES_PER_TIER", 5)
    for i in range(8):
        make_unit(f"截断测试{i}有限公司")
    page = unit_search(q="断测")
    assert page.truncated and page.total == 5


def test_cancelled_units_are_not_listed(make_unit):
    unit = make_unit("广州已注销贸易有限公司")
    unit_set_status(unit=unit, status=Unit.Status.CANCELLED)
    assert unit_search(q="已注销").results == []
    assert unit_search(q=unit.code).results == []


def test_rare_cjk_extension_characters(make_unit):
    make_unit("广州𠀾𡈼科技有限公司")
    assert names(unit_search(q="𠀾𡈼")) == ["广州𠀾𡈼科技有限公司"]


# --- PostgreSQL routes chosen from bigram statistics ------------------------------------
ROUTE_NAMES = [
    "广州市天河区鑫华信息科技有限公司",
    "广州市越秀区东风贸易有限公司",
    "广州华资有限责任公司",
    "信息广州科技公司",  # has 信息 and 科技 but not 信息科技
    "广州有限",  # 有限 at the end: no 有限公
]


@pytest.mark.parametrize(
    "stats",
    [
        {},  # a fresh database: no statistics, every needle goes to the indexes
        # 有限/限公/广州/州市 common: dense 2-character scan, trigram pruning, budgeted scans
        {"有限": 0.77, "限公": 0.7, "广州": 1.0, "州市": 0.64, "公司": 0.77, "限责": 0.07},
    ],
    ids=["no-statistics", "common-bigrams"],
)
@pytest.mark.parametrize(
    "query,expected",
    [
        ("有限", {0, 1, 2, 4}),
        ("有限公司", {0, 1}),
        ("资有限责", {2}),
        ("华资有限公", set()),
        ("信息科技", {0}),
        ("广州市天", {0}),
        ("州有限", {4}),
    ],
)
def test_substring_routes_agree(make_unit, monkeypatch, stats, query, expected):
    """Whichever route serves a needle (index, pruned trigrams, dense scan), the hits
    are exactly the units whose names contain it."""
    monkeypatch.setattr(selectors, "_pg_bigram_freqs", lambda: stats)
    for index, name in enumerate(ROUTE_NAMES):
        make_unit(name, district=["天河区", "越秀区", "海珠区", "荔湾区", "白云区"][index])
    found = {r.unit.name for r in unit_search(q=query).results}
    assert found == {ROUTE_NAMES[i] for i in expected}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_bigram_statistics_read_after_analyze(make_unit, monkeypatch):
    for i in range(30):
        make_unit(f"统计测试{i}有限公司")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orgs_unit")
    monkeypatch.setattr(selectors, "_bigram_stats", (float("-inf"), {}))
    freqs = selectors._pg_bigram_freqs()
    assert freqs.get("有限") == pytest.approx(1.0)
    part = selectors._pg_substring_part("有限", 200)
    assert part.sql == selectors._SQL_SUBSTRING_PG_DENSE and part.params[0] == "有限"


def test_budgeted_scan_answers_without_the_index_when_it_finds_enough(make_unit, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    stats = {"有限": 0.77, "限公": 0.7, "公司": 0.77}
    monkeypatch.setattr(selectors, "_pg_bigram_freqs", lambda: stats)
    monkeypatch.setattr(selectors, "CANDIDATES_PER_TIER", 2)
    for i in range(4):
        make_unit(f"预算测试{i}有限公司")
    with CaptureQueriesContext(connection) as queries:
        page = unit_search(q="有限公司")
    assert page.truncated and page.total == 2
    if connection.vendor == "postgresql":  # one budgeted scan, no index fallback
        assert not any("LIKE" in q["sql"] for q in queries.captured_queries)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_trigram_buckets_use_their_partial_indexes(make_unit):
    """Each arm of a trigram query matches one partial index's predicate (id % 8 = k)."""
    make_unit("广州市天河区鑫华信息科技有限公司")
    part = selectors._trigram_buckets("search_text LIKE %s", ["%鑫华信%"], 200)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + part.sql, part.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(part.sql, part.params)
        assert len(cursor.fetchall()) == 1
    for name in TRGM_BUCKET_INDEXES:
        assert name in plan
