from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rencai.audit.archive import audit_archive
from rencai.audit.checks import MIN_RETENTION_DAYS
from rencai.core.errors import Conflict


class Command(BaseCommand):
    help = (
        "Move audit entries older than RENCAI_AUDIT_RETENTION_DAYS to a JSON-lines file in DIR "
        "and keep the chain verifiable from the new anchor. 审计日志归档"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--days", type=int, default=None,
            help=f"keep this many days (default RENCAI_AUDIT_RETENTION_DAYS, ≥ {MIN_RETENTION_DAYS})",
        )  # fmt: skip

    def handle(self, *args, directory, days=None, **options):
        days = settings.RENCAI_AUDIT_RETENTION_DAYS if days is None else days
        if days < MIN_RETENTION_DAYS:
            raise CommandError(
                f"--days {days}: audit entries are kept at least {MIN_RETENTION_DAYS} days"
            )
        try:
            result = audit_archive(directory=directory, days=days)
        except Conflict as exc:
            raise CommandError(str(exc)) from None
        if not result.count:
            self.stdout.write(f"nothing older than {days} days to archive")
            return
        self.stdout.write(
            f"archived {result.count} entries (seq {result.from_seq}–{result.to_seq}) to "
            f"{result.path}; new anchor {result.anchor}"
        )
