from django import template
from django.urls import reverse

from rencai.cards.tokens import card_token

register = template.Library()


@register.simple_tag
def card_verify_path(card) -> str:
    """The public verification page of a card (the same link as its QR code)."""
    return reverse("cards:verify", args=[card_token(card.number)])
