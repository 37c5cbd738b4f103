"""System check: the audit retention period may not be shorter than the law's minimum."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error

MIN_RETENTION_DAYS = 180  # Cybersecurity Law art. 21: network logs kept ≥ six months


def check_retention(app_configs=None, **kwargs) -> list[Error]:
    days = getattr(settings, "RENCAI_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"RENCAI_AUDIT_RETENTION_DAYS={days}: audit entries must be kept at least "
                f"{MIN_RETENTION_DAYS} days.",
                hint="See docs/operations.md, Audit log.",
                id="audit.E001",
            )
        ]
    return []
