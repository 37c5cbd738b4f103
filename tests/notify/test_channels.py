"""Delivery channels: SMTP through Django's mail API, the retry limit, code-free logs and
the channels' system checks."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from rencai.accounts.models import User
from rencai.core import clock
from rencai.notify.models import OutboxMessage
from rencai.notify.services import MAX_ATTEMPTS, outbox_deliver, sms_enqueue

MOBILE = "13912345678"


@pytest.fixture
def person(db):
    return User.objects.create_user(
        "zhangsan", "Zhang#San2026", real_name="张三", mobile=MOBILE, email="zs@example.org"
    )


@pytest.mark.django_db
def test_smtp_channel_delivers_a_reset_email_through_djangos_mail_api(settings, person):
    settings.RENCAI_EMAIL_CHANNEL = "smtp"  # the test run's MAILERS backend is locmem
    r = Client().post(reverse("accounts:recover_email"), {"email": "ZS@example.org"})
    assert r.status_code == 200
    assert mail.outbox == []  # queued in the outbox, not sent inside the request
    assert outbox_deliver() == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["zs@example.org"] and sent.subject == "【人才引进】重置密码"
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    assert "/accounts/reset/" in sent.body and "zhangsan" in sent.body
    message = OutboxMessage.objects.get(channel="email")
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1


@pytest.mark.django_db
def test_message_fails_for_good_after_max_attempts(settings):
    settings.RENCAI_SMS_BACKEND = "http"
    settings.RENCAI_SMS_HTTP_URL = "http://127.0.0.1:9/sms"  # nothing listens: refused
    sms_enqueue(mobile=MOBILE, body="您好", key="doomed")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert outbox_deliver() == 0
        message = OutboxMessage.objects.get()
        assert message.attempts == attempt
        expected = (
            OutboxMessage.Status.FAILED if attempt == MAX_ATTEMPTS else OutboxMessage.Status.PENDING
        )
        assert message.status == expected
        clock.advance(timedelta(days=1))
    assert message.last_error and MOBILE not in message.last_error
    assert outbox_deliver() == 0  # a failed message is never picked up again
    assert OutboxMessage.objects.get().attempts == MAX_ATTEMPTS


@pytest.mark.django_db
def test_console_channel_log_line_never_carries_the_code(caplog, person):
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.post(reverse("accounts:sms_login"), {"mobile": MOBILE, "action": "send"})
    body = OutboxMessage.objects.get(channel="sms").body
    code = re.search(r"验证码为(\d{6})", body).group(1)  # the dev inbox still shows it
    with caplog.at_level(logging.INFO, logger="rencai.notify.channels"):
        assert outbox_deliver() == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "rencai.notify.channels"]
    assert len(lines) == 1
    assert code not in lines[0] and "验证码为******" in lines[0]
    assert MOBILE not in lines[0] and "139****5678" in lines[0]


def test_log_filter_masks_codes_ids_and_mobiles():
    config = django_settings.LOGGING["filters"]["mask_pii"]
    log_filter = import_string(config["()"])()
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "sent %s to %s: 您的登录验证码为%s; OTP code=%s; order %s",
        ("44010619900307123X", "13800138000", "482913", "105733", "123456"),
        None,
    )
    assert log_filter.filter(record)
    line = record.getMessage()
    for secret in ("44010619900307123X", "13800138000", "482913", "105733"):
        assert secret not in line
    assert "验证码为******" in line and "code=******" in line
    assert "order 123456" in line  # an unlabelled number stays readable


# --- system checks -----------------------------------------------------------------


def _check(*args) -> str:
    try:
        call_command("check", *args)
    except SystemCheckError as exc:
        return str(exc)
    return ""


def test_console_channels_are_errors_in_production_deploy_checks(settings):
    settings.PRODUCTION = True
    out = _check("--deploy", "--tag", "notify")
    assert out.count("notify.E003") == 2
    assert "RENCAI_SMS_BACKEND=console" in out and "RENCAI_EMAIL_CHANNEL=console" in out
    settings.PRODUCTION = False
    assert _check("--deploy", "--tag", "notify") == ""


def test_http_sms_without_url_and_smtp_without_host_are_errors(settings):
    settings.RENCAI_SMS_BACKEND = "http"
    settings.RENCAI_SMS_HTTP_URL = ""
    settings.RENCAI_EMAIL_CHANNEL = "smtp"
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {}}
    }
    out = _check("--tag", "notify")
    assert "RENCAI_SMS_BACKEND=http: RENCAI_SMS_HTTP_URL is not set" in out
    assert "RENCAI_EMAIL_CHANNEL=smtp: EMAIL_HOST is not set" in out
    settings.RENCAI_SMS_HTTP_URL = "https://sms.example.org/send"
    settings.MAILERS["default"]["OPTIONS"] = {"host": "smtp.example.org"}
    assert _check("--tag", "notify") == ""


def test_unknown_channel_name_is_an_error(settings):
    settings.RENCAI_SMS_BACKEND = "carrier-pigeon"
    assert "notify.E001" in _check("--tag", "notify")


def test_identity_provider_checks_are_registered(settings):
    settings.RENCAI_OIDC = {"issuer": "https://id.example.org", "client_id": ""}
    out = _check("--tag", "accounts")
    assert "accounts.E001" in out and "RENCAI_OIDC_CLIENT_ID is not set" in out
    settings.RENCAI_OIDC = {"issuer": "https://id.example.org", "client_id": "rencai"}
    assert _check("--tag", "accounts") == ""
