"""Writes to the catalogue: a school or major added on an approved request (增加院校/专业)."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.audit.services import audit_record
from rencai.catalog.models import Institution, Major
from rencai.core.errors import Conflict


def _add(model: type[models.Model], *, taken: tuple[dict, ...], refusal, event: str,
         actor, request, detail: str, **values) -> models.Model:  # fmt: skip
    """Refuse when any of `taken` (lookups) finds a record; else create and audit."""
    if any(model.objects.filter(**lookup).exists() for lookup in taken):
        raise Conflict(refusal)
    record = model(**values)
    record.full_clean()
    record.save()
    audit_record(event=event, actor=actor, request=request, obj=record, detail=detail)
    return record


@transaction.atomic
def institution_add(
    *, moe_code: str, name: str, level: str, location: str, number: str, actor, request=None
) -> Institution:
    """A school missing from the catalogue (its name and identification code are unique)."""
    refusal = format_lazy(
        _("院校“{name}”或学校标识码{code}已在院校库中，请驳回本申请并说明。"),
        name=name, code=moe_code,
    )  # fmt: skip
    return _add(
        Institution, taken=({"moe_code": moe_code}, {"name": name}), refusal=refusal,
        event="catalog.institution_add", actor=actor, request=request, detail=number,
        moe_code=moe_code, name=name, level=level, location=location,
        source=f"信息变更申请 {number}", remarks="申请增补",
    )  # fmt: skip


@transaction.atomic
def major_add(*, code: str, name: str, level: str, number: str, actor, request=None) -> Major:
    """A major missing from the catalogue (its code, and its name within a level, unique)."""
    refusal = format_lazy(
        _("专业“{name}”或专业代码{code}已在专业库中，请驳回本申请并说明。"), name=name, code=code
    )
    return _add(
        Major, taken=({"code": code}, {"name": name, "level": level}), refusal=refusal,
        event="catalog.major_add", actor=actor, request=request, detail=number,
        code=code, name=name, level=level, discipline_code="ZZ", discipline="申请增补",
        category_code="ZZZZ", category="申请增补", source=f"信息变更申请 {number}",
    )  # fmt: skip
