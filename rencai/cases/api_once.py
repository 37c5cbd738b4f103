"""Writes of the API that must act once: an `expected_version` or an `Idempotency-Key`
header on every state-changing request, and the replay of the first answer for a key
(rencai.cases.idempotency). Used by the case API and the support tickets API."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Status

from rencai.cases import idempotency
from rencai.core.errors import DomainError

VERSION_REQUIRED = gettext_lazy(
    "expected_version：请提供申请的当前版本号（查询申请状态所得的 version），"
    "或在请求头中提供 Idempotency-Key，以免重复或并发的请求把申请推进两步"
)


def version_or_key(request, expected_version: int | None, *, message=VERSION_REQUIRED) -> None:
    """A transition request carries the object's version or an Idempotency-Key (finding
    10): without either, two concurrent approvals would both pass."""
    if expected_version is None and request.headers.get(idempotency.HEADER) is None:
        raise DomainError(message, field="expected_version", code="version_required")


def once(request, response: HttpResponse, schema, work) -> Status | dict:
    """Run `work` (-> (status, body)) at most once per Idempotency-Key of this user; the
    same key answers the stored status and body (header Idempotent-Replayed: true).
    Without the header the work simply runs."""
    key = idempotency.key_clean(request.headers.get(idempotency.HEADER))

    def dumped():
        status, body = work()
        return status, schema.model_validate(body).model_dump(mode="json")

    if key is None:
        status, body = dumped()
        return Status(status, body)
    fp = idempotency.fingerprint(method=request.method, path=request.path, body=request.body)
    outcome = idempotency.run_once(user=request.user, key=key, fp=fp, work=dumped)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(outcome.status, outcome.body)
