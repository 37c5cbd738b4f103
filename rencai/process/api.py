"""The API side every reviewed request kind shares (rencai.process.reviewed): one Out
schema shape (number, status, holder office with its contact, deadline, reason, plus the
kind's own fields and its attachments), the "list mine" and "show by number" endpoints
(`request_endpoints`) and the create endpoint (`create_endpoint`: JSON, or multipart with
one file field per attachment type, onto the kind's submit service of rencai.process.submit),
declared per kind instead of written by hand.

Visibility is the kind's selectors': someone else's number is 404 (NotFound → Error).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import create_model

from rencai.api.schemas import Error
from rencai.process.selectors import deadline_view
from rencai.process.submit import SimilarFound


class SimilarFoundError(Error):
    """400 code "similar_found": the records offered instead (resend with confirm_new)."""

    candidates: list[str] = []


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


#: One attachment of a request, as the Out schemas list them (`documents_out`).
DOCUMENT_FIELDS: dict[str, Any] = {"type_code": str, "original_name": str, "size": int, "url": str}


def documents_out(folder) -> list[dict]:
    from django.urls import reverse

    from rencai.documents.selectors import folder_documents

    return [
        {
            "type_code": d.type_code,
            "original_name": d.original_name,
            "size": d.size,
            "url": reverse("documents:serve", args=[d.public_id, "original"]),
        }
        for d in folder_documents(folder=folder)
    ]


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


def _similar_error(exc: SimilarFound) -> dict:
    def describe(c) -> str:
        code = getattr(c, "code", "") or getattr(c, "moe_code", "")
        return f"{getattr(c, 'name', c)}（{code}）"

    candidates = [describe(c) for c in exc.candidates]
    return {"code": exc.code, "message": exc.message, "field": exc.field, "candidates": candidates}


def service_values(
    values: dict, *, service: Callable, renamed: Mapping[str, str] = {},
    resolve: Mapping[str, Callable] = {},
) -> dict:  # fmt: skip
    """A payload's values as `service`'s keyword arguments: `renamed` (service name: payload
    name), and each reference in `resolve` resolved (its DomainError names the field) when
    the service takes it, else None; what the service does not take is left to it."""
    values = dict(values)
    for name, source in renamed.items():
        values[name] = values.pop(source)
    takes = inspect.signature(service).parameters
    for name, resolver in resolve.items():
        values[name] = resolver(values[name]) if name in takes else None
    return values


def create_endpoint(
    router: Router,
    *,
    path: str,
    payload: type[Schema],
    out: type[Schema],
    serialize: Callable[[Any], dict],
    create: Callable[..., Any],
    summary: str,
    doc: str,
    operation_id: str,
    files: tuple[str, ...] | None = None,
    similar: bool = False,
) -> None:
    """Register POST `path` creating one request: `create(request, values, files)` with the
    payload's values (and, with `files`, multipart/form-data with one optional file field
    per attachment type, those given by type) → 201 `serialize(obj)`. Errors: 404, 409 and
    400 (with `similar`, SimilarFound answers 400 code "similar_found" with its candidates)."""

    def view(request, payload, **uploads):
        given = {name: file for name, file in uploads.items() if file}
        try:
            obj = create(request, payload.dict(), given)
        except SimilarFound as exc:
            if not similar:
                raise
            return Status(400, _similar_error(exc))
        return Status(201, serialize(obj))

    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [
        inspect.Parameter("request", keyword),
        inspect.Parameter("payload", keyword, annotation=Form[payload] if files else payload),
        *(inspect.Parameter(t, keyword, default=None, annotation=File[UploadedFile])
          for t in files or ()),
    ]  # fmt: skip
    view.__signature__ = inspect.Signature(params)
    view.__name__, view.__doc__ = operation_id.rsplit("_api_", 1)[-1], doc
    response = {201: out, 400: SimilarFoundError if similar else Error, 404: Error, 409: Error}
    router.post(path, response=response, summary=summary, operation_id=operation_id)(view)


def request_api(
    router: Router, *, path: str, module: str, names: tuple[str, str], summaries: tuple,
    docs: tuple, create: Callable, payload: type[Schema], out: type[Schema],
    serialize: Callable, list_mine: Callable, get: Callable, **options,
) -> None:  # fmt: skip
    """A request kind's three endpoints: POST `path` (create_endpoint, `options`), GET
    `path` and GET `path/{number}` (request_endpoints). Operation ids are
    `<module>_create_<one>`, `<module>_list_<many>`, `<module>_show_<one>` for
    `names` = (one, many); `summaries` and `docs` in that order (create, list, show)."""
    one, many = names
    create_endpoint(
        router, path=path, payload=payload, out=out, serialize=serialize, create=create,
        summary=summaries[0], doc=docs[0], operation_id=f"{module}_create_{one}", **options,
    )  # fmt: skip
    request_endpoints(
        router, path=path, out=out, serialize=serialize, list_mine=list_mine, get=get,
        operation_ids=(f"{module}_list_{many}", f"{module}_show_{one}"),
        summaries=summaries[1:], docs=docs[1:],
    )  # fmt: skip
