"""Backup and restore: the database, every stored file, and a manifest that proves both.

A backup directory holds
  database.sqlite3 | database.pgdump   the database (SQLite online backup API / pg_dump -Fc)
  files/<name>                         every file in the default storage, by its storage name
  files.sha256                         one "<sha256>  <name>" line per file
  manifest.json                        versions, applied migrations, row counts, checksums

The database is copied first and the files after: a document row in the copy always has its
file (uploads store the file before their row commits); a file stored later is harmless.
Row counts are read from the same snapshot as the copy (the backup file itself on SQLite, an
exported snapshot shared with pg_dump on PostgreSQL), so a restore can prove it is complete
even for a backup taken while people were submitting.

The field key (RENCAI_FIELD_KEY) is never written: only its key check value, so that a
restore under another key is refused before ID numbers become unreadable.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from rencai.core import crypto

FORMAT = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
FILES_SUMS = "files.sha256"


class BackupError(Exception):
    """A backup or restore that cannot be done safely; the message says why."""


@dataclass
class Summary:
    directory: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(self.manifest["row_counts"].values())

    @property
    def files(self) -> int:
        return self.manifest["files"]["count"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[str]:
    """Every table of the project's models (and Django's own), in a stable order."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    names.add("django_migrations")
    return sorted(names)


def _applied_migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - model tables
        counts[table] = cursor.fetchone()[0]
    return counts


# --- database ----------------------------------------------------------------------------


def _sqlite_backup(target: Path) -> tuple[dict, list]:
    """The online backup API: a consistent copy while the server and worker keep writing."""
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy, pages=4096)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {row[0] for row in cursor.fetchall()}
        tables = [t for t in _tables() if t in present]
        counts = _count_rows(cursor, tables, lambda t: f'"{t}"')
        migrations = _applied_migrations(cursor)
        copy.close()
    finally:
        source.close()
    return counts, migrations


def _pg_env() -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_backup(target: Path) -> tuple[dict, list]:
    """pg_dump in custom format from a snapshot that our row counts read too."""
    import psycopg

    db = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )
    with psycopg.connect(conninfo, autocommit=False) as snap:
        snap.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = snap.execute("SELECT pg_export_snapshot()").fetchone()[0]
        cursor = snap.cursor()
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        present = {row[0] for row in cursor.fetchall()}
        tables = [t for t in _tables() if t in present]
        counts = _count_rows(cursor, tables, lambda t: f'"{t}"')
        migrations = _applied_migrations(cursor)
        result = subprocess.run(  # noqa: S603 - fixed argv, settings values
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target)]
            + [db["NAME"]],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        snap.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts, migrations


# --- files ---------------------------------------------------------------------------------


def _storage_names(path: str = ""):
    dirs, files = default_storage.listdir(path)
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for sub in sorted(dirs):
        yield from _storage_names(f"{path}/{sub}" if path else sub)


def _copy_files(directory: Path) -> dict:
    root = directory / FILES_DIR
    root.mkdir()
    count = size = 0
    with open(directory / FILES_SUMS, "w", encoding="utf-8") as sums:
        try:
            names = list(_storage_names())
        except FileNotFoundError:  # nothing stored yet
            names = []
        for name in names:
            dest = root / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with default_storage.open(name, "rb") as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            except FileNotFoundError:  # deleted while we copied (orphan clean-up)
                continue
            sums.write(f"{_sha256(dest)}  {name}\n")
            count += 1
            size += dest.stat().st_size
    return {"count": count, "bytes": size, "sha256": _sha256(directory / FILES_SUMS)}


# --- public ------------------------------------------------------------------------------


