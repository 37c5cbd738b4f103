"""Checks before a school or major is proposed for the catalogue (增加院校/专业, FAQ 一.8):
only from 大专 up (below, the application form takes it typed in), and not one the
catalogue has already. (Similar names to offer instead: rencai.catalog.selectors.)"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.catalog.models import EducationLevel, Institution, Major
from rencai.catalog.models import education_needs_catalogue_school as needs_catalogue
from rencai.catalog.selectors import major_level_for
from rencai.core.errors import Conflict, DomainError


def education_check_needs_catalogue(*, education_level: str, what: str) -> None:
    if education_level not in EducationLevel.values:
        raise DomainError(_("学历层次：请选择。"), field="education_level")
    if not needs_catalogue(education_level):
        raise DomainError(
            format_lazy(
                _("大专以下学历的{what}无需申请：请在入户申请表中直接手动填写（常见问题 一.8）。"),
                what=what,
            ),
            field="education_level",
            code="below_college",
        )


def _not_catalogued(found, describe, where: str) -> None:
    if found is not None:
        raise Conflict(
            format_lazy(_("{text}已在{where}中，请直接搜索选择。"), text=describe(found), where=where),
            field="name",
        )  # fmt: skip


def institution_check_new(*, name: str, moe_code: str) -> None:
    """Conflict when the catalogue has a school of this name or identification code."""
    found = Institution.objects.filter(is_active=True, name=name).first()
    if found is None and moe_code:
        found = Institution.objects.filter(moe_code=moe_code).first()
    _not_catalogued(found, lambda i: f"院校名称：“{i.name}”（{i.moe_code}）", "院校库")


def major_check_new(*, name: str, education_level: str, code: str) -> str:
    """The catalogue level the major would have; Conflict when the catalogue has it."""
    level = major_level_for(education_level) or Major.Level.UNDERGRADUATE
    found = Major.objects.filter(is_active=True, name=name, level=level).first()
    if found is None and code:
        found = Major.objects.filter(code=code).first()
    describe = lambda m: f"专业名称：“{m.name}”（{m.code}，{m.get_level_display()}）"  # noqa: E731
    _not_catalogued(found, describe, "专业库")
    return level
