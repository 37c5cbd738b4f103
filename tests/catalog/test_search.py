import pytest
from django.urls import reverse

from rencai.catalog.reference import catalog_load
from rencai.catalog.selectors import SEARCH_LIMIT, institution_search, major_search


@pytest.fixture
def catalog(db):
    catalog_load()


def test_institution_search_by_two_chinese_characters(catalog, client):
    response = client.get(reverse("catalog:institution_search"), {"q": "清华"})
    assert response.status_code == 200
    data = response.json()
    assert data["results"][0]["name"] == "清华大学"
    assert data["message"] == ""


def test_institution_search_exact_and_prefix_first_and_limited(catalog):
    results = institution_search(q="中山大学")
    assert results[0].name == "中山大学"
    assert len(institution_search(q="大学")) == SEARCH_LIMIT


def test_institution_search_by_former_name(catalog):
    from rencai.catalog.models import Institution

    Institution.objects.filter(moe_code="4111010004").update(
        name="某新名大学", former_names="北京交通大学"
    )
    found = institution_search(q="北京交通大学")
    assert "4111010004" in [i.moe_code for i in found]
    assert all("北京交通大学" in i.name or "北京交通大学" in i.former_names for i in found)


def test_search_too_short_and_no_results_messages(catalog, client):
    url = reverse("catalog:institution_search")
    short = client.get(url, {"q": "清"}).json()
    assert short["results"] == [] and "至少输入2个字" in short["message"]
    none = client.get(url, {"q": "霍格沃茨"}).json()
    assert none["results"] == [] and "没有找到" in none["message"]


def test_institution_search_html_fragment_for_htmx(catalog, client):
    response = client.get(
        reverse("catalog:institution_search"), {"q": "华南理工"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "华南理工大学" in body and 'role="option"' in body
    empty = client.get(reverse("catalog:institution_search"), {"q": "霍格沃茨", "format": "html"})
    assert "没有找到" in empty.content.decode()


def test_major_search_by_name_and_code(catalog, client):
    by_name = client.get(reverse("catalog:major_search"), {"q": "计算机"}).json()["results"]
    assert by_name[0]["name"].startswith("计算机")
    assert {"080901", "510201"} <= {m["code"] for m in by_name}
    by_code = major_search(q="0809")
    assert by_code and all(m.category_code == "0809" for m in by_code)
    assert [m.code for m in major_search(q="080904K")] == ["080904K"]


def test_major_search_filtered_by_level(catalog, client):
    results = client.get(
        reverse("catalog:major_search"), {"q": "计算机", "level": "vocational"}
    ).json()["results"]
    assert results and {m["level"] for m in results} == {"vocational"}
    assert results[0]["level_label"] == "高职专科"


def test_major_search_html_fragment(catalog, client):
    body = client.get(
        reverse("catalog:major_search"), {"q": "护理", "format": "html"}
    ).content.decode()
    assert "护理学" in body and "101101" in body
