"""The unit-search indexes as they are now, for the code that rebuilds or checks them
(`import-units --defer-index`, `rencai check-search --repair`, the `orgs` system checks).
Migrations keep their own frozen copies (0003 created them, 0005 split the trigram index).

PostgreSQL: the bigram-array GIN index (2-character queries) and the pg_trgm GIN index on
`search_text` split into TRGM_BUCKETS partial indexes by `id % TRGM_BUCKETS`. A trigram
query asks the buckets one after another under one LIMIT (see selectors), so a common
trigram's bitmap is built for one bucket — an eighth of its entries — when that bucket
already holds 200 hits. SQLite: the FTS5 table and its triggers of migration 0003.
"""

from __future__ import annotations

import importlib

TRGM_BUCKETS = 8
TRGM_BUCKET_INDEXES = [f"orgs_unit_trgm_b{k}" for k in range(TRGM_BUCKETS)]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS orgs_unit_search_grams_arr ON orgs_unit"
    " USING gin (string_to_array(btrim(search_grams), ' '))",
    *[
        f"CREATE INDEX IF NOT EXISTS {name} ON orgs_unit USING gin (search_text gin_trgm_ops)"
        f" WHERE id % {TRGM_BUCKETS} = {k}"
        for k, name in enumerate(TRGM_BUCKET_INDEXES)
    ],
    "ALTER TABLE orgs_unit ALTER COLUMN search_grams SET STATISTICS 1000",
    "ALTER TABLE orgs_unit ALTER COLUMN search_text SET STATISTICS 1000",
]
POSTGRES_INDEXES = ["orgs_unit_search_grams_arr", *TRGM_BUCKET_INDEXES]
POSTGRES_REVERSE = [f"DROP INDEX IF EXISTS {name}" for name in POSTGRES_INDEXES]

_sqlite = importlib.import_module("rencai.orgs.migrations.0003_search_indexes")
SQLITE_FORWARD: list[str] = _sqlite.SQLITE_FORWARD
SQLITE_REVERSE: list[str] = _sqlite.SQLITE_REVERSE
