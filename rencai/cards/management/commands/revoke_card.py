from django.core.management.base import BaseCommand, CommandError

from rencai.cards.models import Card
from rencai.cards.services import card_revoke
from rencai.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Revoke (作废) a 《广州市入户人员信息卡》 by its number: the verification page then "
        "says revoked, the holder is told by SMS, the reason goes to the audit log. "
        "The re-application block stays (see docs/workflow.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="card number, e.g. GZRK2026000001")
        parser.add_argument("--reason", required=True, help="why (sent to the holder, audited)")

    def handle(self, *args, number: str, reason: str, **options):
        card = Card.objects.filter(number=number.strip().upper()).first()
        if card is None:
            raise CommandError(f"入户卡不存在 / no such card: {number}")
        try:
            card = card_revoke(card=card, actor=None, reason=reason)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"入户卡{card.number}已作废，已短信告知持卡人。 / Card revoked.")
