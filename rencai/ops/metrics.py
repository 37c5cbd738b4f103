"""Prometheus metrics on /metrics.

Two kinds: request latency, counted in each process by `RequestMetricsMiddleware` (gunicorn's
workers share them through prometheus_client's multiprocess mode: `rencai serve` sets
PROMETHEUS_MULTIPROC_DIR), and the state of the work, read from the database at scrape time
by `WorkCollector` — exact whichever process answers, and nothing to keep in step.
"""

from __future__ import annotations

import os
import time

from django.db.models import Count, Min
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY

from rencai.core import clock

REQUEST_LATENCY = Histogram(
    "rencai_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.url_name or "") if match else ""
        REQUEST_LATENCY.labels(
            view=view or "unmatched",
            method=request.method
            if request.method in ("GET", "POST", "PATCH", "PUT", "DELETE")
            else "other",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


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
