"""Django's flush, letting SQLite empty the append-only tables as PostgreSQL's TRUNCATE does.

Flush wipes the whole database (tests between transactional cases, development resets);
it is not an edit of the audit. The chain heads go with it, so the chains restart.
"""

from django.core.management.commands import flush

from rencai.audit import triggers


class Command(flush.Command):
    def handle(self, **options):
        with triggers.flushing():
            return super().handle(**options)
