"""Submitting a request of a declared kind: the fields it takes, checked step by step.

A `Submission` is data: the kind, the fields with their defaults, and the steps run in
order on the values — `clean(name, cleaner)` for one field, `pending(...)` refusing a
second open request for the same thing (a double submit), `similar(...)` offering
existing records the requester must pick or confirm are none of them ("以上都不是"),
and any function `(values) -> None` for a rule across fields. `record(values)` maps the
checked values to the model's. `service(...)` turns a declaration into a keyword-only,
atomic service whose signature lists the declared fields (pages and the API read it).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.core.errors import Conflict, DomainError

Values = dict[str, Any]
Step = Callable[[Values], None]


class SimilarFound(DomainError):
    """Similar records exist ("是否是以下单位？"): the requester must confirm it is none of them."""

    code = "similar_found"

    def __init__(self, message: str, *, candidates: list, field: str | None = "name"):
        super().__init__(message, field=field)
        self.candidates = candidates


@dataclass(frozen=True)
class Submission:
    kind: str
    fields: dict[str, Any]  # name → default (a field without a default: REQUIRED)
    steps: tuple[Step, ...]
    record: Callable[[Values], Values]
    #: The attachment types it must carry (None: the process's rule for the kind).
    required: Callable[[Values], tuple[str, ...] | None] = field(default=lambda values: None)


REQUIRED = inspect.Parameter.empty


def squeeze(value: str | None, *, limit: int) -> str:
    """Runs of white space become one space; at most `limit` characters."""
    return " ".join((value or "").split())[:limit]


def clean(name: str, cleaner: Callable[[Any, Values], Any]) -> Step:
    """values[name] = cleaner(values[name], values); the cleaner raises DomainError."""

    def step(values: Values) -> None:
        values[name] = cleaner(values[name], values)

    return step


def text(name: str, *, limit: int, min_chars: int = 0, message: str = "") -> Step:
    """Squeezed text of at most `limit` characters; shorter than `min_chars`: `message`."""

    def cleaner(value, values):
        value = squeeze(value, limit=limit)
        if len(value) < min_chars:
            raise DomainError(message, field=name)
        return value

    return clean(name, cleaner)


def choice(name: str, choices: Iterable[str], message: str, *, optional: bool = False) -> Step:
    """One of `choices` (or empty, when `optional`)."""
    allowed = frozenset(choices)

    def cleaner(value, values):
        if (value or not optional) and value not in allowed:
            raise DomainError(message, field=name)
        return value

    return clean(name, cleaner)


def pattern(
    name: str, regex: str, message: str, *, error_field: str | None = None, upper: bool = False
) -> Step:
    """Optional text that, when given, matches `regex` in full."""
    compiled = re.compile(regex)

    def cleaner(value, values):
        value = (value or "").strip()
        value = value.upper() if upper else value
        if value and not compiled.fullmatch(value):
            raise DomainError(message, field=error_field or name)
        return value

    return clean(name, cleaner)


def pending(
    open_requests: Callable[[], QuerySet], message: Callable[[Values], str], *, field: str,
    where: Callable[[Values], dict],
) -> Step:  # fmt: skip
    """Refuse a second open request for the same thing (`where(values)` filters)."""

    def step(values: Values) -> None:
        if open_requests().filter(**where(values)).exists():
            raise Conflict(message(values), field=field)

    return step


def similar(reader: Callable[[Values], list], what: str, how: str = "直接选择") -> Step:
    """Unless values["confirm_new"], existing records like this one: SimilarFound."""

    def step(values: Values) -> None:
        if not values.get("confirm_new") and (found := reader(values)):
            raise SimilarFound(
                f"是否是以下{what}？如是，请{how}；都不是，请勾选“以上都不是”后再提交。",
                candidates=found,
            )

    return step


def service(submission: Submission, create: Callable[..., Any], common: Values) -> Callable:
    """The kind's service `(*, <fields>, <common>)`: the steps, then
    `create(kind=..., required=..., **record(values), **common values)`, in one transaction."""
    defaults = {**submission.fields, **common}

    @transaction.atomic
    def submit(**given):
        unknown = set(given) - set(defaults)
        if unknown:
            raise TypeError(f"{submission.kind}: unexpected {sorted(unknown)}")
        values = {**defaults, **given, "kind": submission.kind}
        missing = [name for name, value in values.items() if value is REQUIRED]
        if missing:
            raise TypeError(f"{submission.kind}: missing {missing}")
        for step in submission.steps:
            step(values)
        return create(
            kind=submission.kind, required=submission.required(values),
            **{name: values[name] for name in common}, **submission.record(values),
        )  # fmt: skip

    submit.__name__ = f"submit_{submission.kind}"
    submit.__signature__ = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
         for name, default in defaults.items()]
    )  # fmt: skip
    return submit


def dispatch(services: dict[str, Callable]) -> Callable:
    """One way in for every kind: `submit(*, kind, **values)` calls the kind's service
    with the values it takes (the rest — other kinds' fields, attachments by type — is
    ignored); an unknown kind is refused naming the field and the choices."""

    def submit(*, kind: str, **values):
        chosen = services.get(kind)
        if chosen is None:
            raise DomainError(
                format_lazy(_("申请类型：“{kind}”无效，可选 {choices}。"),
                            kind=str(kind)[:20], choices=", ".join(services)),
                field="kind",
            )  # fmt: skip
        takes = inspect.signature(chosen).parameters
        return chosen(**{name: value for name, value in values.items() if name in takes})

    return submit
