"""PostgreSQL: split the pg_trgm GIN index on orgs_unit.search_text into 8 partial indexes
by id % 8, so that a query for a common trigram builds its bitmap one bucket at a time
and stops when a bucket already holds enough hits (see rencai/orgs/search_indexes.py)."""

import importlib

from django.db import migrations

VendorRunSQL = importlib.import_module("rencai.orgs.migrations.0003_search_indexes").VendorRunSQL

BUCKETS = 8
FORWARD = [
    f"CREATE INDEX IF NOT EXISTS orgs_unit_trgm_b{k} ON orgs_unit"
    f" USING gin (search_text gin_trgm_ops) WHERE id % {BUCKETS} = {k}"
    for k in range(BUCKETS)
] + ["DROP INDEX IF EXISTS orgs_unit_search_text_trgm"]
REVERSE = [
    "CREATE INDEX IF NOT EXISTS orgs_unit_search_text_trgm ON orgs_unit"
    " USING gin (search_text gin_trgm_ops)"
] + [f"DROP INDEX IF EXISTS orgs_unit_trgm_b{k}" for k in range(BUCKETS)]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_drop_like_indexes")]

    operations = [VendorRunSQL("postgresql", FORWARD, REVERSE)]
