"""Writing audit entries. Values are scrubbed of personal numbers and CR/LF."""

from __future__ import annotations

from typing import Any

from django.db import models

from rencai.audit.models import AuditEvent
from rencai.core import clock, net
from rencai.core.masking import scrub


def _clean(value: Any, limit: int) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return scrub(text)[:limit]


def client_ip(request) -> str | None:
    """The client's address; behind trusted proxies, from X-Forwarded-For (rencai.core.net)."""
    return net.client_ip(request)


def audit_record(
    *,
    event: str,
    actor=None,
    request=None,
    outcome: str = "ok",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    detail: str = "",
    acting_as: str = "",
) -> AuditEvent:
    if request is not None and not acting_as:
        acting_as = (
            request.session.get("acting_as_label", "") if hasattr(request, "session") else ""
        )
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor,
        acting_as=_clean(acting_as, 120),
        ip=client_ip(request),
        event=_clean(event, 60),
        outcome=_clean(outcome, 20),
        object_type=_clean(object_type, 60),
        object_id=_clean(object_id, 64),
        detail=_clean(detail, 2000),
    )


def chain_seal_sweep(*, batch: int) -> int:
    """Worker sweep: chain the rows that bulk writers (deadline sweeps) inserted unsealed."""
    from rencai.audit import chain

    return chain.seal_all(limit=batch)
