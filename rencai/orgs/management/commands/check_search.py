"""`rencai check-search`: fail loudly when the unit search indexes cannot work."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from rencai.orgs.checks import search_index_errors


class Command(BaseCommand):
    help = "Check the unit search indexes (pg_trgm CJK support / SQLite FTS5 and triggers)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--repair", action="store_true", help="Recreate missing indexes/triggers and rebuild."
        )

    def handle(self, *args, database, repair, **options):
        connection = connections[database]
        if repair:
            from rencai.orgs import search_indexes as migration

            statements = (
                migration.SQLITE_FORWARD
                if connection.vendor == "sqlite"
                else migration.POSTGRES_FORWARD
            )
            with transaction.atomic(using=database), connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
            self.stdout.write("已重建单位搜索索引 search index repaired")
        errors = search_index_errors(connection)
        for error in errors:
            self.stderr.write(f"{error.id}: {error.msg}\n  hint: {error.hint}")
        if errors:
            raise CommandError("单位搜索索引检查未通过 unit search check failed")
        self.stdout.write(f"单位搜索索引正常 unit search OK ({connection.vendor})")
