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
    if request.path.startswith("/api/"):
        # An /api/ URL that matches no operation answers in the API's one error shape.
        from rencai.api.errors import error_body

        return JsonResponse(error_body("not_found", "对象不存在 Not found."), status=404)
    return render(
        request, "core/error.html", {"code": 404, "title": "页面不存在 Page not found"}, status=404
    )


def request_limits_text() -> dict:
    from django.conf import settings

    from rencai.core.forms import upload_limit_text

    return {
        "form_limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):g} MB",
        "field_limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        "upload_limit": upload_limit_text(),
    }


def bad_request(request, exception=None):
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        # Name the limit and send the person back: the browser keeps what was typed.
        return render(
            request,
            "core/too_big.html",
            {
                "code": 413 if isinstance(exception, RequestDataTooBig) else 400,
                "title": "提交的内容过大 Request too large",
                "too_many_fields": not isinstance(exception, RequestDataTooBig),
                **request_limits_text(),
            },
            # Too many fields is not a size: 400 (what clients and the hardening tests expect).
            status=413 if isinstance(exception, RequestDataTooBig) else 400,
        )
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
