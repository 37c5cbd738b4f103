"""Outbox delivery exactly once towards the provider (finding 7 of issue #10).

On 2ff1af0 a whole batch shared one 2-minute lease: with a slow gateway the lease ran out
mid-batch and a second worker sent the rest again, a killed worker's batch waited for
the lease and its in-flight message had nothing to deduplicate it, and sent rows kept
their one-time codes. Here two real `manage.py worker` processes deliver through a real
(slow) HTTP gateway started by the test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core import mail
from django.db import connection

from rencai.core import clock
from rencai.notify.models import OutboxMessage
from rencai.notify.services import outbox_deliver, outbox_enqueue, sms_enqueue
from tests.notify.gateway import serve

ROOT = Path(__file__).resolve().parents[2]
CODE = "483920"


def _db_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(tmp_path: Path, name: str, gateway_url: str, lease: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _db_url(),
        "RENCAI_SMS_BACKEND": "http",
        "RENCAI_SMS_HTTP_URL": gateway_url,
        "RENCAI_SMS_HTTP_TOKEN": "test-token",
        "RENCAI_OUTBOX_LEASE_SECONDS": str(lease),
    }
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.1", "--batch", "500"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _wait(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _queue(n: int) -> list[OutboxMessage]:
    return [
        sms_enqueue(
            mobile=f"1380013{i:04d}",
            body=f"【人才引进】您的登录验证码为{CODE}，10分钟内有效。",
            key=f"otp-test:{i}",
        )
        for i in range(n)
    ]


def _sent() -> int:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count()


def _assert_delivered_once_each(gateway, messages) -> None:
    keys = {str(m.delivery_id) for m in messages}
    assert set(gateway.delivered) == keys  # every message reached the phone, nothing else
    rows = OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])
    assert {r.status for r in rows} == {OutboxMessage.Status.SENT}
    for row in rows:
        assert CODE not in row.body and "验证码为******" in row.body  # scrubbed once sent


@pytest.mark.django_db(transaction=True)
def test_two_workers_and_a_slow_gateway_send_each_message_once(tmp_path):
    gateway, server = serve(delay=0.1)
    messages = _queue(30)
    # 30 sends of 0.1 s take longer than the 2 s lease: the first worker claims the whole
    # batch, the second takes over the rest as their leases run out.
    workers = [_worker(tmp_path, f"w{i}", gateway.url, lease=2) for i in range(2)]
    try:
        _wait(lambda: _sent() == 30, "30 messages sent")
    finally:
        _stop(*workers)
        server.shutdown()
        server.server_close()
    assert gateway.repeats == {}, gateway.repeats  # 0 duplicates, not even deduplicated ones
    assert len(gateway.requests) == 30
    by_key = {r["key"]: r for r in gateway.requests}
    for message in messages:
        request = by_key[str(message.delivery_id)]
        assert request["json"]["id"] == str(message.delivery_id)
        assert request["json"]["to"] == message.recipient and CODE in request["json"]["text"]
        assert request["auth"] == "Bearer test-token"
    _assert_delivered_once_each(gateway, messages)


@pytest.mark.django_db(transaction=True)
def test_killed_workers_claimed_messages_are_delivered_once(tmp_path):
    gateway, server = serve(delay=0.3)
    messages = _queue(10)
    first = _worker(tmp_path, "killed", gateway.url, lease=2)
    try:
        # Kill it while the gateway holds its second request (accepted, not yet answered).
        _wait(lambda: len(gateway.requests) >= 2, "the first worker's second send")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        claimed = set(
            OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
            .exclude(claimed_by="")
            .values_list("pk", flat=True)
        )
        assert len(claimed) >= 8  # its batch: the in-flight message and those behind it
        second = _worker(tmp_path, "second", gateway.url, lease=2)
        try:
            _wait(lambda: _sent() == 10, "the killed worker's messages sent")
        finally:
            _stop(second)
    finally:
        _stop(first)
        server.shutdown()
        server.server_close()
    _assert_delivered_once_each(gateway, messages)
    # At most the in-flight message went out again, with its key: the gateway dropped it.
    assert sum(gateway.repeats.values()) <= 1
    assert len(gateway.requests) == 10 + sum(gateway.repeats.values())


@pytest.mark.django_db
def test_http_gateway_gets_the_same_idempotency_key_on_a_retry(gateway, settings):
    message = sms_enqueue(mobile="13800138000", body="您好", key="retry-me")
    settings.RENCAI_SMS_HTTP_URL = "http://127.0.0.1:9/sms"  # first attempt: refused
    assert outbox_deliver() == 0
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    settings.RENCAI_SMS_HTTP_URL = gateway.url
    assert outbox_deliver() == 1
    assert outbox_deliver() == 0  # sent: never picked again
    assert [r["key"] for r in gateway.requests] == [str(message.delivery_id)]
    assert OutboxMessage.objects.get().attempts == 2


@pytest.mark.django_db
def test_smtp_message_id_is_stable_per_message(settings):
    settings.RENCAI_EMAIL_CHANNEL = "smtp"  # locmem backend in tests
    link = "https://rencai.example.org/accounts/reset/MQ/c3po-0123456789abcdef/"
    message = outbox_enqueue(
        channel="email", recipient="a@example.org", subject="重置密码",
        body=f"请打开以下链接设置新密码：\n{link}\n", key="reset-email:1",
    )  # fmt: skip
    assert outbox_deliver() == 1
    sent = mail.outbox[0].message()
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
    assert sent["Message-ID"] == f"<{message.delivery_id}@{domain}>"
    row = OutboxMessage.objects.get()
    assert link not in row.body and "https://rencai.example.org/…" in row.body


@pytest.mark.django_db
def test_console_channel_keeps_the_body_for_the_development_inbox():
    sms_enqueue(mobile="13800138000", body=f"验证码为{CODE}", key="dev")
    assert outbox_deliver() == 1
    assert CODE in OutboxMessage.objects.get().body


@pytest.mark.django_db
def test_bulk_written_message_gets_one_delivery_id_for_every_attempt(gateway, settings):
    """The deadline sweep COPYs/INSERTs outbox rows without the new columns."""
    now = connection.ops.adapt_datetimefield_value(clock.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notify_outboxmessage (channel, recipient, subject, body,"
            " idempotency_key, status, attempts, next_attempt_at, last_error, created_at)"
            " VALUES ('sms', '13800138000', '', '您好', 'bulk:1', 'pending', 0, %s, '', %s)",
            [now, now],
        )
    url, settings.RENCAI_SMS_HTTP_URL = settings.RENCAI_SMS_HTTP_URL, "http://127.0.0.1:9/sms"
    assert outbox_deliver() == 0  # refused: retried later
    row = OutboxMessage.objects.get()
    assert row.delivery_id is not None and row.claimed_by == ""
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=clock.now())
    settings.RENCAI_SMS_HTTP_URL = url
    assert outbox_deliver() == 1
    assert [r["key"] for r in gateway.requests] == [str(row.delivery_id)]
