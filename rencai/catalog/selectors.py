"""Catalogue look-ups used by search boxes and the application form. Public reference data."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from rencai.catalog.models import AttachmentType, Institution, Major, TitleSeries

SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 20


def _rank(q: str, field: str):
    return Case(
        When(**{field: q}, then=Value(0)),
        When(**{f"{field}__startswith": q}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def institution_search(*, q: str, limit: int = SEARCH_LIMIT) -> list[Institution]:
    """Active institutions whose current or former name contains `q` (exact, prefix first)."""
    q = (q or "").strip()
    if len(q) < SEARCH_MIN_CHARS:
        return []
    qs = (
        Institution.objects.filter(is_active=True)
        .filter(Q(name__contains=q) | Q(former_names__contains=q) | Q(moe_code=q))
        .annotate(rank=_rank(q, "name"), name_len=Length("name"))
        .order_by("rank", "name_len", "moe_code")
    )
    return list(qs[:limit])


def major_search(*, q: str, level: str | None = None, limit: int = SEARCH_LIMIT) -> list[Major]:
    """Active majors by name substring or code prefix (e.g. 计算机, 0809, 080901)."""
    q = (q or "").strip()
    if len(q) < SEARCH_MIN_CHARS:
        return []
    qs = Major.objects.filter(is_active=True).filter(
        Q(name__contains=q) | Q(code__istartswith=q) | Q(category__contains=q)
    )
    if level in Major.Level.values:
        qs = qs.filter(level=level)
    qs = qs.annotate(rank=_rank(q, "name"), name_len=Length("name")).order_by(
        "rank", "name_len", "code"
    )
    return list(qs[:limit])


def title_series_list() -> QuerySet[TitleSeries]:
    return TitleSeries.objects.filter(is_active=True)


def attachment_type_list() -> QuerySet[AttachmentType]:
    return AttachmentType.objects.filter(active=True)


def attachment_type_get(*, code: str) -> AttachmentType:
    return AttachmentType.objects.get(code=code)
