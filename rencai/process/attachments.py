"""Attachments of a request by type, declared per process: which types each kind may
carry and must carry, kept in a draft folder while the form does not validate yet (so
the files need not be chosen again) and moved onto the request when it is submitted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rencai.core.errors import DomainError, NotFound
from rencai.documents.models import Folder
from rencai.documents.selectors import folder_type_codes
from rencai.documents.services import document_upload, folder_create


@dataclass(frozen=True)
class Attachments:
    owner_kind: str  # the folder of a submitted request
    draft_kind: str  # the folder of a form not submitted yet
    types: Mapping[str, tuple[str, ...]]  # request kind → attachment types it may carry
    names: Mapping[str, str]  # attachment type → its name
    required: Callable[[str], tuple[str, ...]]  # request kind → the types it must carry
    label: Callable[[str], str]  # request kind → its name

    def _upload(self, *, folder: Folder, kind: str, files: Mapping[str, object], user) -> None:
        allowed = self.types[kind]
        for type_code, file in files.items():
            if not file:
                continue
            if type_code not in allowed:
                raise DomainError(
                    f"附件：材料类型“{type_code}”不适用于“{self.label(kind)}”申请，"
                    f"可上传：{'、'.join(str(self.names[t]) for t in allowed)}。",
                    field=type_code,
                )
            try:
                document_upload(folder=folder, type_code=type_code, file=file, uploaded_by=user)
            except DomainError as exc:
                label = self.names.get(type_code, type_code)
                raise DomainError(
                    f"{label}：{exc.message}", field=type_code, code=exc.code
                ) from None

    @transaction.atomic
    def draft_upload(
        self, *, user, folder: Folder | None, kind: str, files: Mapping[str, object]
    ) -> tuple[Folder | None, dict[str, str]]:
        """Keep attachments of a form that did not validate yet. Returns the draft folder
        (created on first use) and per-type upload errors; each file is stored in its own
        savepoint so one bad file does not lose the others."""
        if folder is not None:
            folder = self.draft_folder(user=user, folder_id=folder.pk)
        errors: dict[str, str] = {}
        for type_code, file in files.items():
            if not file:
                continue
            if folder is None:
                folder = folder_create(owner_kind=self.draft_kind)
            try:
                with transaction.atomic():
                    self._upload(folder=folder, kind=kind, files={type_code: file}, user=user)
            except DomainError as exc:
                errors[type_code] = exc.message
        return folder, errors

    def draft_folder(self, *, user, folder_id: int) -> Folder:
        """A draft folder of `user` (every document in it uploaded by them) or NotFound."""
        folder = Folder.objects.filter(pk=folder_id, owner_kind=self.draft_kind).first()
        if folder is None or folder.documents.exclude(uploaded_by=user).exists():
            raise NotFound(_("附件草稿不存在或已提交，请重新选择附件。"), field="attachments")
        return folder

    def attach(
        self, *, kind: str, user, files: Mapping[str, object], draft: Folder | None,
        required: tuple[str, ...] | None = None,
    ) -> Folder:  # fmt: skip
        """The request's folder (the draft's, or a new one) with `files` added; refuses
        when a `required` type (default: the kind's rule) is missing."""
        if required is None:
            required = self.required(kind)
        if draft is not None:
            folder = Folder.objects.select_for_update().get(
                pk=self.draft_folder(user=user, folder_id=draft.pk).pk
            )
            folder.owner_kind = self.owner_kind
            folder.save(update_fields=["owner_kind"])
        else:
            folder = folder_create(owner_kind=self.owner_kind)
        self._upload(folder=folder, kind=kind, files=files, user=user)
        have = folder_type_codes(folder=folder)
        missing = [t for t in required if t not in have]
        if missing:
            names = "、".join(str(self.names[t]) for t in missing)
            raise DomainError(
                f"附件：请上传{names}（JPEG、PNG 或 PDF）。",
                field=missing[0],
                code="attachment_missing",
            )
        return folder
