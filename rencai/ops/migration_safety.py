"""Zero-downtime migrations on PostgreSQL: flag operations that lock or rewrite a busy table.

`rencai check-migrations` (CI runs it) inspects every migration that is not in the list
of migrations that predate the check. An operation is *unsafe* when, on PostgreSQL, it
holds a lock that stops the site for the length of a table scan or rewrite, or breaks the
code still running during a rolling deploy:

- AddIndex / AddConstraint (unique, check, exclusion) / AlterUniqueTogether: built or
  validated under a lock that blocks writes. Use AddIndexConcurrently in a non-atomic
  migration, AddConstraintNotValid + ValidateConstraint, or review it.
- AlterField (type, length, nullability), RenameField, RenameModel, RemoveField,
  DeleteModel: a rewrite, or old code reading what is gone. Split into expand / contract
  releases.
- RunSQL / RunPython: unknown cost; someone must have looked.

A migration that has been looked at says so with a class attribute
`rencai_safety = "why it is fine (e.g. table size, when it runs)"`; docs/operations.md
("Upgrades") explains the expand/contract pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.postgres import operations as pg_ops
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

BASELINE = Path(__file__).with_name("migrations_reviewed_before_the_check.txt")

SAFE_ALWAYS = (
    migrations.CreateModel,
    migrations.AddField,  # PostgreSQL >= 11 adds a column with a constant default without a rewrite
    migrations.AlterModelOptions,
    migrations.AlterModelManagers,
    migrations.AlterModelTable,
    migrations.RemoveIndex,
    migrations.RemoveConstraint,
    migrations.RenameIndex,
    pg_ops.AddIndexConcurrently,
    pg_ops.RemoveIndexConcurrently,
    pg_ops.AddConstraintNotValid,
    pg_ops.ValidateConstraint,  # SHARE UPDATE EXCLUSIVE: writes go on
    pg_ops.CreateExtension,
)
WHY = {
    migrations.AddIndex: "builds an index while blocking writes (AddIndexConcurrently)",
    migrations.AddConstraint: "builds or validates a constraint while blocking writes",
    migrations.AlterUniqueTogether: "builds a unique index while blocking writes",
    migrations.AlterIndexTogether: "builds an index while blocking writes",
    migrations.AlterField: "may rewrite the table and breaks old code mid-deploy",
    migrations.RenameField: "old code still running reads the old name",
    migrations.RenameModel: "old code still running reads the old table",
    migrations.RemoveField: "old code still running reads the column (remove it a release later)",
    migrations.DeleteModel: "old code still running reads the table (drop it a release later)",
    migrations.RunSQL: "unknown cost: review it",
    migrations.RunPython: "unknown cost: review it",
}


@dataclass(frozen=True)
class Finding:
    migration: str
    operation: str
    why: str


def _reviewed_before() -> set[str]:
    return {line.strip() for line in BASELINE.read_text().splitlines() if line.strip()}


def _why(operation) -> str | None:
    if isinstance(operation, SAFE_ALWAYS):
        return None
    for kind, why in WHY.items():
        if isinstance(operation, kind):
            return why
    return None


def findings_for(disk_migrations: dict, *, reviewed: set[str], prefix: str) -> list[Finding]:
    findings = []
    for (app, name), migration in sorted(disk_migrations.items()):
        if not type(migration).__module__.startswith(prefix):
            continue
        if f"{app}.{name}" in reviewed or getattr(migration, "rencai_safety", ""):
            continue
        for operation in migration.operations:
            why = _why(operation)
            if why:
                findings.append(Finding(f"{app}.{name}", operation.describe(), why))
    return findings


def unsafe_operations(*, prefix: str = "rencai.") -> list[Finding]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return findings_for(loader.disk_migrations, reviewed=_reviewed_before(), prefix=prefix)
