import pytest
from django.core.management import call_command

from rencai.core import worker
from rencai.notify import channels
from rencai.notify.models import OutboxMessage
from rencai.notify.services import outbox_deliver, sms_enqueue
from tests.notify.gateway import gateway  # noqa: F401  (the fixture, shared with tests/notify)


@pytest.mark.django_db
def test_enqueue_is_idempotent_per_key():
    a = sms_enqueue(mobile="13800138000", body="验证码 123456", key="otp:1")
    b = sms_enqueue(mobile="13800138000", body="验证码 123456", key="otp:1")
    assert a.pk == b.pk
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_sms_body_never_carries_an_id_number():
    message = sms_enqueue(mobile="13800138000", body="申请人 44010619900307123X 已受理", key="k")
    assert "44010619900307123X" not in message.body


@pytest.mark.django_db
def test_worker_delivers_once():
    sms_enqueue(mobile="13800138000", body="您好", key="hello")
    assert outbox_deliver() == 1
    assert outbox_deliver() == 0
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


@pytest.mark.django_db
def test_failed_delivery_is_retried_later(monkeypatch, settings):
    def boom(self, message):
        raise RuntimeError("gateway down for 13800138000")

    monkeypatch.setattr(channels.ConsoleChannel, "send", boom)
    sms_enqueue(mobile="13800138000", body="您好", key="retry")
    assert outbox_deliver() == 0
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING
    assert "gateway down" in message.last_error
    assert "13800138000" not in message.last_error
    assert outbox_deliver() == 0  # backoff: not due yet
    monkeypatch.undo()
    from datetime import timedelta

    from rencai.core import clock

    clock.advance(timedelta(minutes=5))
    assert outbox_deliver() == 1


@pytest.mark.django_db
def test_worker_command_once_runs_every_sweep(capsys):
    sms_enqueue(mobile="13800138000", body="您好", key="cli")
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "outbox_sweep: 1" in out
    assert worker.run_once() and OutboxMessage.objects.get().status == "sent"


@pytest.mark.django_db
def test_http_sms_channel_posts_json(gateway):  # noqa: F811
    """A real HTTP server (tests/notify/gateway.py) receives what the channel sends."""
    message = sms_enqueue(mobile="13800138000", body="您好", key="http-1")
    assert outbox_deliver() == 1
    key = str(message.delivery_id)
    assert gateway.requests == [
        {
            "key": key,
            "json": {"to": "13800138000", "text": "您好", "id": key},
            "auth": "Bearer test-token",
        }
    ]
