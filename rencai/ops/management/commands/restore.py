"""rencai restore DIR: replace the database and files by a verified backup."""

import time

from django.core.management.base import BaseCommand, CommandError

from rencai.ops.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup made by `rencai backup` (stop the web server and the worker first). "
        "Every checksum is verified before anything is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--verify-only", action="store_true", help="check the backup, change nothing"
        )
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, directory, verify_only, yes, **options):
        started = time.monotonic()
        try:
            if verify_only:
                manifest = backup_verify(directory=directory)
                self.stdout.write(
                    f"backup is intact: {manifest['files']['count']} files, "
                    f"{sum(manifest['row_counts'].values())} rows"
                )
                return
            if not yes:
                answer = input(
                    "这将覆盖当前数据库和文件 / This replaces the database and files. yes? "
                )
                if answer.strip().lower() not in ("y", "yes"):
                    raise CommandError("not restored")
            summary = backup_restore(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored from {summary.directory}: {summary.rows} rows, {summary.files} files, "
            f"{time.monotonic() - started:.1f} s; run `rencai migrate` if the backup is older"
        )
