"""增加院校/专业 (FAQ 一.8) and 修改单位电话/性质 (FAQ 一.12) through HTTP; permissions; API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.accounts.models import RoleGrant
from rencai.audit.models import AuditEvent
from rencai.catalog.models import Institution, Major
from rencai.catalog.selectors import institution_search, major_search
from rencai.changes.models import ChangeRequest
from rencai.notify.models import OutboxMessage
from rencai.orgs.models import Unit
from tests.changes.conftest import client_for, png

pytestmark = pytest.mark.django_db


def _approve(reviewer, number):
    return client_for(reviewer).post(
        reverse("changes:decide", args=[number]), {"action": "approve"}
    )


def test_below_college_is_explained_not_accepted(requester):
    r = client_for(requester).post(
        reverse("changes:institution_new"),
        {
            "education_level": "senior",
            "name": "广州市某某职业中学",
            "level": "专科",
            "diploma": png(),
        },
    )
    assert r.status_code == 400 and "直接手动填写" in r.content.decode()
    assert not ChangeRequest.objects.exists()


def test_institution_added_and_immediately_selectable(requester, reviewer):
    client = client_for(requester)
    data = {
        "education_level": "bachelor",
        "name": "南海云端理工学院",
        "level": "本科",
        "location": "广东省",
    }
    r = client.post(reverse("changes:institution_new"), data)
    assert r.status_code == 400 and "毕业证书" in r.content.decode()
    r = client.post(reverse("changes:institution_new"), {**data, "diploma": png("diploma.png")})
    assert r.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.kind == "institution_new"
    detail = client.get(r.url).content.decode()
    assert "本科" in detail and "南海云端理工学院" in detail
    assert not institution_search(q="南海云端")
    assert _approve(reviewer, change.number).status_code == 302
    institution = Institution.objects.get(name="南海云端理工学院")
    assert [i.pk for i in institution_search(q="南海云端")] == [institution.pk]
    assert "已加入院校库" in OutboxMessage.objects.get(channel="sms").body
    assert AuditEvent.objects.filter(event="catalog.institution_add").exists()
    # Requesting it again: already in the catalogue.
    r = client.post(reverse("changes:institution_new"), {**data, "diploma": png()})
    assert r.status_code == 400 and "已在院校库中" in r.content.decode()


def test_similar_institution_offered(requester):
    Institution.objects.create(moe_code="4144010001", name="广州云端大学", level="本科")
    r = client_for(requester).post(
        reverse("changes:institution_new"),
        {
            "education_level": "bachelor",
            "name": "广州云端大学城市学院",
            "level": "本科",
            "diploma": png(),
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and "是否是以下院校？" in body and "广州云端大学" in body


def test_major_added(requester, reviewer):
    r = client_for(requester).post(
        reverse("changes:major_new"),
        {"education_level": "college", "name": "低空飞行器运维", "diploma": png()},
    )
    assert r.status_code == 302
    change = ChangeRequest.objects.get()
    _approve(reviewer, change.number)
    major = Major.objects.get(name="低空飞行器运维")
    assert major.level == Major.Level.VOCATIONAL
    assert [m.pk for m in major_search(q="低空飞行器", level="vocational")] == [major.pk]


def test_unit_contact_needs_acting_as_unit(requester, reviewer, make_unit):
    unit = make_unit("广州市电话变更有限公司")
    unit.phone = "020-11111111"
    unit.save()
    client = client_for(requester)
    r = client.get(reverse("changes:unit_contact"))
    assert "切换为单位身份" in r.content.decode()
    grant = RoleGrant.objects.create(user=requester, role=RoleGrant.Role.UNIT_ADMIN, unit=unit)
    client.post(reverse("accounts:switch"), {"grant": grant.pk})
    r = client.post(
        reverse("changes:unit_contact"), {"phone": "020-22222222", "nature": Unit.Nature.SOCIAL}
    )
    assert r.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.acting_unit == unit and change.before == {
        "phone": "020-11111111",
        "nature": "private",
    }
    _approve(reviewer, change.number)
    unit.refresh_from_db()
    assert unit.phone == "020-22222222" and unit.nature == Unit.Nature.SOCIAL
    assert AuditEvent.objects.filter(event="unit.contact").exists()


def test_unit_admins_see_their_unit_only_and_numbers_are_private(requester, make_user, make_unit):
    a, b = make_unit("广州市甲单位有限公司"), make_unit("广州市乙单位有限公司")
    admin_a, admin_b = make_user(), make_user()
    for user, unit in ((admin_a, a), (admin_b, b)):
        grant = RoleGrant.objects.create(user=user, role=RoleGrant.Role.UNIT_ADMIN, unit=unit)
        client = client_for(user)
        client.post(reverse("accounts:switch"), {"grant": grant.pk})
        assert (
            client.post(
                reverse("changes:unit_contact"), {"phone": "020-3333333" + str(unit.pk % 10)}
            ).status_code
            == 302
        )
    change_a = ChangeRequest.objects.get(acting_unit=a)
    change_b = ChangeRequest.objects.get(acting_unit=b)
    # A second admin of unit A sees unit A's request, not unit B's.
    admin_a2 = make_user()
    RoleGrant.objects.create(user=admin_a2, role=RoleGrant.Role.UNIT_ADMIN, unit=a)
    client = client_for(admin_a2)
    index = client.get(reverse("changes:index")).content.decode()
    assert change_a.number in index and change_b.number not in index
    assert client.get(reverse("changes:detail", args=[change_a.number])).status_code == 200
    assert client.get(reverse("changes:detail", args=[change_b.number])).status_code == 404
    # Another user: 404 by page, lookup and API; no worklist, no decision.
    stranger = client_for(requester)
    assert stranger.get(reverse("changes:detail", args=[change_a.number])).status_code == 404
    assert stranger.get(reverse("changes:lookup"), {"number": change_a.number}).status_code == 404
    assert stranger.get(f"/api/changes/requests/{change_a.number}").status_code == 404
    assert stranger.get(reverse("changes:worklist")).status_code == 404
    assert (
        stranger.post(
            reverse("changes:decide", args=[change_a.number]), {"action": "approve"}
        ).status_code
        == 404
    )
    lookup = client_for(admin_a).get(reverse("changes:lookup"), {"number": change_a.number.lower()})
    assert lookup.status_code == 302 and lookup.url == reverse(
        "changes:detail", args=[change_a.number]
    )


def test_worklist_ordered_by_deadline_with_overdue_marked(requester, reviewer, tianhe):
    from datetime import timedelta

    from rencai.core import clock

    client = client_for(requester)
    client.post(
        reverse("changes:institution_new"),
        {
            "education_level": "bachelor",
            "name": "甲乙丙理工学院",
            "level": "本科",
            "diploma": png(),
        },
    )
    clock.advance(timedelta(days=10))
    client = client_for(requester)  # the session timed out meanwhile
    client.post(
        reverse("changes:major_new"),
        {"education_level": "bachelor", "name": "量子信息工程学", "diploma": png()},
    )
    first, second = ChangeRequest.objects.order_by("submitted_at")
    body = client_for(reviewer).get(reverse("changes:worklist")).content.decode()
    assert body.index(first.number) < body.index(second.number)
    assert body.count("已逾期") == 1 and "is-overdue" in body


# --- API -------------------------------------------------------------------------------------


def test_api_create_list_show(requester, make_user, tianhe):
    from rencai.changes.models import ChangeRequest
    from tests.changes.conftest import make_code

    client = client_for(requester)
    code = make_code()
    r = client.post(
        "/api/changes/requests",
        {
            "kind": "unit_new",
            "name": "广州市接口新增有限公司",
            "code": code,
            "nature": "private",
            "level": "district",
            "district": "440106",
            "business_licence": png(),
        },
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert (
        out["number"].startswith("BG")
        and out["status"] == "pending"
        and out["office"]["code"] == "data-centre"
    )
    assert out["documents"][0]["type_code"] == "business_licence" and out["remaining_workdays"] >= 0
    assert [c["number"] for c in client.get("/api/changes/requests").json()] == [out["number"]]
    assert client.get(f"/api/changes/requests/{out['number']}").json()["code"] == code
    assert client_for(make_user()).get(f"/api/changes/requests/{out['number']}").status_code == 404
    # Errors: same code again → 409 unit pending; bad kind → 400; missing attachment → 400.
    again = client.post(
        "/api/changes/requests",
        {
            "kind": "unit_new",
            "name": "广州市接口新增有限公司",
            "code": code,
            "nature": "private",
            "level": "district",
            "district": "440106",
            "business_licence": png(),
        },
    )
    assert again.status_code == 409
    assert client.post("/api/changes/requests", {"kind": "nope"}).json()["field"] == "kind"
    similar = client.post(
        "/api/changes/requests",
        {
            "kind": "institution_new",
            "education_level": "bachelor",
            "name": "广州市接口大学",
            "level": "本科",
        },
    )
    assert similar.status_code == 400 and similar.json()["code"] == "attachment_missing"
    assert ChangeRequest.objects.count() == 1


def test_api_needs_login_and_csrf(requester):
    from django.test import Client

    assert Client().get("/api/changes/requests").status_code == 401
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(requester)
    assert csrf_client.post("/api/changes/requests", {"kind": "unit_new"}).status_code in (401, 403)
