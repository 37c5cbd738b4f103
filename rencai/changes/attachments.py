"""Attachments of a change request, and of a form that did not validate yet (a draft
folder, so the files need not be chosen again)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rencai.changes import rules
from rencai.changes.models import ChangeRequest
from rencai.core.errors import DomainError, NotFound
from rencai.documents.models import Folder
from rencai.documents.selectors import folder_type_codes
from rencai.documents.services import document_upload, folder_create

Kind = ChangeRequest.Kind
OWNER_KIND = "change_request"
DRAFT_OWNER_KIND = "change_draft"


def _upload(*, folder: Folder, kind: str, files: Mapping[str, object], user) -> None:
    allowed = rules.ATTACHMENT_TYPES[kind]
    for type_code, file in files.items():
        if not file:
            continue
        if type_code not in allowed:
            raise DomainError(
                f"附件：材料类型“{type_code}”不适用于“{Kind(kind).label}”申请，"
                f"可上传：{'、'.join(str(rules.ATTACHMENT_NAMES[t]) for t in allowed)}。",
                field=type_code,
            )
        try:
            document_upload(folder=folder, type_code=type_code, file=file, uploaded_by=user)
        except DomainError as exc:
            label = rules.ATTACHMENT_NAMES.get(type_code, type_code)
            raise DomainError(f"{label}：{exc.message}", field=type_code, code=exc.code) from None


@transaction.atomic
def change_draft_upload(
    *, user, folder: Folder | None, kind: str, files: Mapping[str, object]
) -> tuple[Folder | None, dict[str, str]]:
    """Keep attachments of a form that did not validate yet, so they need not be re-selected.

    Returns the draft folder (created on first use) and per-type upload errors; each file is
    stored in its own savepoint so one bad file does not lose the others."""
    if folder is not None:
        folder = change_draft_folder(user=user, folder_id=folder.pk)
    errors: dict[str, str] = {}
    for type_code, file in files.items():
        if not file:
            continue
        if folder is None:
            folder = folder_create(owner_kind=DRAFT_OWNER_KIND)
        try:
            with transaction.atomic():
                _upload(folder=folder, kind=kind, files={type_code: file}, user=user)
        except DomainError as exc:
            errors[type_code] = exc.message
    return folder, errors


def change_draft_folder(*, user, folder_id: int) -> Folder:
    """A draft folder of `user` (every document in it uploaded by them) or NotFound."""
    folder = Folder.objects.filter(pk=folder_id, owner_kind=DRAFT_OWNER_KIND).first()
    if folder is None or folder.documents.exclude(uploaded_by=user).exists():
        raise NotFound(_("附件草稿不存在或已提交，请重新选择附件。"), field="attachments")
    return folder


def _attach(
    *,
    kind: str,
    user,
    files: Mapping[str, object],
    draft: Folder | None,
    required: tuple[str, ...] | None = None,
) -> Folder:
    """Collect the request's attachments; `required` defaults to the kind's rule."""
    if required is None:
        required = rules.required_attachments(kind)
    if draft is not None:
        folder = Folder.objects.select_for_update().get(
            pk=change_draft_folder(user=user, folder_id=draft.pk).pk
        )
        folder.owner_kind = OWNER_KIND
        folder.save(update_fields=["owner_kind"])
    else:
        folder = folder_create(owner_kind=OWNER_KIND)
    _upload(folder=folder, kind=kind, files=files, user=user)
    have = folder_type_codes(folder=folder)
    missing = [t for t in required if t not in have]
    if missing:
        names = "、".join(str(rules.ATTACHMENT_NAMES[t]) for t in missing)
        raise DomainError(
            f"附件：请上传{names}（JPEG、PNG 或 PDF）。",
            field=missing[0],
            code="attachment_missing",
        )
    return folder
