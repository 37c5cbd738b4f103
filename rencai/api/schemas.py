"""Shared API schema pieces: the one error shape and input types that carry the model's limits.

Text inputs are `ModelText(Model, "field")` (max_length and label from the model field) or
`Text(max_length, label)`; both apply the project's text rule (rencai.core.text) and refuse
an over-long value with a Chinese message that names the field, before anything is written.
Integers that reach the database are `DbId` (a 32-bit positive range: larger numbers are a
422, not an overflow inside the database driver).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from rencai.core.text import text_error

MAX_INT = 2**31 - 1


class FieldError(Schema):
    field: str | None = Field(None, description="出错的字段（如 qualification_name）")
    message: str = Field(description="中文在前的错误说明，指明字段")


class Error(Schema):
    """Every error answer of the API (400, 401, 403, 404, 409, 413, 422, 429)."""

    code: str = Field(description="机器可读的错误代码，如 invalid、not_found、conflict")
    message: str = Field(description="中文在前的错误说明，指明字段与规则")
    field: str | None = Field(None, description="第一个出错的字段")
    errors: list[FieldError] = Field(default_factory=list, description="每个出错字段一条")

    @model_validator(mode="before")
    @classmethod
    def _one_error_per_field(cls, data: Any) -> Any:
        # Endpoints that build an error body by hand get the `errors` list too.
        if isinstance(data, dict) and not data.get("errors") and data.get("message"):
            data = {**data, "errors": [{"field": data.get("field"), "message": data["message"]}]}
        return data


def _shown(label: str, name: str | None) -> str:
    return f"{label}（{name}）" if name and name != label else label


def _text_checker(*, max_length: int, label: str, name: str | None, multiline: bool):
    shown = _shown(label, name)

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # pydantic's own type check answers (string_type)
        message = text_error(value, label=shown, multiline=multiline)
        if message:
            raise PydanticCustomError("text_rule", message)
        if len(value) > max_length:
            raise PydanticCustomError(
                "string_too_long",
                "{label}：最多 {max_length} 个字符（现有 {length} 个）。",
                {"label": shown, "max_length": max_length, "length": len(value)},
            )
        return value

    return check


def Text(max_length: int, label: str, *, name: str | None = None, multiline: bool = False):  # noqa: N802
    """A string input of at most `max_length` characters under the text rule."""
    return Annotated[
        str,
        BeforeValidator(
            _text_checker(max_length=max_length, label=label, name=name, multiline=multiline)
        ),
        Field(max_length=max_length, description=label),
    ]


def ModelText(  # noqa: N802
    model,
    name: str,
    *,
    multiline: bool | None = None,
    max_length: int | None = None,
    label: str | None = None,
    as_name: str | None = None,
):
    """`Text` with the limit and the label of `model.name` (a CharField or TextField);
    `as_name` when the API field is called differently from the model field."""
    from django.db import models

    field = model._meta.get_field(name)
    limit = max_length or field.max_length
    if limit is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length: pass max_length=")
    if multiline is None:
        multiline = isinstance(field, models.TextField)
    return Text(limit, label or str(field.verbose_name), name=as_name or name, multiline=multiline)


#: A database id or version number (positive, 32-bit).
DbId = Annotated[int, Field(ge=1, le=MAX_INT)]


def NotFuture(label: str, *, name: str | None = None):  # noqa: N802
    """A date that cannot lie after today (certificate, graduation)."""
    shown = _shown(label, name)

    def check(value: date) -> date:
        from rencai.core import clock

        if value > clock.today():
            raise PydanticCustomError(
                "date_in_future",
                "{label}：不能晚于今天（{today}），请按证书填写。",
                {"label": shown, "today": clock.today().isoformat()},
            )
        return value

    return Annotated[date, AfterValidator(check), Field(description=f"{label}（不晚于今天）")]
