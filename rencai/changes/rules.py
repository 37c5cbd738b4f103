"""Pure rules shared by services, forms and pages: deadlines and attachments.

Deadlines in working days: unit records 1 (FAQ 一.4), a 9→18-character code change 3
(FAQ 一.6), schools and majors 2 (FAQ 一.8), unit phone/nature 1.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rencai.changes.models import ChangeRequest

NUMBER_PREFIX_CHANGE = "BG"

Kind = ChangeRequest.Kind

WORKDAYS = {
    Kind.UNIT_NEW: 1,
    Kind.UNIT_CHANGE: 1,
    Kind.INSTITUTION_NEW: 2,
    Kind.MAJOR_NEW: 2,
    Kind.UNIT_CONTACT: 1,
}
WORKDAYS_CODE_CHANGE = 3

#: Attachment types a request of each kind may carry (catalog.AttachmentType codes).
ATTACHMENT_TYPES = {
    Kind.UNIT_NEW: ("business_licence", "other"),
    Kind.UNIT_CHANGE: ("business_licence", "change_notice", "other"),
    Kind.INSTITUTION_NEW: ("diploma", "degree", "other"),
    Kind.MAJOR_NEW: ("diploma", "degree", "other"),
    Kind.UNIT_CONTACT: ("other",),
}
ATTACHMENT_NAMES = {
    "business_licence": _("营业执照（或事业单位法人证书）"),
    "change_notice": _("准予变更（登记）通知书"),
    "diploma": _("毕业证书"),
    "degree": _("学位证书"),
    "other": _("其他材料"),
}


def required_attachments(
    kind: str, *, name_changed: bool = False, code_changed: bool = False
) -> tuple[str, ...]:
    if kind == Kind.UNIT_NEW:
        return ("business_licence",)
    if kind == Kind.UNIT_CHANGE and (name_changed or code_changed):
        return ("business_licence", "change_notice")
    if kind in (Kind.INSTITUTION_NEW, Kind.MAJOR_NEW):
        return ("diploma",)
    return ()
