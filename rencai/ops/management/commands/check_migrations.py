"""rencai check-migrations: fail on unreviewed migrations that would stop a busy site."""

from django.core.management.base import BaseCommand, CommandError

from rencai.ops.migration_safety import unsafe_operations


class Command(BaseCommand):
    help = "List migration operations that lock or rewrite tables on PostgreSQL (CI runs this)."

    def handle(self, *args, **options):
        findings = unsafe_operations()
        for f in findings:
            self.stdout.write(f"{f.migration}: {f.operation} — {f.why}")
        if findings:
            raise CommandError(
                f"{len(findings)} unsafe migration operations: make them safe, or add "
                '`rencai_safety = "why it is fine"` to the Migration (docs/operations.md, Upgrades)'
            )
        self.stdout.write("migrations: nothing unsafe")
