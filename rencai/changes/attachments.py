"""Attachments of a change request, and of a form that did not validate yet (a draft
folder, so the files need not be chosen again): rencai.process.attachments, declared."""

from __future__ import annotations

from rencai.changes import rules
from rencai.changes.models import ChangeRequest
from rencai.process.attachments import Attachments

OWNER_KIND = "change_request"
DRAFT_OWNER_KIND = "change_draft"
ATTACHMENTS = Attachments(
    owner_kind=OWNER_KIND,
    draft_kind=DRAFT_OWNER_KIND,
    types=rules.ATTACHMENT_TYPES,
    names=rules.ATTACHMENT_NAMES,
    required=rules.required_attachments,
    label=lambda kind: ChangeRequest.Kind(kind).label,
)
