"""rencai backup DIR: the database, every stored file and a manifest (docs/operations.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from rencai.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the stored files into a new directory (safe while serving)."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a new, empty directory")

    def handle(self, *args, directory, **options):
        started = time.monotonic()
        try:
            summary = backup_create(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup written to {summary.directory}: {summary.rows} rows, "
            f"{summary.files} files, {time.monotonic() - started:.1f} s"
        )
