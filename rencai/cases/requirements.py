"""Attachments an application needs, per category (codes of catalog.AttachmentType)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rencai.cases.models import Case
from rencai.catalog.models import EducationLevel

DEGREE_LEVELS = frozenset({EducationLevel.BACHELOR, EducationLevel.MASTER, EducationLevel.DOCTOR})


@dataclass(frozen=True)
class Requirement:
    type_code: str
    name: str
    only_if: str = ""  # a condition name, see _applies


REQUIRED_ATTACHMENTS: dict[str, tuple[Requirement, ...]] = {
    Case.Category.EDUCATION: (
        Requirement("id_card", _("身份证")),
        Requirement("diploma", _("毕业证书")),
        Requirement("degree", _("学位证书"), only_if="bachelor_or_above"),
        Requirement("labour_contract", _("劳动合同")),
        Requirement("selfie", _("身份确认自拍照")),
    ),
    Case.Category.TITLE: (
        Requirement("id_card", _("身份证")),
        Requirement("title_cert", _("职称证书")),
        Requirement("labour_contract", _("劳动合同")),
        Requirement("selfie", _("身份确认自拍照")),
    ),
    Case.Category.SKILL: (
        Requirement("id_card", _("身份证")),
        Requirement("skill_cert", _("职业资格（技能）证书")),
        Requirement("labour_contract", _("劳动合同")),
        Requirement("selfie", _("身份确认自拍照")),
    ),
}


def _applies(requirement: Requirement, case: Case) -> bool:
    if requirement.only_if == "bachelor_or_above":
        return case.education_level in DEGREE_LEVELS
    return True


def required_attachments(case: Case) -> list[Requirement]:
    return [r for r in REQUIRED_ATTACHMENTS[case.category] if _applies(r, case)]


def missing_attachments(case: Case) -> list[Requirement]:
    from rencai.documents.selectors import folder_type_codes

    present = folder_type_codes(folder=case.folder)
    return [r for r in required_attachments(case) if r.type_code not in present]
