"""The card shown inline (for WeChat's in-app browser, which often refuses attachment
downloads): a page with the card as an image (long-press saves it to the phone) beside
the usual PDF download. Same access as the download."""

from __future__ import annotations

import io

import pypdfium2
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rencai.accounts.roles import acting_as_for
from rencai.audit.services import audit_record
from rencai.cards.selectors import card_get_for_download
from rencai.core.errors import NotFound

PREVIEW_SCALE = 2.5  # A5 landscape → 1488×1049 px: sharp on a phone, ~200 KB


def _card(request, number: str):
    try:
        return card_get_for_download(
            number=number, user=request.user, acting_as=acting_as_for(request)
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def card_png(pdf: bytes) -> bytes:

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=PREVIEW_SCALE).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@login_required
@require_GET
def preview(request, number: str):
    card = _card(request, number)
    return _private(render(request, "cards/preview.html", {"card": card}))


@login_required
@require_GET
def preview_png(request, number: str):
    card = _card(request, number)
    with card.pdf.open("rb") as handle:
        png = card_png(handle.read())
    audit_record(event="card.preview", request=request, obj=card, detail=card.number)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{card.number}.png"'
    return _private(response)
