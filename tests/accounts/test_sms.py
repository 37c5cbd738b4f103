from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from rencai.accounts.models import OneTimeCode
from rencai.audit.models import AuditEvent
from rencai.core import clock
from rencai.notify.models import OutboxMessage

from .conftest import ip_client

SMS_LOGIN = reverse("accounts:sms_login")
DASHBOARD = reverse("accounts:dashboard")
MOBILE = "13912345678"


def send(client, mobile=MOBILE):
    return client.post(SMS_LOGIN, {"mobile": mobile, "action": "send"})


def last_code(mobile=MOBILE) -> str:
    body = OutboxMessage.objects.filter(recipient=mobile, channel="sms").first().body
    return re.search(r"验证码为(\d{6})", body).group(1)


def sms_login(client, code, mobile=MOBILE):
    return client.post(SMS_LOGIN, {"mobile": mobile, "code": code, "action": "login"})


@pytest.mark.django_db
def test_sms_login_code_is_single_use(user):
    c = ip_client()
    r = send(c)
    assert r.status_code == 200 and "验证码已发送" in r.content.decode()
    code = last_code()
    otp = OneTimeCode.objects.get()
    assert code not in otp.code_hash and len(otp.code_hash) == 64
    r = sms_login(c, code)
    assert r.status_code == 302 and r.url == DASHBOARD
    assert AuditEvent.objects.filter(event="login", actor=user, detail__contains="via=sms").exists()
    other = ip_client("10.0.0.9")
    r = sms_login(other, code)
    assert r.status_code == 200
    assert "验证码错误或已失效" in r.content.decode()


@pytest.mark.django_db
def test_sms_code_expires_after_ten_minutes(user):
    c = ip_client()
    send(c)
    code = last_code()
    clock.advance(timedelta(minutes=10, seconds=1))
    assert sms_login(c, code).status_code == 200


@pytest.mark.django_db
def test_sms_code_valid_just_before_ten_minutes(user):
    c = ip_client()
    send(c)
    code = last_code()
    clock.advance(timedelta(minutes=9, seconds=59))
    assert sms_login(c, code).status_code == 302


@pytest.mark.django_db
def test_five_wrong_tries_burn_the_code(user):
    c = ip_client()
    send(c)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert sms_login(c, wrong).status_code == 200
    # The 5th failure also locks the account (SMS failures count for axes too).
    r = sms_login(c, wrong)
    assert r.status_code == 429
    assert "登录失败次数过多" in r.content.decode()
    otp = OneTimeCode.objects.get()
    assert otp.attempts == 5
    # Even the right code no longer works: attempts exhausted, account locked.
    assert sms_login(c, code).status_code == 429


@pytest.mark.django_db
def test_sms_failures_and_password_failures_share_the_lockout(client, user):
    c = ip_client()
    for _ in range(3):
        c.post(reverse("accounts:login"), {"username": "zhangsan", "password": "Wrong#1234"})
    send(c)
    for _ in range(2):
        r = sms_login(c, "999999")
    assert r.status_code == 429


@pytest.mark.django_db
def test_new_code_replaces_the_old_one(user):
    c = ip_client()
    send(c)
    first = last_code()
    clock.advance(timedelta(minutes=2))
    send(c)
    second = last_code()
    if first != second:
        assert sms_login(c, first).status_code == 200
    assert sms_login(c, second).status_code == 302


@pytest.mark.django_db
def test_rate_limit_per_phone(user):
    c = ip_client()
    assert send(c).status_code == 200
    r = send(c)
    assert r.status_code == 429 and "每分钟只能获取1次" in r.content.decode()
    for _ in range(4):
        clock.advance(timedelta(minutes=1, seconds=1))
        assert send(c).status_code == 200
    clock.advance(timedelta(minutes=1, seconds=1))
    r = send(c)
    assert r.status_code == 429 and "每小时最多获取5次" in r.content.decode()
    clock.advance(timedelta(hours=1))
    assert send(c).status_code == 200
    assert OutboxMessage.objects.filter(recipient=MOBILE).count() == 6


@pytest.mark.django_db
def test_rate_limit_per_ip(db):
    c = ip_client("10.3.3.3")
    for i in range(20):
        assert send(c, f"1370000{i:04d}").status_code == 200
    r = send(c, "13700009999")
    assert r.status_code == 429 and "网络的请求过多" in r.content.decode()
    # Another address is not affected.
    assert send(ip_client("10.4.4.4"), "13700009999").status_code == 200


@pytest.mark.django_db
def test_unknown_mobile_same_answer_no_sms(user):
    c = ip_client()
    known = send(c)
    unknown = send(c, "13700000000")
    assert known.status_code == unknown.status_code == 200
    assert "验证码已发送" in unknown.content.decode()
    assert not OutboxMessage.objects.filter(recipient="13700000000").exists()
    assert OneTimeCode.objects.filter(mobile="13700000000").exists()  # counts for rate limits


@pytest.mark.django_db
def test_sms_form_errors(user):
    c = ip_client()
    html = c.post(SMS_LOGIN, {"mobile": "123", "action": "send"}).content.decode()
    assert "手机号码须为11位" in html
    html = c.post(SMS_LOGIN, {"mobile": MOBILE, "action": "login"}).content.decode()
    assert "短信验证码：请输入收到的6位验证码" in html
