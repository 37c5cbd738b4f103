"""The attachments section of the draft and status pages: upload choices (required first),
the current documents with their history, and what is still missing."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.cases.models import Case
from rencai.cases.requirements import required_attachments
from rencai.documents.selectors import folder_documents
from rencai.documents.services import MULTI_TYPES


def _active_types() -> list:
    from rencai.catalog.models import AttachmentType

    return list(AttachmentType.objects.filter(active=True))


def _type_names() -> dict[str, str]:
    """Code -> name in the viewer's language; the types from the shared reference cache."""
    from rencai.core import refcache

    return {t.code: t.display_name for t in refcache.get("attachment-types", _active_types)}


def _type_choices(case: Case) -> list[tuple[str, str]]:
    names = _type_names()
    required = required_attachments(case)
    choices = [
        (r.type_code, _("%(name)s（必备）") % {"name": names.get(r.type_code, r.name)})
        for r in required
    ]
    seen = {code for code, _label in choices}
    for code, name in names.items():
        if code not in seen and code not in ("business_licence", "change_notice"):
            choices.append((code, name))
            seen.add(code)
    if "other" not in seen:
        choices.append(("other", _("其他材料")))
    return choices


def _documents(case: Case) -> list:
    """Every document of the case's folder, with the replaced ones (one query)."""
    return list(folder_documents(folder=case.folder, include_history=True))


def _attachments(case: Case, every: list | None = None) -> list[dict]:
    """Current documents with their history, in the order of the requirements. `every`:
    the folder's documents (`_documents`) when the page has read them already."""
    names = _type_names()
    every = _documents(case) if every is None else every
    current = [d for d in every if d.superseded_at is None]
    order = {r.type_code: i for i, r in enumerate(required_attachments(case))}
    current.sort(key=lambda d: (order.get(d.type_code, 99), d.type_code, d.uploaded_at))
    rows = []
    for doc in current:
        history = [
            d
            for d in every
            if d.type_code == doc.type_code and d.superseded_at is not None
            and doc.type_code not in MULTI_TYPES
        ]  # fmt: skip
        history.sort(key=lambda d: d.uploaded_at, reverse=True)
        rows.append(
            {
                "doc": doc,
                "name": names.get(doc.type_code, doc.type_code),
                "preview": reverse("documents:serve", args=[doc.public_id, "preview"]),
                "original": reverse("documents:serve", args=[doc.public_id, "original"]),
                "history": history,
            }
        )
    return rows


def _requirements(case: Case, every: list | None = None) -> list[dict]:
    if every is None:
        present = {d.type_code for d in folder_documents(folder=case.folder)}
    else:
        present = {d.type_code for d in every if d.superseded_at is None}
    names = _type_names()
    return [
        {
            "code": r.type_code,
            "name": names.get(r.type_code, r.name),
            "done": r.type_code in present,
        }
        for r in required_attachments(case)
    ]
