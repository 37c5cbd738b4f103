"""The unit picker: only a registry reference (id or code) of an active unit is accepted."""

import pytest
from django import forms

from rencai.orgs.forms import UnitChoiceField
from rencai.orgs.models import Unit
from rencai.orgs.services import unit_set_status

pytestmark = pytest.mark.django_db


class HostForm(forms.Form):
    """What the application form of another app looks like."""

    applicant_note = forms.CharField(required=False)
    unit = UnitChoiceField(label="引进单位")


def test_field_accepts_pk_and_code(make_unit):
    unit = make_unit("广州市选择测试有限公司")
    for value in (str(unit.pk), unit.code, unit.code.lower(), f"{unit.code[:8]}-{unit.code[8:]}"):
        form = HostForm({"unit": value})
        assert form.is_valid(), (value, form.errors)
        assert form.cleaned_data["unit"] == unit


def test_field_refuses_free_typed_name(make_unit):
    make_unit("广州市选择测试有限公司")
    form = HostForm({"unit": "广州市选择测试有限公司"})
    assert not form.is_valid()
    assert "不能手动填写单位名称" in form.errors["unit"][0]


def test_field_refuses_nonexistent_and_inactive(make_unit):
    unit = make_unit("广州市已注销测试有限公司")
    assert not HostForm({"unit": "999999"}).is_valid()
    assert not HostForm({"unit": "91440106MA0000000X"}).is_valid()
    unit_set_status(unit=unit, status=Unit.Status.CANCELLED)
    form = HostForm({"unit": str(unit.pk)})
    assert not form.is_valid() and "已注销" in form.errors["unit"][0]
    assert not HostForm({"unit": ""}).is_valid()


def test_search_text_is_never_the_value(make_unit):
    unit = make_unit("广州市搜索框测试有限公司")
    data = {"unit_q": str(unit.pk), "unit_search": "1", "applicant_note": "保留我"}
    form = HostForm(data)
    assert not form.is_valid()
    assert UnitChoiceField.is_search_submit(data, "unit")
    assert "unit" not in form.cleaned_data  # the search box (even holding an id) is no value
    # No-JS search: results rendered as radios named like the field; typed text kept.
    form = HostForm({"unit_q": "搜索框测试", "unit_search": "1"})
    html = str(form["unit"])
    assert f'type="radio" name="unit" value="{unit.pk}"' in html
    assert 'value="搜索框测试"' in html
    assert "提交“新增/修改单位信息”申请" in html


def test_widget_shows_the_chosen_unit(make_unit):
    unit = make_unit("广州市已选单位有限公司", district="海珠区")
    html = str(HostForm(initial={"unit": unit})["unit"])
    assert "广州市已选单位有限公司" in html and "海珠区" in html and "checked" in html


# Pages ------------------------------------------------------------------------------


def test_search_page_without_js_lists_and_links(client, make_unit):
    unit = make_unit("广州市页面测试科技有限公司")
    response = client.get("/units/", {"q": "页面测试"})
    assert response.status_code == 200
    html = response.content.decode()
    assert unit.name in html and f"/units/{unit.pk}/" in html
    assert "提交“新增/修改单位信息”申请" in html
    assert "style=" not in html  # CSP: no inline styles


def test_search_page_one_character(client, make_unit):
    response = client.get("/units/", {"q": "测"})
    assert "请至少输入2个字" in response.content.decode()


def test_picker_page_choose_posts_id_and_redirects(client, make_unit):
    unit = make_unit("广州市跳转测试有限公司")
    html = client.get(
        "/units/", {"q": "跳转测试", "next": "/cases/new/", "field": "unit"}
    ).content.decode()
    assert f'name="unit" value="{unit.pk}"' in html and "选择" in html
    response = client.post(
        "/units/", {"unit": str(unit.pk), "next": "/cases/new/", "field": "unit", "q": "跳转测试"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/new/?unit={unit.pk}"


def test_picker_page_post_refuses_typed_name_and_inactive(client, make_unit):
    unit = make_unit("广州市拒绝测试有限公司")
    response = client.post("/units/", {"unit": "广州市拒绝测试有限公司", "next": "/cases/new/"})
    assert response.status_code == 400
    assert "不能手动填写单位名称" in response.content.decode()
    unit_set_status(unit=unit, status=Unit.Status.CANCELLED)
    response = client.post("/units/", {"unit": str(unit.pk), "next": "/cases/new/"})
    assert response.status_code == 400 and "已注销" in response.content.decode()
    response = client.post("/units/", {"unit": "424242", "next": "/cases/new/"})
    assert response.status_code == 400


def test_picker_page_ignores_offsite_next(client, make_unit):
    unit = make_unit("广州市外链测试有限公司")
    response = client.post("/units/", {"unit": str(unit.pk), "next": "https://evil.example/"})
    assert response["Location"] == f"/units/{unit.pk}/"


def test_htmx_fragments(client, make_unit):
    unit = make_unit("广州市片段测试有限公司")
    response = client.get(
        "/units/", {"picker": "unit", "unit_q": "片段测试"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and f'type="radio" name="unit" value="{unit.pk}"' in html
    response = client.get(
        "/units/", {"q": "片段测试"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-results"
    )
    assert "<html" not in response.content.decode() and unit.name in response.content.decode()


def test_detail_card(client, make_unit):
    from rencai.orgs.services import unit_rename

    unit = make_unit("广州市卡片旧名有限公司", district="白云区", nature=Unit.Nature.INSTITUTION)
    unit_rename(unit=unit, new_name="广州市卡片新名有限公司")
    html = client.get(f"/units/{unit.pk}/").content.decode()
    for text in (
        "广州市卡片新名有限公司",
        unit.code,
        "白云区",
        "事业单位",
        "广州市卡片旧名有限公司",
        "曾用名",
    ):
        assert text in html
    assert client.get("/units/987654/").status_code == 404


# API --------------------------------------------------------------------------------


def test_api_search_and_by_code(client, make_unit):
    unit = make_unit("广州市接口测试有限公司", former=["广州市接口旧名有限公司"])
    data = client.get("/api/units", {"q": "接口旧名"}).json()
    assert data["results"][0]["id"] == unit.pk
    assert data["results"][0]["district"] == "天河区"
    assert data["results"][0]["nature_label"] == "民营企业"
    assert data["results"][0]["matched_former_name"] == "广州市接口旧名有限公司"
    got = client.get(f"/api/units/by-code/{unit.code.lower()}").json()
    assert got["id"] == unit.pk and got["former_names"] == ["广州市接口旧名有限公司"]
    short = client.get("/api/units", {"q": "接"}).json()
    assert short["results"] == [] and "至少输入2个字" in short["message"]


def test_api_by_code_404_shape(client, reference_data):
    response = client.get("/api/units/by-code/91440106MA0000000X")
    assert response.status_code == 404
    body = response.json()
    assert set(body) >= {"code", "message", "field"} and body["code"] == "not_found"


def test_api_resolve_refuses_name_nonexistent_inactive(client, make_unit):
    unit = make_unit("广州市解析测试有限公司")
    assert client.get("/api/units/resolve", {"ref": unit.code}).json()["id"] == unit.pk
    response = client.get("/api/units/resolve", {"ref": "广州市解析测试有限公司"})
    assert response.status_code == 400 and response.json()["code"] == "unit_reference"
    assert client.get("/api/units/resolve", {"ref": "31337"}).status_code == 400
    unit_set_status(unit=unit, status=Unit.Status.CANCELLED)
    response = client.get("/api/units/resolve", {"ref": str(unit.pk)})
    assert response.status_code == 400 and response.json()["code"] == "unit_inactive"
