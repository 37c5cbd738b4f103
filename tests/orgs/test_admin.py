"""/admin/ for offices, districts and units (through the real admin, second factor passed)."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rencai.accounts.models import User
from rencai.orgs.models import District, Office, Unit
from tests.audit.admin_forms import form_data, superuser_client
from tests.backoffice.second_factor import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, reference_data):
    return superuser_client(client)


@pytest.fixture
def bureau_client(reference_data):
    """Bureau staff: may use the admin and add/change/view offices, nothing more."""
    staff = User.objects.create_user("bureau", "Bureau#2026x", real_name="陈局", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="orgs",
            codename__in=["add_office", "change_office", "view_office"],
        )
    )
    return verified_client(staff)


def _department_data(client, **values):
    data = form_data(client.get(reverse("admin:orgs_office_add")).content.decode(), "office_form")
    data.update(
        {
            "kind": "supervisory",
            "code": "dept-planning",
            "name": "广州市规划和自然资源局",
            "short_name": "市规划和自然资源局",
            "address": "广州市越秀区豪贤路193号",
            "phones_text": "83300000\r\n020-83300001",
            "contact": "人事处 李科长",
            "email": "rsc@example.gov.cn",
            "open_days": "周一至周五",
            "hours_morning": "上午9:00-12:00",
            "hours_afternoon": "下午14:00-18:00",
            "sort_order": "220",
            **values,
        }
    )
    return data


def test_office_list_filters_by_kind_and_searches_by_name(admin_client):
    url = reverse("admin:orgs_office_changelist")
    body = admin_client.get(url + "?kind__exact=supervisory").content.decode()
    assert "广州市人民政府国有资产监督管理委员会" in body
    assert "广州市越秀区人力资源和社会保障局" not in body
    body = admin_client.get(url + "?q=越秀").content.decode()
    assert "广州市越秀区人力资源和社会保障局" in body and "国有资产" not in body


@pytest.mark.parametrize("who", ["superuser", "bureau staff"])
def test_supervisory_department_added_and_edited_in_admin(who, admin_client, bureau_client):
    client = admin_client if who == "superuser" else bureau_client
    add = client.get(reverse("admin:orgs_office_add")).content.decode()
    assert 'value="supervisory" selected' in add  # a new office is a department by default
    response = client.post(reverse("admin:orgs_office_add"), _department_data(client))
    assert response.status_code == 302, response.content.decode()[:3000]
    dept = Office.objects.get(code="dept-planning")
    assert dept.kind == Office.Kind.SUPERVISORY
    assert dept.phones == ["83300000", "020-83300001"]
    assert (dept.contact, dept.address, dept.hours_afternoon) == (
        "人事处 李科长",
        "广州市越秀区豪贤路193号",
        "下午14:00-18:00",
    )

    url = reverse("admin:orgs_office_change", args=[dept.pk])
    data = form_data(client.get(url).content.decode(), "office_form")
    assert data["phones_text"] == "83300000\n020-83300001"
    data.update(phones_text="83300002", contact="人事处 王科长")
    assert client.post(url, data).status_code == 302
    dept.refresh_from_db()
    assert (dept.phones, dept.contact, dept.customised) == (["83300002"], "人事处 王科长", True)


def test_staff_without_office_permission_cannot_open_offices(reference_data):
    staff = User.objects.create_user("clerk", "Clerk#2026x", real_name="小李", is_staff=True)
    client = verified_client(staff)
    assert client.get(reverse("admin:orgs_office_add")).status_code == 403


def test_bad_phone_is_refused_next_to_the_field(admin_client):
    response = admin_client.post(
        reverse("admin:orgs_office_add"), _department_data(admin_client, phones_text="八三三")
    )
    assert response.status_code == 400
    assert "咨询电话：“八三三”只能包含数字" in response.content.decode()
    assert not Office.objects.filter(code="dept-planning").exists()


def test_office_edited_in_admin_survives_loaddata_reference(admin_client):
    office = Office.objects.get(code="district-440104")
    url = reverse("admin:orgs_office_change", args=[office.pk])
    data = form_data(admin_client.get(url).content.decode(), "office_form")
    assert data["address"] == "广州市越秀区东华北路9号二楼人才服务窗口"
    data.update(
        address="广州市越秀区新地址1号", phones_text="37630000", hours_afternoon="下午14:00-17:30"
    )
    assert admin_client.post(url, data).status_code == 302

    out = StringIO()
    call_command("loaddata_reference", stdout=out)
    office.refresh_from_db()
    assert office.customised
    assert (office.address, office.phones, office.hours_afternoon) == (
        "广州市越秀区新地址1号",
        ["37630000"],
        "下午14:00-17:30",
    )
    assert "1 kept as edited" in out.getvalue()
    # an office nobody edited is still brought back to the shipped table
    Office.objects.filter(code="district-440105").update(address="被改坏的地址")
    call_command("loaddata_reference", stdout=StringIO())
    assert Office.objects.get(code="district-440105").address == "广州市海珠区同福中路399号1-2号窗"


def test_seed_offices_cannot_be_deleted_only_retired(admin_client):
    office = Office.objects.get(code="district-440104")
    assert (
        admin_client.get(reverse("admin:orgs_office_delete", args=[office.pk])).status_code == 403
    )


def test_districts_are_read_only(admin_client):
    assert admin_client.get(reverse("admin:orgs_district_changelist")).status_code == 200
    district = District.objects.get(code="440106")
    url = reverse("admin:orgs_district_change", args=[district.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, {"name": "改名区", "code": "440106"}).status_code == 403
    assert admin_client.get(reverse("admin:orgs_district_add")).status_code == 403
    assert District.objects.get(pk=district.pk).name == "天河区"


def test_unit_search_by_name_and_code_without_like_scans(admin_client, make_unit):
    unit = make_unit("广州市天河测试科技有限公司")
    other = make_unit("广州市越秀样例贸易有限公司")
    url = reverse("admin:orgs_unit_changelist")
    with CaptureQueriesContext(connection) as queries:
        body = admin_client.get(url, {"q": "天河测试"}).content.decode()
    assert unit.code in body and other.code not in body
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"orgs_unit"."name" LIKE' not in sql and 'UPPER("orgs_unit"."name"' not in sql
    assert "COUNT(*)" in sql and sql.count("COUNT(*)") == 1  # the hits only: no full count
    body = admin_client.get(url, {"q": unit.code.lower()}).content.decode()
    assert unit.name in body and other.name not in body


def test_cancelled_unit_found_by_exact_code(admin_client, make_unit):
    unit = make_unit("广州市已注销测试有限公司")
    Unit.objects.filter(pk=unit.pk).update(status=Unit.Status.CANCELLED)
    body = admin_client.get(
        reverse("admin:orgs_unit_changelist"), {"q": unit.code}
    ).content.decode()
    assert unit.name in body


def test_unit_rename_in_admin_keeps_the_former_name(admin_client, make_unit):
    unit = make_unit("广州市旧名称有限公司")
    url = reverse("admin:orgs_unit_change", args=[unit.pk])
    data = form_data(admin_client.get(url).content.decode(), "unit_form")
    data["name"] = "广州市新名称有限公司"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    unit.refresh_from_db()
    assert unit.name == "广州市新名称有限公司"
    assert list(unit.former_names.values_list("name", flat=True)) == ["广州市旧名称有限公司"]
    body = admin_client.get(reverse("admin:orgs_unit_changelist"), {"q": "旧名称"}).content.decode()
    assert "广州市新名称有限公司" in body


def test_city_unit_needs_a_supervisory_department(admin_client, make_unit):
    unit = make_unit("广州市某市属事业单位", level=Unit.Level.CITY, nature=Unit.Nature.INSTITUTION)
    url = reverse("admin:orgs_unit_change", args=[unit.pk])
    data = form_data(admin_client.get(url).content.decode(), "unit_form")
    data["supervisory_office"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert "主管部门：市属单位必须填写主管部门。" in response.content.decode()


def test_units_cannot_be_added_or_deleted_in_admin(admin_client, make_unit):
    unit = make_unit("广州市不可删除有限公司")
    assert admin_client.get(reverse("admin:orgs_unit_add")).status_code == 403
    assert admin_client.get(reverse("admin:orgs_unit_delete", args=[unit.pk])).status_code == 403


def test_role_grant_lookup_popups_answer(admin_client, make_unit):
    """RoleGrantInline (accounts/admin.py) uses raw_id_fields for unit and office: the
    magnifier opens these change lists in a popup."""
    unit = make_unit("广州市弹窗测试有限公司")
    person = User.objects.create_user("popup", "Popup#2026x", real_name="弹窗")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    html = page.content.decode()
    unit_lookup = reverse("admin:orgs_unit_changelist") + "?_to_field=id"
    office_lookup = reverse("admin:orgs_office_changelist") + "?_to_field=id"
    assert unit_lookup in html and office_lookup in html
    response = admin_client.get(unit_lookup + "&_popup=1")
    assert response.status_code == 200
    response = admin_client.get(unit_lookup + "&_popup=1", {"q": "弹窗测试"})
    assert response.status_code == 200 and unit.name in response.content.decode()
    response = admin_client.get(office_lookup + "&_popup=1")
    assert (
        response.status_code == 200
        and "广州市天河区人力资源和社会保障局" in response.content.decode()
    )


def test_unit_supervisory_office_autocomplete_offers_departments_only(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "orgs",
            "model_name": "unit",
            "field_name": "supervisory_office",
            "term": "广州市",
        },
    )
    assert response.status_code == 200
    names = [r["text"] for r in response.json()["results"]]
    assert "广州市教育局" in names
    assert not any("人力资源和社会保障局" in n for n in names)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: pg_class estimate")
def test_unfiltered_unit_list_uses_the_planner_estimate_not_count(
    admin_client, make_unit, monkeypatch
):
    from rencai.orgs.admin import EstimatedCountPaginator

    for n in range(3):
        make_unit(f"广州市估算测试{n}有限公司")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orgs_unit")
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_ABOVE", 0)  # as if 3 million
    url = reverse("admin:orgs_unit_changelist")
    with CaptureQueriesContext(connection) as queries:
        body = admin_client.get(url).content.decode()
    assert "广州市估算测试0有限公司" in body
    assert not any("COUNT(*)" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(url, {"q": "估算测试"})
    assert any("COUNT(*)" in q["sql"] for q in queries.captured_queries)  # searches: exact


def test_district_office_keeps_its_district(admin_client):
    office = Office.objects.get(code="district-440106")
    url = reverse("admin:orgs_office_change", args=[office.pk])
    data = form_data(admin_client.get(url).content.decode(), "office_form")
    data["district"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert "行政区：区人社局必须选择所在区。" in response.content.decode()
    assert Office.objects.get(pk=office.pk).district.name == "天河区"
