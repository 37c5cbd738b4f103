"""The API side every reviewed request kind shares (rencai.process.reviewed): one Out
schema shape (number, status, holder office with its contact, deadline, reason, plus the
kind's own fields) and the "list mine" and "show by number" endpoints, declared per kind
with `request_endpoints` instead of written by hand.

Visibility is the kind's selectors': someone else's number is 404 (NotFound → Error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from ninja import Router, Schema
from pydantic import create_model

from rencai.api.schemas import Error
from rencai.process.selectors import deadline_view


class OfficeOut(Schema):
    """The office that holds (decides) a request, with how to reach it."""

    code: str
    name: str
    phones: list[str]
    email: str
    address: str


def office_out(office) -> dict:
    return {
        "code": office.code,
        "name": office.name,
        "phones": office.phones or [],
        "email": office.email,
        "address": office.address,
    }


#: Every reviewed request's fields, in the order the Out schema lists them: `head` (number,
#: the kind's leading fields, status, office) then the kind's fields, then `tail`.
HEAD: dict[str, Any] = {"status": str, "status_label": str, "office": OfficeOut}
TAIL: dict[str, Any] = {
    "submitted_at": datetime,
    "due_date": date,
    "remaining_workdays": int,
    "overdue": bool,
    "decided_at": datetime | None,
    "reason": str,
}


def request_out(obj) -> dict:
    """The shared fields of one request (the kind adds its own)."""
    deadline = deadline_view(obj)
    return {
        "number": obj.number,
        "status": obj.status,
        "status_label": str(obj.get_status_display()),
        "office": office_out(obj.office),
        "submitted_at": obj.submitted_at,
        "due_date": obj.due_date,
        "remaining_workdays": deadline.remaining,
        "overdue": deadline.overdue,
        "decided_at": obj.decided_at,
        "reason": obj.reason,
    }


def out_schema(
    name: str,
    *,
    lead: Mapping[str, Any] = {},
    fields: Mapping[str, Any] = {},
    after: Mapping[str, Any] = {},
) -> type[Schema]:
    """The Out schema of a request kind: number, `lead`, status and office, `fields`, the
    deadline and decision, `after`."""
    shape = {"number": str, **lead, **HEAD, **fields, **TAIL, **after}
    return create_model(name, __base__=Schema, **{k: (t, ...) for k, t in shape.items()})


def request_endpoints(
    router: Router,
    *,
    path: str,
    out: type[Schema],
    serialize: Callable[[Any], dict],
    list_mine: Callable,
    get: Callable,
    operation_ids: tuple[str, str],
    summaries: tuple[str, str],
    docs: tuple[str, str],
    limit: int = 200,
) -> None:
    """Register GET `path` (mine, newest first, at most `limit`) and GET `path/{number}` on
    `router` (ids, summaries and docstrings: list then show). `serialize(obj)` is
    `request_out(obj)` plus the kind's fields."""
    list_id, show_id = operation_ids

    def list_view(request):
        return [serialize(o) for o in list_mine(user=request.user)[:limit]]

    def show_view(request, number: str):
        # Reviewers' second factor: SecondFactorMiddleware, as for every request.
        return serialize(get(user=request.user, number=number))

    list_view.__doc__, show_view.__doc__ = docs
    router.get(path, response=list[out], summary=summaries[0], operation_id=list_id)(list_view)
    router.get(
        f"{path}/{{number}}",
        response={200: out, 404: Error},
        summary=summaries[1],
        operation_id=show_id,
    )(show_view)
