from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "core/home.html")


@require_GET
def healthz(request):
    """Liveness: the process answers. It asks nothing of the database on purpose (a database
    outage must not make an orchestrator restart every web process); /readyz does."""
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    return render(
        request, "core/error.html", {"code": 404, "title": "页面不存在 Page not found"}, status=404
    )


def bad_request(request, exception=None):
    return render(
        request, "core/error.html", {"code": 400, "title": "请求无效 Bad request"}, status=400
    )


def server_error(request):
    return render(
        request, "core/error.html", {"code": 500, "title": "系统繁忙 Server error"}, status=500
    )


def csrf_failure(request, reason=""):
    response = render(
        request,
        "core/error.html",
        {
            "code": 403,
            "title": "页面已过期，请返回刷新后重试 Page expired, please reload",
        },
        status=403,
    )
    return response
