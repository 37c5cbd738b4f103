from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rencai.audit import archive, chain


class Command(BaseCommand):
    help = (
        "Verify the audit and case-history hash chains; report the first break and exit 1. "
        "校验审计链"
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", choices=sorted(chain.CHAINS), action="append")
        parser.add_argument("--archives", type=Path, help="also check the audit-archive files")

    def handle(self, *args, chain=None, archives=None, **options):
        from rencai.audit import chain as chains

        broken = []
        for name in chain or sorted(chains.CHAINS):
            report = chains.verify(chains.CHAINS[name])
            if report.ok:
                self.stdout.write(
                    f"{report.chain}: ok, {report.checked} entries (seq {report.anchor_seq + 1}"
                    f"–{report.head_seq}), head {report.head_hash[:16]}, "
                    f"{report.unsealed} awaiting seal"
                )
            else:
                broken.append(f"{report.chain}: BROKEN at {report.breaks[0]}")
                self.stderr.write(broken[-1])
            if name == "audit" and archives is not None:
                for problem in archive.archives_verify(
                    directory=archives, anchor_seq=report.anchor_seq, anchor_hash=report.anchor_hash
                ):
                    broken.append(f"{report.chain} archives: {problem}")
                    self.stderr.write(broken[-1])
        if broken:
            raise CommandError("; ".join(broken))
