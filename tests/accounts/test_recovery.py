from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.core import clock
from rencai.notify.models import OutboxMessage

from .conftest import PASSWORD, ip_client, make_id

NUMBER = make_id("44010619900307121")
OTHER_NUMBER = make_id("44010619900307555")


def body_without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.django_db
def test_recover_page_offers_three_ways(client):
    html = client.get(reverse("accounts:recover")).content.decode()
    assert "找回登录名" in html and "短信验证码重置密码" in html and "邮件重置密码" in html


@pytest.mark.django_db
def test_login_name_sent_by_sms_never_shown(user):
    url = reverse("accounts:recover_name")
    hit = ip_client().post(url, {"mobile": user.mobile, "id_number": NUMBER.lower()})
    clock.advance(timedelta(minutes=2))
    miss_id = ip_client("10.0.0.5").post(url, {"mobile": user.mobile, "id_number": OTHER_NUMBER})
    miss_all = ip_client("10.0.0.6").post(url, {"mobile": "13700000001", "id_number": OTHER_NUMBER})
    assert hit.status_code == miss_id.status_code == miss_all.status_code == 200
    assert "zhangsan" not in hit.content.decode()
    # Same page for a match and a mismatch (apart from the CSRF token).
    assert body_without_csrf(hit) == body_without_csrf(miss_all)
    sms = OutboxMessage.objects.filter(channel="sms")
    assert sms.count() == 1
    assert sms.get().recipient == user.mobile and "zhangsan" in sms.get().body
    assert NUMBER not in sms.get().body
    assert AuditEvent.objects.filter(event="account.recover_name").count() == 3


@pytest.mark.django_db
def test_login_name_recovery_rate_limited_alike(user):
    url = reverse("accounts:recover_name")
    c = ip_client()
    c.post(url, {"mobile": user.mobile, "id_number": NUMBER})
    c.post(url, {"mobile": "13700000001", "id_number": NUMBER})
    r1 = c.post(url, {"mobile": user.mobile, "id_number": NUMBER})
    r2 = c.post(url, {"mobile": "13700000001", "id_number": NUMBER})
    assert r1.status_code == r2.status_code == 429


@pytest.mark.django_db
def test_recover_form_errors_name_the_field(client):
    r = client.post(reverse("accounts:recover_name"), {"mobile": "1", "id_number": "123"})
    html = r.content.decode()
    assert "手机号码须为11位" in html and "身份证号码格式错误" in html


@pytest.mark.django_db
def test_password_reset_by_sms(user):
    url = reverse("accounts:recover_sms")
    c = ip_client()
    known = c.post(url, {"action": "send", "mobile": user.mobile})
    unknown = ip_client("10.0.0.7").post(url, {"action": "send", "mobile": "13700000002"})
    assert known.status_code == unknown.status_code == 200
    assert body_without_csrf(known).replace(user.mobile, "M") == body_without_csrf(unknown).replace(
        "13700000002", "M"
    )
    code = re.search(
        r"验证码为(\d{6})", OutboxMessage.objects.get(recipient=user.mobile).body
    ).group(1)
    # Wrong code and unknown mobile get one message.
    bad = c.post(
        url,
        {
            "action": "reset",
            "mobile": user.mobile,
            "code": "000000" if code != "000000" else "111111",
            "password1": "New#Pass2027",
            "password2": "New#Pass2027",
        },
    )
    none = c.post(
        url,
        {
            "action": "reset",
            "mobile": "13700000002",
            "code": "123456",
            "password1": "New#Pass2027",
            "password2": "New#Pass2027",
        },
    )
    for r in (bad, none):
        assert r.status_code == 200 and "验证码错误或已失效" in r.content.decode()
    # A password containing the login name is refused and the code stays usable.
    r = c.post(
        url,
        {
            "action": "reset",
            "mobile": user.mobile,
            "code": code,
            "password1": "Zhangsan#Qx2027",
            "password2": "Zhangsan#Qx2027",
        },
    )
    assert "密码不能包含登录名" in r.content.decode()
    r = c.post(
        url,
        {
            "action": "reset",
            "mobile": user.mobile,
            "code": code,
            "password1": "New#Pass2027",
            "password2": "New#Pass2027",
        },
    )
    assert r.status_code == 302 and r.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password("New#Pass2027")
    assert user.sessions_valid_after is not None
    assert OutboxMessage.objects.filter(recipient=user.mobile, body__contains="密码已重置").exists()
    # The code is single use.
    r = c.post(
        url,
        {
            "action": "reset",
            "mobile": user.mobile,
            "code": code,
            "password1": "Other#Pass2028",
            "password2": "Other#Pass2028",
        },
    )
    assert "验证码错误或已失效" in r.content.decode()


@pytest.mark.django_db
def test_password_reset_by_email_link(client, user):
    url = reverse("accounts:recover_email")
    hit = client.post(url, {"email": "ZS@example.org"})
    miss = client.post(url, {"email": "nobody@example.org"})
    assert hit.status_code == miss.status_code == 200
    assert body_without_csrf(hit) == body_without_csrf(miss)
    mail = OutboxMessage.objects.get(channel="email")
    assert mail.recipient == "zs@example.org"
    link = re.search(r"https?://\S+", mail.body).group(0)
    path = "/" + link.split("/", 3)[3]
    r = client.get(path)
    assert r.status_code == 302 and "set-password" in r.url  # token moved out of the URL
    page = client.get(r.url)
    assert page.status_code == 200
    html = client.post(r.url, {"password1": "abc", "password2": "abc"}).content.decode()
    assert "密码至少需要12个字符" in html
    r2 = client.post(r.url, {"password1": "Mail#Reset2027", "password2": "Mail#Reset2027"})
    assert r2.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mail#Reset2027")
    # The link works once.
    assert client.get(path).status_code == 400
    assert AuditEvent.objects.filter(event="account.password_reset", detail="email").exists()


@pytest.mark.django_db
def test_bad_reset_links_are_400(client, user):
    assert client.get("/accounts/reset/MQ/bad-token/").status_code == 400
    assert client.get("/accounts/reset/%%%/set-password/").status_code == 400
    assert client.get("/accounts/reset/OTk5OTk/set-password/").status_code == 400


@pytest.mark.django_db
def test_old_password_no_longer_works_after_reset(client, user):
    from rencai.accounts.services import password_reset_by_email

    password_reset_by_email(user=user, password="Fresh#Pass2027")
    r = client.post(reverse("accounts:login"), {"username": "zhangsan", "password": PASSWORD})
    assert r.status_code == 200
