from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.notify.models import OutboxMessage
from rencai.notify.services import outbox_enqueue, sms_enqueue

URL = "/notify/dev-inbox/"


def test_url_name():
    assert reverse("notify:dev_inbox") == URL


@pytest.mark.django_db
def test_inbox_lists_messages_with_full_mobile_and_no_id_numbers(client, settings):
    settings.RENCAI_DEV_INBOX = True
    sms_enqueue(mobile="13800138001", body="验证码为123456，身份证440106199003071213", key="k1")
    outbox_enqueue(
        channel="email",
        recipient="a@example.org",
        subject="重置密码",
        body="https://x/reset",
        key="k2",
    )
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert "13800138001" in html and "123456" in html and "a@example.org" in html
    assert "440106199003071213" not in html
    r = client.get(URL + "?to=13800138001")
    assert "a@example.org" not in r.content.decode()


@pytest.mark.django_db
def test_inbox_is_404_when_disabled(client, settings):
    settings.RENCAI_DEV_INBOX = False
    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_outbox_admin(client, db):
    from rencai.accounts.models import User
    from tests.backoffice.second_factor import verified_client

    client = verified_client(User.objects.create_superuser("root", "Admin#2026x"))
    m = sms_enqueue(mobile="13800138001", body="hello", key="k3")
    assert client.get(reverse("admin:notify_outboxmessage_changelist")).status_code == 200
    assert client.get(reverse("admin:notify_outboxmessage_change", args=[m.pk])).status_code == 200
    OutboxMessage.objects.filter(pk=m.pk).update(status="failed")
    r = client.post(
        reverse("admin:notify_outboxmessage_changelist"),
        {"action": "retry_now", "_selected_action": [m.pk]},
    )
    assert r.status_code == 302
    assert OutboxMessage.objects.get(pk=m.pk).status == "pending"
