"""法人单位系统管理员权限 (FAQ 一.7, 二.1, 二.2): apply, guide, approve, switch, revoke, remind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from rencai.accounts.models import RoleGrant
from rencai.audit.models import AuditEvent
from rencai.core import clock
from rencai.notify.models import OutboxMessage
from rencai.orgs.models import Office, Unit
from rencai.rights.models import UnitAdminRequest
from rencai.rights.services import unit_admin_reminders_sweep
from tests.changes.conftest import client_for, official

pytestmark = pytest.mark.django_db
APPLY = "rights:apply"


def test_full_cycle_apply_approve_switch_revoke(requester, make_user, city_unit, dept):
    client = client_for(requester)
    guide = client.post(reverse(APPLY), {"unit": city_unit.pk, "check": "1"})
    body = guide.content.decode()
    assert (
        guide.status_code == 200
        and "广州市教育局" in body
        and "020-12345678" in body
        and "edu@example.org" in body
    )
    r = client.post(
        reverse(APPLY), {"unit": city_unit.pk, "office": dept.pk, "submit": "1", "note": "人事科"}
    )
    assert r.status_code == 302
    admin_request = UnitAdminRequest.objects.get()
    assert admin_request.number.startswith("QX") and admin_request.office == dept
    assert "等待广州市教育局审批" in client.get(r.url).content.decode()
    assert admin_request.number in client.get(reverse("changes:index")).content.decode()

    officer = official(make_user(real_name="教育局经办"), "dept-edu")
    dept_client = client_for(officer)
    assert admin_request.number in dept_client.get(reverse("rights:worklist")).content.decode()
    # Another department's official sees nothing of it.
    other = client_for(official(make_user(), "dept-health"))
    assert other.get(reverse("rights:detail", args=[admin_request.number])).status_code == 404
    assert (
        other.post(
            reverse("rights:decide", args=[admin_request.number]), {"action": "approve"}
        ).status_code
        == 404
    )

    assert (
        dept_client.post(
            reverse("rights:decide", args=[admin_request.number]), {"action": "approve"}
        ).status_code
        == 302
    )
    admin_request.refresh_from_db()
    grant = admin_request.grant
    assert (
        admin_request.status == "approved" and grant.unit == city_unit and grant.user == requester
    )
    assert "已开通" in OutboxMessage.objects.get(channel="sms", recipient=requester.mobile).body
    assert {"unit_admin.request", "unit_admin.approve", "role.grant"} <= set(
        AuditEvent.objects.values_list("event", flat=True)
    )

    # Switch acting-as to the unit.
    client.post(reverse("accounts:switch"), {"grant": grant.pk})
    assert city_unit.name in client.get(reverse("accounts:dashboard")).content.decode()
    # A second admin for the same unit is allowed.
    second = make_user()
    client_for(second).post(
        reverse(APPLY), {"unit": city_unit.pk, "office": dept.pk, "submit": "1"}
    )
    assert UnitAdminRequest.objects.filter(applicant=second, status="pending").exists()

    # Revocation by the department: audited, SMS, back to personal.
    r = dept_client.post(reverse("rights:revoke", args=[grant.pk]), {"reason": "已调离"})
    assert r.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AuditEvent.objects.filter(event="role.revoke", object_id=str(grant.pk)).exists()
    assert "当前身份" in client.get(reverse("accounts:dashboard")).content.decode()
    assert (
        "已被撤销"
        in OutboxMessage.objects.filter(channel="sms", recipient=requester.mobile).first().body
    )


def test_revoke_only_by_department_or_superuser(requester, make_user, city_unit):
    grant = RoleGrant.objects.create(user=requester, role=RoleGrant.Role.UNIT_ADMIN, unit=city_unit)
    url = reverse("rights:revoke", args=[grant.pk])
    assert client_for(make_user()).post(url, {"reason": "x"}).status_code == 404
    assert (
        client_for(official(make_user(), "district-440106")).post(url, {"reason": "x"}).status_code
        == 404
    )
    root = make_user(is_superuser=True, is_staff=True)
    assert client_for(root).post(url, {"reason": "核查后撤销"}).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_reject_needs_reason_and_applicant_sees_it(requester, make_user, city_unit, dept):
    client_for(requester).post(
        reverse(APPLY), {"unit": city_unit.pk, "office": dept.pk, "submit": "1"}
    )
    admin_request = UnitAdminRequest.objects.get()
    dept_client = client_for(official(make_user(), "dept-edu"))
    url = reverse("rights:decide", args=[admin_request.number])
    assert dept_client.post(url, {"action": "reject"}).status_code == 400
    assert (
        dept_client.post(url, {"action": "reject", "reason": "非本单位在职人员"}).status_code == 302
    )
    page = (
        client_for(requester)
        .get(reverse("rights:detail", args=[admin_request.number]))
        .content.decode()
    )
    assert "非本单位在职人员" in page and "审核不通过" in page
    assert not RoleGrant.objects.filter(unit=city_unit).exists()
    assert "非本单位在职人员" in OutboxMessage.objects.get(channel="sms").body


def test_district_enterprise_refused_with_explanation(requester, make_unit):
    unit = make_unit("广州市天河某民营有限公司", nature=Unit.Nature.PRIVATE)
    client = client_for(requester)
    guide = client.post(reverse(APPLY), {"unit": unit.pk, "check": "1"}).content.decode()
    assert "无需单位系统管理员" in guide and "广州市天河区人力资源和社会保障局" in guide
    window = Office.objects.get(code="district-440106")
    r = client.post(reverse(APPLY), {"unit": unit.pk, "office": window.pk, "submit": "1"})
    assert r.status_code == 400 and not UnitAdminRequest.objects.exists()


def test_district_institution_goes_to_district_bureau_and_wrong_office_refused(
    requester, make_unit
):
    unit = make_unit("广州市天河区某某中心", nature=Unit.Nature.INSTITUTION)
    window = Office.objects.get(code="district-440106")
    client = client_for(requester)
    guide = client.get(reverse(APPLY), {"unit": unit.pk}).content.decode()
    assert (
        "38470847" in guide and "广州市天河区海欣街22号" in guide
    )  # the window's contact from the directory
    wrong = Office.objects.get(code="dept-edu")
    r = client.post(reverse(APPLY), {"unit": unit.pk, "office": wrong.pk, "submit": "1"})
    assert r.status_code == 400 and "区属单位请选择所属区的人社局" in r.content.decode()
    assert (
        client.post(
            reverse(APPLY), {"unit": unit.pk, "office": window.pk, "submit": "1"}
        ).status_code
        == 302
    )
    # Applying twice while pending is refused.
    again = client.post(reverse(APPLY), {"unit": unit.pk, "office": window.pk, "submit": "1"})
    assert again.status_code == 400 and "已在审批中" in again.content.decode()


def test_reminder_sweep_fires_once(requester, make_user, city_unit, dept):
    client_for(requester).post(
        reverse(APPLY), {"unit": city_unit.pk, "office": dept.pk, "submit": "1"}
    )
    admin_request = UnitAdminRequest.objects.get()
    assert unit_admin_reminders_sweep(batch=10) == 0  # not due yet
    clock.advance(timedelta(days=8))
    assert unit_admin_reminders_sweep(batch=10) == 1
    assert unit_admin_reminders_sweep(batch=10) == 0
    admin_request.refresh_from_db()
    assert admin_request.reminded_at is not None
    email = OutboxMessage.objects.get(channel="email")
    assert email.recipient == "edu@example.org" and admin_request.number in email.subject
    assert AuditEvent.objects.filter(event="unit_admin.remind").count() == 1
    # The department's worklist marks it overdue.
    body = (
        client_for(official(make_user(), "dept-edu"))
        .get(reverse("rights:worklist"))
        .content.decode()
    )
    assert "已逾期" in body


def test_reminder_sweep_without_email_still_marks(requester, city_unit, reference_data):
    from rencai.rights.services import unit_admin_request_create

    office = Office.objects.get(code="dept-edu")
    unit_admin_request_create(applicant=requester, unit=city_unit, office=office)
    clock.advance(timedelta(days=8))
    assert unit_admin_reminders_sweep(batch=10) == 1
    assert not OutboxMessage.objects.filter(channel="email").exists()
    assert UnitAdminRequest.objects.get().reminded_at is not None


def test_sweep_is_listed_in_settings(settings):
    assert "rencai.rights.services.unit_admin_reminders_sweep" in settings.RENCAI_WORKER_SWEEPS


def test_login_required(client, reference_data):
    r = client.get(reverse(APPLY))
    assert r.status_code == 302 and reverse("accounts:login") in r.url
