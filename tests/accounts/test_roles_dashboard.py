from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.accounts import roles
from rencai.accounts.models import RoleGrant, User
from rencai.audit.models import AuditEvent
from rencai.core import clock
from rencai.core.demo import DEMO_PASSWORD
from tests.backoffice.second_factor import mark_second_factor_passed

SWITCH = reverse("accounts:switch")
DASHBOARD = reverse("accounts:dashboard")


def demo_login(client, login_name):
    r = client.post(reverse("accounts:login"), {"username": login_name, "password": DEMO_PASSWORD})
    assert r.status_code == 302


@pytest.mark.django_db
def test_dashboard_shows_rare_name_and_masked_numbers(client, demo_data):
    demo_login(client, "demo_applicant")
    html = client.get(DASHBOARD).content.decode()
    user = User.objects.get(login_name="demo_applicant")
    number = user.reveal_id_number()
    assert "李𠇔华" in html
    assert number not in html and "4401**********" + number[-4:] in html
    assert "138****8001" in html and "13800138001" not in html
    assert reverse("helpdesk:index") in html and reverse("helpdesk:directory") in html


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    r = client.get(DASHBOARD)
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_switch_lists_grants_and_switches(client, demo_data):
    demo_login(client, "demo_unitadmin")
    user = User.objects.get(login_name="demo_unitadmin")
    grant = RoleGrant.objects.get(user=user)
    html = client.get(SWITCH).content.decode()
    assert "个人" in html and str(grant.unit) in html
    r = client.post(SWITCH, {"grant": grant.pk})
    assert r.status_code == 302
    assert client.session[roles.SESSION_KEY] == grant.pk
    assert client.session["acting_as_label"] == str(grant.unit)
    page = client.get(DASHBOARD)
    assert page.context["acting_as"].unit == grant.unit
    event = AuditEvent.objects.get(event="role.switch")
    assert event.actor == user and event.acting_as == str(grant.unit)
    client.post(SWITCH, {"grant": "personal"})
    assert roles.SESSION_KEY not in client.session
    assert client.get(DASHBOARD).context["acting_as"].is_personal


@pytest.mark.django_db
def test_cannot_switch_to_someone_elses_grant(client, demo_data):
    demo_login(client, "demo_applicant")
    foreign = RoleGrant.objects.exclude(user__login_name="demo_applicant").first()
    r = client.post(SWITCH, {"grant": foreign.pk})
    assert r.status_code == 404
    assert "该身份不存在或已被撤销" in r.content.decode()
    assert client.post(SWITCH, {"grant": "abc"}).status_code == 404


@pytest.mark.django_db
def test_revoked_grant_falls_back_to_personal(client, demo_data):
    demo_login(client, "demo_sasac")
    grant = RoleGrant.objects.get(user__login_name="demo_sasac")
    mark_second_factor_passed(client, grant.user)  # officials switch after the second factor
    client.post(SWITCH, {"grant": grant.pk})
    assert client.get(DASHBOARD).context["acting_as"].office == grant.office
    RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=clock.now())
    page = client.get(DASHBOARD)
    assert page.context["acting_as"].is_personal
    assert client.session["acting_as_label"] == "个人"


@pytest.mark.django_db
def test_switch_requires_post_with_csrf(demo_data):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    token = c.get(reverse("accounts:login")).context["csrf_token"]
    c.post(
        reverse("accounts:login"),
        {"username": "demo_sasac", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": str(token)},
    )
    grant = RoleGrant.objects.get(user__login_name="demo_sasac")
    assert c.post(SWITCH, {"grant": grant.pk}).status_code == 403


def test_elder_mode_switch_is_remembered_on_the_person_and_the_device(client, django_user_model):
    """长辈版 (issue #11): a header switch; a field on the user, a cookie for anonymous."""
    from rencai.accounts.views_display import COOKIE

    page = client.get("/").content.decode()
    assert 'class="elder"' not in page and 'name="on" value="1"' in page
    response = client.post("/accounts/display/elder/", {"on": "1", "next": "/help/"})
    assert response.status_code == 302 and response["Location"] == "/help/"
    assert response.cookies[COOKIE].value == "1"
    assert 'class="elder"' in client.get("/").content.decode()
    # an unsafe next is refused
    response = client.post("/accounts/display/elder/", {"on": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    user = django_user_model.objects.create_user(
        "elder1", "Pw@123456", real_name="长辈", mobile="13900001111"
    )
    client.force_login(user)
    assert 'class="elder"' not in client.get("/").content.decode()  # the person's own choice
    client.post("/accounts/display/elder/", {"on": "1", "next": "/"})
    user.refresh_from_db()
    assert user.elder_mode is True
    client.cookies.pop(COOKIE, None)
    assert 'class="elder"' in client.get("/accounts/").content.decode()
