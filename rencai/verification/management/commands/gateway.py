"""`rencai gateway`: the development data-sharing gateway (rencai.verification.gateway)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from rencai.verification.gateway.app import serve


class Command(BaseCommand):
    help = "Run the development 政务数据共享 gateway with seeded records."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.RENCAI_GATEWAY_PORT)
        parser.add_argument("--seed", action="append", default=[])

    def handle(self, *args, host, port, seed, **options):
        serve(
            host=host, port=port, seeds=seed, key_id=settings.RENCAI_VERIFICATION_KEY_ID,
            secret=settings.RENCAI_VERIFICATION_SECRET,
        )  # fmt: skip
