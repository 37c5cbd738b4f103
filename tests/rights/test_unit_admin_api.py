"""JSON API for unit-admin rights requests (单位系统管理员权限申请) through HTTP: session auth,
CSRF, the same service rules and visibility as the pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.orgs.models import Unit
from rencai.rights.models import UnitAdminRequest
from rencai.rights.services import unit_admin_request_approve
from tests.changes.conftest import client_for, official

pytestmark = pytest.mark.django_db
URL = "/api/changes/unit-admin-requests"


def _post(client, **payload):
    return client.post(URL, payload, content_type="application/json")


def test_create_list_show(requester, make_user, city_unit, dept):
    client = client_for(requester)
    r = _post(client, unit=city_unit.pk, office="dept-edu", note="人事科")
    assert r.status_code == 201, r.content
    out = r.json()
    admin_request = UnitAdminRequest.objects.get()
    assert out["number"] == admin_request.number and out["number"].startswith("QX")
    assert admin_request.applicant == requester and admin_request.office == dept
    assert out["status"] == "pending" and out["status_label"] == "待审核"
    assert out["unit"] == {"id": city_unit.pk, "code": city_unit.code, "name": city_unit.name}
    assert out["office"]["name"] == "广州市教育局" and out["office"]["email"] == "edu@example.org"
    assert out["note"] == "人事科" and out["granted"] is False and out["remaining_workdays"] >= 0
    assert AuditEvent.objects.filter(event="unit_admin.request", actor=requester).exists()

    assert [x["number"] for x in client.get(URL).json()] == [out["number"]]
    assert client.get(f"{URL}/{out['number'].lower()}").json()["number"] == out["number"]
    # The page shows the same request.
    assert out["number"] in client.get(reverse("changes:index")).content.decode()

    # Approved by the department: the API says the rights are active.
    unit_admin_request_approve(
        admin_request=admin_request, official=official(make_user(), "dept-edu")
    )
    shown = client.get(f"{URL}/{out['number']}").json()
    assert shown["status"] == "approved" and shown["granted"] is True


def test_unit_by_code_and_office_by_id(requester, city_unit, dept):
    r = _post(client_for(requester), unit=city_unit.code, office=dept.pk)
    assert r.status_code == 201, r.content
    assert r.json()["unit"]["id"] == city_unit.pk


def test_someone_elses_request_is_404_like_a_missing_one(requester, make_user, city_unit, dept):
    number = _post(client_for(requester), unit=city_unit.pk, office="dept-edu").json()["number"]
    stranger = client_for(make_user())
    theirs = stranger.get(f"{URL}/{number}")
    missing_number = number[:-6] + "999999"
    missing = stranger.get(f"{URL}/{missing_number}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["code"] == missing.json()["code"] == "not_found"
    assert theirs.json()["field"] == "number"
    assert theirs.json()["message"].replace(number, "N") == missing.json()["message"].replace(
        missing_number, "N"
    )
    assert stranger.get(URL).json() == []
    # Another department's official does not see it either; the approving one does.
    assert (
        client_for(official(make_user(), "dept-health")).get(f"{URL}/{number}").status_code == 404
    )
    assert client_for(official(make_user(), "dept-edu")).get(f"{URL}/{number}").status_code == 200


def test_errors_name_the_field(requester, make_unit, city_unit, dept):
    client = client_for(requester)
    # The wrong approving department: the service names the right one.
    wrong = _post(client, unit=city_unit.pk, office="dept-health")
    assert wrong.status_code == 400
    assert wrong.json()["field"] == "office" and wrong.json()["code"] == "wrong_office"
    assert (
        wrong.json()["message"].startswith("审批部门：")
        and "广州市教育局" in wrong.json()["message"]
    )
    # No department chosen: the same rule.
    assert _post(client, unit=city_unit.pk).json()["field"] == "office"
    # An office code that is no approving department.
    unknown = _post(client, unit=city_unit.pk, office="no-such-office")
    assert unknown.status_code == 400 and unknown.json()["field"] == "office"
    assert unknown.json()["message"].startswith("审批部门：")
    # A unit name instead of a registry reference, or nothing at all.
    by_name = _post(client, unit=city_unit.name, office="dept-edu")
    assert by_name.status_code == 400 and by_name.json()["field"] == "unit"
    assert (
        by_name.json()["message"].startswith("单位：")
        and by_name.json()["code"] == "unit_reference"
    )
    assert _post(client, office="dept-edu").json()["field"] == "unit"
    # A district enterprise needs no unit admin: refused with the reason.
    enterprise = make_unit("广州市天河某民营有限公司", nature=Unit.Nature.PRIVATE)
    refused = _post(client, unit=enterprise.pk, office="district-440106")
    assert refused.status_code == 400 and refused.json()["field"] == "unit"
    assert "无需单位系统管理员" in refused.json()["message"]
    # A malformed body is named too.
    assert client.post(URL, {"unit": []}, content_type="application/json").status_code == 422
    assert not UnitAdminRequest.objects.exists()
    # Twice while pending: conflict on the unit.
    assert _post(client, unit=city_unit.pk, office="dept-edu").status_code == 201
    again = _post(client, unit=city_unit.pk, office="dept-edu")
    assert again.status_code == 409 and again.json()["field"] == "unit"
    assert "已在审批中" in again.json()["message"]
    assert UnitAdminRequest.objects.count() == 1


def test_login_and_csrf(requester, city_unit, dept):
    anonymous = Client()
    assert anonymous.get(URL).status_code == 401
    assert _post(anonymous, unit=city_unit.pk, office="dept-edu").status_code == 401

    client = Client(enforce_csrf_checks=True)
    client.force_login(requester)
    assert _post(client, unit=city_unit.pk, office="dept-edu").status_code in (401, 403)
    assert not UnitAdminRequest.objects.exists()
    # With the token a page handed out (cookie → X-CSRFToken header), as a browser client does.
    client.get(reverse("rights:apply"))
    token = client.cookies["rencai_csrf"].value
    r = client.post(
        URL,
        {"unit": city_unit.pk, "office": "dept-edu"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 201, r.content
    assert UnitAdminRequest.objects.get().applicant == requester


def test_approvers_say_who_approves_before_anyone_applies(requester, make_unit, city_unit, dept):
    client = client_for(requester)
    city = client.get("/api/changes/unit-admin-approvers", {"unit": city_unit.code})
    assert city.status_code == 200, city.content
    out = city.json()
    assert out["unit"]["id"] == city_unit.pk and out["needs_unit_admin"] is True
    assert [o["code"] for o in out["approvers"]] == ["dept-edu"]
    assert out["approvers"][0]["phones"] == ["020-12345678"] and out["refusal"] == ""
    # A district-owned enterprise needs no unit admin (FAQ 二.1): the answer says so.
    district = make_unit("广州市天河区某某贸易有限公司", nature=Unit.Nature.PRIVATE)
    out = client.get("/api/changes/unit-admin-approvers", {"unit": district.pk}).json()
    assert out["needs_unit_admin"] is False and "无需单位系统管理员" in out["refusal"]
    # A name is not a reference.
    bad = client.get("/api/changes/unit-admin-approvers", {"unit": "广州市某某研究院"})
    assert bad.status_code == 400 and bad.json()["field"] == "unit"
    assert (
        Client().get("/api/changes/unit-admin-approvers", {"unit": city_unit.pk}).status_code == 401
    )


def test_officials_read_through_the_api_only_after_the_second_factor(
    requester, make_user, city_unit, dept
):
    number = _post(client_for(requester), unit=city_unit.pk, office="dept-edu").json()["number"]
    reviewer = official(make_user(), "dept-edu")
    password_only = Client()
    password_only.force_login(reviewer)
    refused = password_only.get(f"{URL}/{number}")
    assert refused.status_code == 403 and "动态口令" in refused.json()["message"]
    assert client_for(reviewer).get(f"{URL}/{number}").status_code == 200
    # The applicant needs no second factor for their own request.
    own = Client()
    own.force_login(requester)
    assert own.get(f"{URL}/{number}").status_code == 200
