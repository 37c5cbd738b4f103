"""One error shape for the whole API: {"code", "message", "field"}."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from rencai.core.errors import DomainError


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(
            request,
            {"code": exc.code, "message": exc.message, "field": exc.field},
            status=exc.status,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request,
            {"code": "not_found", "message": "对象不存在 Not found", "field": None},
            status=404,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            {"code": "unauthenticated", "message": "请先登录 Log in first", "field": None},
            status=401,
        )

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        loc = [
            str(part) for part in first.get("loc", []) if part not in ("body", "payload", "query")
        ]
        return api.create_response(
            request,
            {
                "code": "invalid",
                "message": f"字段“{'.'.join(loc)}”无效：{first.get('msg', '')}",
                "field": ".".join(loc) or None,
                "errors": exc.errors,
            },
            status=422,
        )