def backup_create(*, directory: Path) -> Summary:
    """Write a complete backup into `directory` (which must not exist or be empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: choose a new directory for each backup")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    vendor = connection.vendor
    if vendor == "sqlite":
        db_file = directory / "database.sqlite3"
        counts, migrations = _sqlite_backup(db_file)
    elif vendor == "postgresql":
        db_file = directory / "database.pgdump"
        counts, migrations = _pg_backup(db_file)
    else:  # pragma: no cover - settings allow only these two
        raise BackupError(f"unsupported database {vendor}")
    files = _copy_files(directory)
    from importlib.metadata import version

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "rencai_version": version("rencai"),
        "django_version": django.get_version(),
        "database": {
            "vendor": vendor,
            "file": db_file.name,
            "sha256": _sha256(db_file),
            "bytes": db_file.stat().st_size,
        },
        "migrations": migrations,
        "row_counts": counts,
        "files": files,
        "field_key_check": crypto.key_check_value(),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return Summary(directory, manifest)


def backup_verify(*, directory: Path) -> dict:
    """Check every checksum of a backup; returns its manifest or raises BackupError."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (FileNotFoundError, ValueError) as exc:
        raise BackupError(f"{directory}: no readable {MANIFEST} ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    db = manifest["database"]
    if _sha256(directory / db["file"]) != db["sha256"]:
        raise BackupError(f"{db['file']}: checksum mismatch (the backup is damaged)")
    if _sha256(directory / FILES_SUMS) != manifest["files"]["sha256"]:
        raise BackupError(f"{FILES_SUMS}: checksum mismatch (the backup is damaged)")
    for line in (directory / FILES_SUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        if _sha256(directory / FILES_DIR / name) != digest:
            raise BackupError(f"files/{name}: checksum mismatch (the backup is damaged)")
    return manifest


def _check_restorable(manifest: dict) -> None:
    if manifest["database"]["vendor"] != connection.vendor:
        raise BackupError(
            f"the backup is of {manifest['database']['vendor']}, the configured database is "
            f"{connection.vendor}: restore into the same kind of database"
        )
    if manifest["field_key_check"] != crypto.key_check_value():
        raise BackupError(
            "RENCAI_FIELD_KEY differs from the key the backed-up data was encrypted with: "
            "configure the original key first (ID numbers would be unreadable)"
        )
    disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    # A squashed migration records the ones it replaces as applied too: known names.
    known = set(disk) | {key for migration in disk.values() for key in migration.replaces}
    unknown = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in known]
    if unknown:
        raise BackupError(
            "the backup comes from a newer version of Rencai (unknown migrations: "
            + ", ".join(unknown[:5])
            + "): install that version first"
        )


def _sqlite_restore(source_file: Path) -> None:
    connections.close_all()
    target = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    source = sqlite3.connect(source_file)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _pg_restore(source_file: Path) -> None:
    connections.close_all()
    db = connection.settings_dict
    result = subprocess.run(  # noqa: S603 - fixed argv, settings values
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        + ["--exit-on-error", "-d", db["NAME"], str(source_file)],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_files(directory: Path) -> int:
    restored = 0
    for line in (directory / FILES_SUMS).read_text(encoding="utf-8").splitlines():
        _digest, name = line.split("  ", 1)
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(directory / FILES_DIR / name, "rb") as fh:
            saved = default_storage.save(name, File(fh))
        if saved != name:
            raise BackupError(f"files/{name}: the storage stored it as {saved}")
        restored += 1
    return restored


def backup_restore(*, directory: Path) -> Summary:
    """Replace the database and the stored files by a verified backup, then prove it."""
    directory = Path(directory)
    manifest = backup_verify(directory=directory)
    _check_restorable(manifest)
    with tempfile.TemporaryDirectory() as tmp:  # never restore from a file being read
        db_copy = Path(tmp) / manifest["database"]["file"]
        shutil.copyfile(directory / manifest["database"]["file"], db_copy)
        if manifest["database"]["vendor"] == "sqlite":
            _sqlite_restore(db_copy)
        else:
            _pg_restore(db_copy)
    _restore_files(directory)
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        tables = [t for t in manifest["row_counts"] if t in set(_tables())]
        counts = _count_rows(cursor, tables, quote)
    wrong = {t: (n, manifest["row_counts"][t]) for t, n in counts.items()}
    wrong = {t: v for t, v in wrong.items() if v[0] != v[1]}
    if wrong:
        raise BackupError(f"restored row counts differ from the manifest: {wrong}")
    return Summary(directory, manifest)
