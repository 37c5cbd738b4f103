"""One error shape for the whole API (schema `rencai.api.schemas.Error`):

    {"code": "...", "message": "中文在前，指明字段…", "field": "qualification_name" | null,
     "errors": [{"field": ..., "message": ...}, ...]}

for business rules (DomainError 400/403/404/409/429), request validation (422), malformed
JSON (400), unknown objects (404), authentication (401), CSRF (403) and over-size bodies (413).
`declare_error_responses` adds these answers to every operation of the OpenAPI document.
"""

from __future__ import annotations

import functools
import math

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpResponseBase
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from rencai.api.schemas import Error
from rencai.core.errors import DomainError

#: Error answers every operation may give (on top of what it declares itself).
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)

_LOCATIONS = {"body", "payload", "query", "path", "form", "file", "header", "cookie"}

# pydantic error types → Chinese, formatted with the error's ctx.
_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_type": "应为字符串",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不带时间",
    "datetime_type": "应为日期时间（ISO 8601）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "literal_error": "可选值：{expected}",
    "enum": "可选值：{expected}",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
}
#: Our own validators' messages already name the field (rencai.api.schemas).
_OWN_TYPES = {"text_rule", "date_in_future"}


def _field(loc) -> str | None:
    # (location, parameter, field, ...): only the leading ones are not part of the field's
    # path (a field may itself be called "body").
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts.pop(0)
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts.pop(0)
    # A union member's type name (e.g. "str", "int") is not part of the field's path.
    parts = [p for p in parts if p not in ("str", "int", "date", "bool", "none", "function-after")]
    return ".".join(parts) or None


def _message(error: dict, field: str | None) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _OWN_TYPES or (kind == "string_too_long" and "label" in ctx):
        return str(error.get("msg", ""))
    template = _PYDANTIC_MESSAGES.get(kind)
    name = f"字段“{field}”" if field else "请求体"
    if template is None:
        detail = str(error.get("msg", "")).removeprefix("Value error, ")
        return f"{name}：输入无效（{detail}）。"
    try:
        text = template.format(**{k: str(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        text = template
    return f"{name}：{text}。"


def validation_body(errors: list[dict]) -> dict:
    items, seen = [], set()
    for error in errors:
        field = _field(error.get("loc", ()))
        if field in seen:
            continue  # one message per field (a union reports each member)
        seen.add(field)
        items.append({"field": field, "message": _message(error, field)})
    if not items:
        items = [{"field": None, "message": "请求无效。"}]
    message = "；".join(i["message"].rstrip("。") for i in items[:3]) + "。"
    if len(items) > 3:
        message = message.rstrip("。") + f"（共 {len(items)} 处）。"
    return {"code": "invalid", "message": message, "field": items[0]["field"], "errors": items}


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {
        "code": code,
        "message": message,
        "field": field,
        "errors": [{"field": field, "message": message}],
    }


_HTTP_MESSAGES = {
    400: ("bad_request", "请求无效 Bad request."),
    401: ("unauthenticated", "请先登录 Log in first."),
    403: ("forbidden", "没有权限 Forbidden."),
    404: ("not_found", "对象不存在 Not found."),
    405: ("method_not_allowed", "不支持的请求方法 Method not allowed."),
    409: ("conflict", "状态冲突 Conflict."),
    429: ("rate_limited", "请求过于频繁，请稍后再试 Too many requests."),
}


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, body: dict, status: int):
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return respond(request, error_body(exc.code, exc.message, exc.field), exc.status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, error_body("not_found", "对象不存在 Not found."), 404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, error_body("unauthenticated", "请先登录 Log in first."), 401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        text = str(exc)
        if exc.status_code == 400 and text.startswith("Cannot parse request body"):
            body = error_body(
                "malformed_json", "请求体不是有效的 JSON（须为 UTF-8 编码的 JSON 对象）。"
            )
        elif exc.status_code == 403 and "CSRF" in text:
            body = error_body(
                "csrf", "CSRF 校验失败：请在 X-CSRFToken 请求头中带上 csrftoken Cookie 的值。"
            )
        else:
            code, message = _HTTP_MESSAGES.get(exc.status_code, ("error", "请求失败。"))
            body = error_body(code, message)
        response = respond(request, body, exc.status_code)
        if isinstance(exc, Throttled):  # a request-rate limit (rencai.api.throttles)
            response["Retry-After"] = str(max(1, math.ceil(exc.wait or 60)))
        return response

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        return respond(request, validation_body(exc.errors), 422)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        from rencai.core.views import request_limits_text

        limits = request_limits_text()
        message = (
            f"请求过大：文字内容最多 {limits['form_limit']}，每个附件最大 "
            f"{limits['upload_limit']}。Request too large."
        )
        return respond(request, error_body("too_large", message), 413)

    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def too_many(request, exc):
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = f"一次最多提交 {limit} 个字段或文件。Too many fields."
        return respond(request, error_body("too_many_fields", message), 400)


def _default_status(view_func, status: int):
    """With several declared answers ninja answers 200 for a plain return value: keep the
    operation's single success status (e.g. 201) for it."""

    @functools.wraps(view_func)
    def view(*args, **kwargs):
        result = view_func(*args, **kwargs)
        if isinstance(result, (HttpResponseBase, Status)):
            return result
        return Status(status, result)

    return view


def declare_error_responses(api: NinjaAPI) -> None:
    """Every operation declares the error answers it can give, all with the `Error` schema;
    an answer an operation declares itself (e.g. changes' 400 with candidates) is kept.
    Call after the last `add_router` (the operations are copied when the URLs are built)."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                success = [s for s in operation.response_models if isinstance(s, int) and s < 300]
                if len(operation.response_models) == 1 and success and success[0] != 200:
                    operation.view_func = _default_status(operation.view_func, success[0])
                for status in ERROR_STATUSES:
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(Error)
