import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rencai.ops import health, metrics


@never_cache
@require_GET
def readyz(request):
    """Readiness for a load balancer or orchestrator: 503 and the reason when not ready."""
    ready, checks = health.readiness()
    return JsonResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status=200 if ready else 503,
        json_dumps_params={"ensure_ascii": False},
    )


def _metrics_allowed(request) -> bool:
    token = getattr(settings, "RENCAI_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    if getattr(settings, "PRODUCTION", False):
        return False  # no token configured: closed (the deploy check says so)
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def metrics_view(request):
    if not _metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
