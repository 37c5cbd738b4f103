"""Every change made through /admin/ is audited (one LogEntry receiver, inlines included)."""

import pytest
from django.urls import reverse

from rencai.accounts.models import RoleGrant, User
from rencai.audit.models import AuditEvent
from rencai.helpdesk.models import Article
from rencai.helpdesk.reference import articles_load
from rencai.orgs.models import Office
from tests.audit.admin_forms import form_data, superuser_client

pytestmark = pytest.mark.django_db
ADMIN_EVENTS = ["admin.add", "admin.change", "admin.delete"]


@pytest.fixture
def admin_client(client, db):
    return superuser_client(client)


def _admin_rows(**filters):
    return list(AuditEvent.objects.filter(event__in=ADMIN_EVENTS, **filters).order_by("id"))


def test_article_add_change_delete_are_audited(admin_client):
    root = User.objects.get(login_name="root")
    url = reverse("admin:helpdesk_article_add")
    data = form_data(admin_client.get(url).content.decode(), "article_form")
    data.update(
        section="1",
        number="99",
        sort="99",
        slug="audit-probe",
        question="审计测试问题",
        answer="第一版回答",
        published="on",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="audit-probe")

    url = reverse("admin:helpdesk_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).content.decode(), "article_form")
    data["answer"] = "第二版回答，联系 13800138000\r\n伪造=行"
    assert admin_client.post(url, data).status_code == 302

    url = reverse("admin:helpdesk_article_delete", args=[article.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()

    rows = _admin_rows(object_type="helpdesk.article", object_id=str(article.pk))
    assert [r.event for r in rows] == ["admin.add", "admin.change", "admin.delete"]
    assert all(r.actor_id == root.pk for r in rows)
    assert all(r.ip == "127.0.0.1" for r in rows)  # the test client's REMOTE_ADDR
    assert "审计测试问题" in rows[0].detail and "已添加" in rows[0].detail
    assert "回答" in rows[1].detail  # the changed field's label
    assert "审计测试问题" in rows[2].detail


def test_bulk_delete_action_audits_every_object(admin_client):
    articles_load()
    chosen = list(Article.objects.order_by("pk")[:3].values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:helpdesk_article_changelist"),
        {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
    )
    assert response.status_code == 302
    assert Article.objects.filter(pk__in=chosen).count() == 0
    rows = _admin_rows(event="admin.delete", object_type="helpdesk.article")
    assert sorted(int(r.object_id) for r in rows) == chosen


def test_role_grant_inline_add_change_delete_are_audited(admin_client, reference_data):
    person = User.objects.create_user("wangwu", "Wang#Wu2026", real_name="王五")
    office = Office.objects.get(code="district-440106")
    url = reverse("admin:accounts_user_change", args=[person.pk])

    # add a grant through the inline on the user page
    data = form_data(admin_client.get(url).content.decode(), "user_form")
    data.update(
        {
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-0-role": "official",
            "role_grants-0-office": str(office.pk),
            "role_grants-0-granted_at_0": "2026-03-02",
            "role_grants-0-granted_at_1": "09:00:00",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:4000]
    grant = RoleGrant.objects.get(user=person)
    assert grant.office == office

    # change it (revoke)
    data = form_data(admin_client.get(url).content.decode(), "user_form")
    assert data["role_grants-0-id"] == str(grant.pk)
    data["role_grants-0-revoked_at_0"] = "2026-04-01"
    data["role_grants-0-revoked_at_1"] = "10:00:00"
    assert admin_client.post(url, data).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None

    # delete it
    data = form_data(admin_client.get(url).content.decode(), "user_form")
    data["role_grants-0-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert not RoleGrant.objects.filter(user=person).exists()

    rows = _admin_rows(object_type="accounts.user", object_id=str(person.pk))
    assert [r.event for r in rows] == ["admin.change"] * 3
    added, changed, deleted = (r.detail for r in rows)
    assert "添加" in added and "角色授权" in added
    assert "修改" in changed and "角色授权" in changed
    assert "删除" in deleted and "角色授权" in deleted
    # accounts/admin.py keeps its own domain rows next to these (distinct event names)
    assert (
        AuditEvent.objects.filter(event="admin.user_change", object_id=str(person.pk)).count() == 3
    )


def test_admin_rows_neutralise_crlf_and_mask_numbers(admin_client):
    url = reverse("admin:helpdesk_article_add")
    data = form_data(admin_client.get(url).content.decode(), "article_form")
    data.update(
        section="2",
        number="98",
        sort="98",
        slug="crlf-probe",
        question="问题\r\nadmin.delete 伪造行 13800138000 44010619900307123X",
        answer="回答",
    )
    # A line break in a one-line field is refused by the text rule (rencai.core.text)
    # before anything is saved or logged.
    refused = admin_client.post(url, data)
    assert refused.status_code == 400 and "不允许的控制字符" in refused.content.decode()
    data["question"] = "问题 admin.delete 伪造行 13800138000 44010619900307123X"
    assert admin_client.post(url, data).status_code == 302
    row = _admin_rows(object_type="helpdesk.article")[-1]
    assert row.event == "admin.add"
    assert "\n" not in row.detail and "\r" not in row.detail
    assert "13800138000" not in row.detail and "138****8000" in row.detail
    assert "44010619900307123X" not in row.detail and "4401**********123X" in row.detail


def test_command_line_changes_outside_the_admin_write_no_admin_rows(reference_data):
    Office.objects.filter(code="district-440104").update(address="x")
    assert _admin_rows() == []
