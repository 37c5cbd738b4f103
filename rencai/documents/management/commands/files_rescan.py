from django.core.management.base import BaseCommand, CommandError

from rencai.documents.rescan import documents_rescan
from rencai.documents.scanners import ScannerUnavailable


class Command(BaseCommand):
    help = (
        "Scan stored attachments again (malware scanner and PDF active content, as on upload) "
        "and list those an upload would now refuse; deletes nothing. Exit status 1 when any is "
        "found or the scanner gives no verdict."
    )

    def add_arguments(self, parser):
        parser.add_argument("--include-history", action="store_true", help="also replaced versions")

    def handle(self, *args, include_history: bool, **options):
        found = 0
        try:
            for document, reason in documents_rescan(include_history=include_history):
                found += 1
                self.stdout.write(f"{document.public_id}\t{document.folder}\t{reason}")
        except ScannerUnavailable as exc:
            raise CommandError(f"{exc.message} ({exc.reason})") from None
        if found:
            raise CommandError(f"{found} 个附件未通过检查 / {found} attachments failed the checks")
        self.stdout.write("全部附件通过检查 / all attachments passed")
