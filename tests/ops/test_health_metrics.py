"""/healthz, /readyz and /metrics through HTTP; the metrics parsed by Prometheus's own parser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from rencai.cases.models import Case
from rencai.core import clock
from rencai.core.worker import run_once
from rencai.notify.models import OutboxMessage
from rencai.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def checks(response) -> dict:
    return {c["name"]: c for c in response.json()["checks"]}


def test_liveness_needs_nothing(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ready_after_a_worker_round_then_not_when_the_worker_stops(client, settings, media):
    r = client.get("/readyz")
    assert r.status_code == 503
    assert "no worker has ever run" in checks(r)["worker"]["detail"]

    run_once(batch=10)
    r = client.get("/readyz")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "ready"

    # the worker stops: within a minute (the default limit) readiness fails and says why
    WorkerHeartbeat.objects.update(seen_at=clock.now() - timedelta(seconds=61))
    r = client.get("/readyz")
    assert r.status_code == 503
    assert checks(r)["worker"]["ok"] is False
    assert "last heartbeat 61 s ago (limit 60 s)" in checks(r)["worker"]["detail"]


def test_a_stuck_outbox_and_a_stalled_deadline_sweep_are_not_ready(client, media, demo_data):
    run_once(batch=500)
    assert client.get("/readyz").status_code == 200
    OutboxMessage.objects.create(
        channel="sms", recipient="13900000000", body="x", idempotency_key="stuck",
        next_attempt_at=clock.now() - timedelta(minutes=11), created_at=clock.now(),
    )  # fmt: skip
    case = Case.objects.exclude(status="draft").first()
    Case.objects.filter(pk=case.pk).update(
        due_at=clock.now() - timedelta(minutes=20), due_action="auto_accept"
    )
    from rencai.ops.services import worker_heartbeat

    worker_heartbeat()  # the worker is alive, yet the work does not move
    r = client.get("/readyz")
    assert r.status_code == 503
    assert "1 messages waiting" in checks(r)["outbox"]["detail"]
    assert checks(r)["deadlines"]["ok"] is False


def test_next_years_holidays_missing_in_december_is_a_warning_not_an_outage(client, media):
    run_once(batch=10)
    r = client.get("/readyz")
    holidays = checks(r)["holidays"]
    assert holidays["critical"] is False
    if clock.today().month == 12 and not holidays["ok"]:
        assert str(clock.today().year + 1) in holidays["detail"]
    assert r.status_code == 200


def test_metrics_are_valid_prometheus_text(client, demo_data, settings):
    settings.RENCAI_METRICS_TOKEN = "t0ken-for-tests"
    client.get("/help/")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    r = client.get("/metrics", headers={"Authorization": "Bearer t0ken-for-tests"})
    assert r.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(r.content.decode())}
    for name in (
        "rencai_request_duration_seconds",
        "rencai_cases",
        "rencai_transitions",
        "rencai_outbox_messages",
        "rencai_deadlines_due",
        "rencai_deadline_lag_seconds",
        "rencai_worker_heartbeat_age_seconds",
    ):
        assert name in families, name
    cases = {s.labels["status"]: s.value for s in families["rencai_cases"].samples}
    assert sum(cases.values()) == Case.objects.count()
    views = {s.labels.get("view") for s in families["rencai_request_duration_seconds"].samples}
    assert "helpdesk:index" in views or any(v and v.startswith("helpdesk") for v in views)
    outbox = {s.labels["status"] for s in families["rencai_outbox_messages"].samples}
    assert outbox == {"pending", "sent", "failed"}


def test_metrics_without_a_token_only_from_loopback(client, settings):
    settings.RENCAI_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.PRODUCTION = True
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
