"""Prometheus metrics on /metrics.

Two kinds: request latency, counted in each process by `RequestMetricsMiddleware` (gunicorn's
workers share them through prometheus_client's multiprocess mode: `rencai serve` sets
PROMETHEUS_MULTIPROC_DIR), and the state of the work, read from the database at scrape time
by `WorkCollector` — exact whichever process answers, and nothing to keep in step.
"""

from __future__ import annotations

import logging
import os
import time
import uuid

from django.db.models import Count, Min
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY

from rencai.core import clock
from rencai.core import logging as context

request_log = logging.getLogger("rencai.request")

REQUEST_LATENCY = Histogram(
    "rencai_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    """Times every request for /metrics and writes one structured log line for it:
    request id (taken from X-Request-ID when a proxy set one, echoed back), user id, view,
    method, status and duration. The path is logged without its query string, which may
    carry search terms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        rid = _request_id(request.headers.get("X-Request-ID", ""))
        token = context.request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        duration = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.url_name or "") if match else ""
        user = getattr(request, "user", None)
        uid = str(user.pk) if user is not None and user.is_authenticated else ""
        response.headers["X-Request-ID"] = rid
        request_log.info(
            "request",
            extra={
                "request_id": rid, "user_id": uid, "view": view or "unmatched",
                "method": request.method, "path": request.path, "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
            },
        )  # fmt: skip
        REQUEST_LATENCY.labels(
            view=view or "unmatched",
            method=request.method
            if request.method in ("GET", "POST", "PATCH", "PUT", "DELETE")
            else "other",
            status=f"{response.status_code // 100}xx",
        ).observe(duration)
        return response


def _request_id(given: str) -> str:
    """A proxy's id when it looks like one (no log injection), else a new one."""
    if 8 <= len(given) <= 64 and all(c.isalnum() or c in "-_." for c in given):
        return given
    return uuid.uuid4().hex


class WorkCollector:
    """Cases, transitions, outbox, deadlines and workers, from the database."""

    def collect(self):
        from rencai.cases.models import Case, CaseEvent
        from rencai.notify.models import OutboxMessage
        from rencai.ops.models import WorkerHeartbeat

        now = clock.now()
        cases = GaugeMetricFamily("rencai_cases", "Applications by status.", labels=["status"])
        for row in Case.objects.values("status").annotate(n=Count("id")).order_by():
            cases.add_metric([row["status"]], row["n"])
        yield cases

        transitions = CounterMetricFamily(
            "rencai_transitions", "Transitions recorded, by process and action.",
            labels=["process", "action"],
        )  # fmt: skip
        for row in CaseEvent.objects.values("action").annotate(n=Count("id")).order_by():
            transitions.add_metric(["case", row["action"]], row["n"])
        yield transitions

        outbox = GaugeMetricFamily("rencai_outbox_messages", "Outbox by status.", labels=["status"])
        seen = dict.fromkeys(OutboxMessage.Status.values, 0)
        for row in OutboxMessage.objects.values("status").annotate(n=Count("id")).order_by():
            seen[row["status"]] = row["n"]
        for status, n in seen.items():
            outbox.add_metric([status], n)
        yield outbox

        due = Case.objects.filter(due_at__isnull=False, due_at__lte=now)
        agg = due.aggregate(n=Count("id"), oldest=Min("due_at"))
        yield GaugeMetricFamily(
            "rencai_deadlines_due", "Deadlines due and not yet fired.", value=agg["n"]
        )
        lag = (now - agg["oldest"]).total_seconds() if agg["oldest"] else 0.0
        yield GaugeMetricFamily(
            "rencai_deadline_lag_seconds", "How long the oldest due deadline has waited.", value=lag
        )
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        last = last.first()
        yield GaugeMetricFamily(
            "rencai_worker_heartbeat_age_seconds",
            "Seconds since the most recent worker heartbeat (-1: never).",
            value=(now - last).total_seconds() if last else -1.0,
        )
        yield GaugeMetricFamily(
            "rencai_workers_known",
            "Worker processes seen in the last day.",
            value=WorkerHeartbeat.objects.count(),
        )


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(WorkCollector())
    return generate_latest(registry)
