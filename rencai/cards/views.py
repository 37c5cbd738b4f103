from django.shortcuts import render
from django.views.decorators.http import require_GET

from rencai.cards.services import card_verify


@require_GET
def verify(request, token: str):
    """Public: confirms a card is genuine and current; shows only what the card prints."""
    result = card_verify(token=token)
    status = 200 if result.status == "valid" else 404 if result.status == "invalid" else 410
    response = render(request, "cards/verify.html", {"result": result}, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
