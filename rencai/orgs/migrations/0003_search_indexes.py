"""Substring-search indexes over Unit.search_grams, one per database vendor.

SQLite: an external-content FTS5 table (unicode61 tokenizer: every bigram is one
token; a query is the phrase of its bigrams) kept in sync by triggers.
PostgreSQL: a GIN index on the bigram array of search_grams for 2-character queries
(``string_to_array(btrim(search_grams), ' ') @> ARRAY['广州']``) and pg_trgm with a
GIN trigram index on search_text for longer ones (``search_text LIKE '%广州市天%'``);
see rencai/orgs/names.py.

Caution for later migrations: on SQLite, Django rebuilds a table to alter some
columns and drops its triggers with it. `rencai check-search` (and the
`orgs.E00x` database checks) fail loudly if the FTS table or a trigger is missing;
rerun the SQL below (or `rencai check-search --repair`) after such a migration.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS orgs_unit_fts USING fts5(
        search_grams, content='orgs_unit', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', columnsize=0)""",
    """CREATE TRIGGER IF NOT EXISTS orgs_unit_fts_ai AFTER INSERT ON orgs_unit BEGIN
        INSERT INTO orgs_unit_fts(rowid, search_grams) VALUES (new.id, new.search_grams);
    END""",
    """CREATE TRIGGER IF NOT EXISTS orgs_unit_fts_ad AFTER DELETE ON orgs_unit BEGIN
        INSERT INTO orgs_unit_fts(orgs_unit_fts, rowid, search_grams)
            VALUES ('delete', old.id, old.search_grams);
    END""",
    """CREATE TRIGGER IF NOT EXISTS orgs_unit_fts_au AFTER UPDATE OF search_grams ON orgs_unit
    WHEN old.search_grams IS NOT new.search_grams BEGIN
        INSERT INTO orgs_unit_fts(orgs_unit_fts, rowid, search_grams)
            VALUES ('delete', old.id, old.search_grams);
        INSERT INTO orgs_unit_fts(rowid, search_grams) VALUES (new.id, new.search_grams);
    END""",
    "INSERT INTO orgs_unit_fts(orgs_unit_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS orgs_unit_fts_au",
    "DROP TRIGGER IF EXISTS orgs_unit_fts_ad",
    "DROP TRIGGER IF EXISTS orgs_unit_fts_ai",
    "DROP TABLE IF EXISTS orgs_unit_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # 2-character queries: one GIN key per bigram (exact, no trigram intersection).
    "CREATE INDEX IF NOT EXISTS orgs_unit_search_grams_arr ON orgs_unit"
    " USING gin (string_to_array(btrim(search_grams), ' '))",
    "CREATE INDEX IF NOT EXISTS orgs_unit_search_text_trgm ON orgs_unit USING gin (search_text gin_trgm_ops)",
    # Finer LIKE selectivity estimates, so that the planner tells a bigram found in
    # 1 % of the names (scan until 200 hits) from a rare one (GIN bitmap).
    "ALTER TABLE orgs_unit ALTER COLUMN search_grams SET STATISTICS 1000",
    "ALTER TABLE orgs_unit ALTER COLUMN search_text SET STATISTICS 1000",
]
POSTGRES_INDEXES = ["orgs_unit_search_grams_arr", "orgs_unit_search_text_trgm"]
POSTGRES_REVERSE = [f"DROP INDEX IF EXISTS {name}" for name in POSTGRES_INDEXES] + [
    "ALTER TABLE orgs_unit ALTER COLUMN search_grams SET STATISTICS -1",
    "ALTER TABLE orgs_unit ALTER COLUMN search_text SET STATISTICS -1",
]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor ("sqlite", "postgresql")."""

    def __init__(self, vendor, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_search_keys_import_checkpoint")]

    operations = [
        VendorRunSQL("sqlite", SQLITE_FORWARD, SQLITE_REVERSE),
        VendorRunSQL("postgresql", POSTGRES_FORWARD, POSTGRES_REVERSE),
    ]
