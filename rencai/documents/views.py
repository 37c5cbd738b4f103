"""Serving attachments: stream only after the owner's permission check."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from rencai.documents.models import Document
from rencai.documents.permissions import Permission, permission_for

VARIANTS = ("original", "preview")


def document_response(
    request, *, document: Document | None, variant: str, permission: Permission | None
):
    """The file as a response, or 404 when unknown, not allowed or no such variant."""
    if document is None or permission is None or variant not in VARIANTS:
        raise Http404
    if not request.user.is_authenticated or not permission(request.user, document):
        raise Http404
    field = document.file if variant == "original" else document.preview
    if not field:
        raise Http404
    content_type = document.mime if variant == "original" else "image/jpeg"
    name = document.original_name
    if variant == "preview":
        name = name.rsplit(".", 1)[0] + "-预览.jpg"
    response = FileResponse(
        field.open("rb"),
        content_type=content_type,
        as_attachment=variant == "original",
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def serve(request, public_id, variant: str):
    document = Document.objects.select_related("folder").filter(public_id=public_id).first()
    permission = permission_for(document.folder.owner_kind) if document else None
    return document_response(request, document=document, variant=variant, permission=permission)
