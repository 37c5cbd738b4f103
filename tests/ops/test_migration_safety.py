"""rencai check-migrations: unsafe operations in new migrations fail CI unless reviewed."""

from __future__ import annotations

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently
from django.core.management import CommandError, call_command
from django.db import migrations, models

from rencai.ops.migration_safety import findings_for


def _migration(name, operations, **attrs):
    cls = type("Migration", (migrations.Migration,), {"operations": operations, **attrs})
    cls.__module__ = f"rencai.cases.migrations.{name}"
    return cls(name, "cases")


INDEX = models.Index(fields=["due_at"], name="x_due")


@pytest.mark.parametrize(
    ("operation", "unsafe"),
    [
        (migrations.AddIndex("case", INDEX), True),
        (AddIndexConcurrently("case", INDEX), False),
        (migrations.AddField("case", "note", models.TextField(default="")), False),
        (migrations.AlterField("case", "number", models.CharField(max_length=40)), True),
        (migrations.RemoveField("case", "note"), True),
        (migrations.RunSQL("UPDATE cases_case SET version = version"), True),
        (
            migrations.AddConstraint(
                "case", models.UniqueConstraint(fields=["number"], name="x_unique")
            ),
            True,
        ),
    ],
)
def test_operations_are_judged(operation, unsafe):
    found = findings_for(
        {("cases", "9001_x"): _migration("9001_x", [operation])}, reviewed=set(), prefix="rencai."
    )
    assert bool(found) is unsafe
    if unsafe:
        assert found[0].migration == "cases.9001_x" and found[0].why


def test_reviewed_migrations_pass():
    risky = [migrations.AddIndex("case", INDEX)]
    reviewed = _migration("9002_y", risky, rencai_safety="built at night, 20k rows")
    old = _migration("0001_initial", risky)
    found = findings_for(
        {("cases", "9002_y"): reviewed, ("cases", "0001_initial"): old},
        reviewed={"cases.0001_initial"},
        prefix="rencai.",
    )
    assert found == []


def test_the_projects_own_migrations_pass(capsys):
    call_command("check_migrations")
    assert "nothing unsafe" in capsys.readouterr().out


def test_the_command_fails_on_an_unsafe_migration(monkeypatch):
    from rencai.ops import migration_safety

    monkeypatch.setattr(
        migration_safety,
        "_reviewed_before",
        lambda: set(),  # as if every migration were new
    )
    with pytest.raises(CommandError, match="unsafe migration operations"):
        call_command("check_migrations")
