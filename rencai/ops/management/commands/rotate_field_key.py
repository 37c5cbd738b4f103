"""rencai rotate-field-key: re-encrypt every ID number under the current key and profile."""

from django.core.management.base import BaseCommand, CommandError

from rencai.core import crypto
from rencai.ops.rotation import field_key_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under RENCAI_FIELD_KEY / RENCAI_CRYPTO_PROFILE, with "
        "the old key in RENCAI_FIELD_KEY_PREVIOUS (resumable: run again after an interruption)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch, **options):
        if not crypto.rotating():
            raise CommandError(
                "set RENCAI_FIELD_KEY_PREVIOUS (the old key) and/or "
                "RENCAI_CRYPTO_PROFILE_PREVIOUS (the old profile) for the rotation"
            )

        def progress(report):
            self.stdout.write(f"  {report.checked} checked, {report.rotated} re-encrypted")

        report = field_key_rotate(batch=batch, progress=progress)
        self.stdout.write(
            f"done: {report.rotated} of {report.checked} re-encrypted under profile "
            f"{crypto.profile()}; {report.settlements_rekeyed} settlement records re-keyed"
        )
        if report.legacy_without_person:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.legacy_without_person} legacy settlement records have no registered "
                    "person to re-key them by: re-import the legacy file with "
                    "`rencai import-history FILE.csv` before removing RENCAI_FIELD_KEY_PREVIOUS"
                )
            )
