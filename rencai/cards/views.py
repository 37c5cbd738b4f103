from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rencai.accounts.roles import acting_as_for
from rencai.audit.services import audit_record
from rencai.cards.selectors import card_get_for_download
from rencai.cards.services import card_verify
from rencai.core.errors import NotFound


@require_GET
def verify(request, token: str):
    """Public: confirms a card is genuine and current; shows only what the card prints."""
    result = card_verify(token=token)
    status = 200 if result.status == "valid" else 404 if result.status == "invalid" else 410
    response = render(request, "cards/verify.html", {"result": result}, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def download(request, number: str):
    """The stored PDF, for the applicant, the case's unit admin and the issuing office."""
    try:
        card = card_get_for_download(
            number=number, user=request.user, acting_as=acting_as_for(request)
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    audit_record(event="card.download", request=request, obj=card, detail=card.number)
    response = FileResponse(
        card.pdf.open("rb"),
        as_attachment=True,
        filename=f"{card.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
