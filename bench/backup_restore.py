"""Benchmark: `rencai backup` and `rencai restore` for 100,000 cases and their files.

    # SQLite (var/bench/backup.sqlite3)
    nice .venv/bin/python bench/backup_restore.py --load
    # PostgreSQL (database created if missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rencai_bench_backup \\
        nice .venv/bin/python bench/backup_restore.py --load

`--load` creates 100,000 cases (`--cases`) with the deadline benchmark's loader, one stored
attachment of `--file-kb` KiB per case (a row in documents_document and its file), then
times one backup and one restore into the same database, and prints sizes and rates. Without
`--load` the loaded data is reused. A benchmark, not a test: other load on the machine shows.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "var" / "bench"
BENCH.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH / 'backup.sqlite3'}")
os.environ.setdefault("RENCAI_VAR", str(BENCH / "var-backup"))
os.environ.setdefault("RENCAI_MEDIA_ROOT", str(BENCH / "backup-files"))
(BENCH / "var-backup").mkdir(exist_ok=True)

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.deadlines_sweep import _insert, load  # noqa: E402  (sets up Django)
from rencai.accounts.models import User  # noqa: E402
from rencai.cases.models import Case  # noqa: E402
from rencai.core import clock  # noqa: E402
from rencai.documents.models import Document  # noqa: E402
from rencai.ops.backup import backup_create, backup_restore  # noqa: E402


def load_files(kib: int) -> None:
    media = Path(settings.MEDIA_ROOT)
    shutil.rmtree(media, ignore_errors=True)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM documents_document")
    uploader = User.objects.order_by("pk").values_list("pk", flat=True).first()
    now = clock.now()
    payload = os.urandom(kib * 1024)
    columns = [
        "public_id", "folder_id", "type_code", "original_name", "file", "preview", "sha256",
        "mime", "size", "pages", "uploaded_by_id", "uploaded_at",
    ]  # fmt: skip

    # read first: no other query may run on the connection while COPY streams (PostgreSQL)
    folders = list(Case.objects.order_by("pk").values_list("folder_id", flat=True))

    def rows():
        for folder_id in folders:
            name = f"docs/{folder_id % 256:02x}/{uuid.uuid4().hex}.png"
            path = media / name
            path.parent.mkdir(parents=True, exist_ok=True)
            body = payload + folder_id.to_bytes(8, "big")
            path.write_bytes(body)
            sha = hashlib.sha256(body).hexdigest()
            yield [
                uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4(), folder_id, "id_card", "身份证.png", name, "", sha,
                "image/png", len(body), 1, uploader, now,
            ]  # fmt: skip

    started = time.perf_counter()
    with transaction.atomic():
        _insert(Document, columns, rows())
    print(f"stored {Document.objects.count():,} files in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--file-kb", type=int, default=16)
    args = parser.parse_args()
    if args.load:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:  # documents point at the folders load() replaces
            cursor.execute("DELETE FROM documents_document")
        load(args.cases, due=1000, waiting=10_000)
        load_files(args.file_kb)
    target = BENCH / f"backup-{connection.vendor}"
    shutil.rmtree(target, ignore_errors=True)
    cases, files = Case.objects.count(), Document.objects.count()

    started = time.perf_counter()
    summary = backup_create(directory=target)
    took_backup = time.perf_counter() - started
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())

    started = time.perf_counter()
    backup_restore(directory=target)
    took_restore = time.perf_counter() - started

    print(
        f"{connection.vendor}: {cases:,} cases, {files:,} files, {summary.rows:,} rows, "
        f"backup {size / 2**20:,.0f} MiB\n"
        f"  backup  {took_backup:6.1f} s  ({size / 2**20 / took_backup:,.0f} MiB/s)\n"
        f"  restore {took_restore:6.1f} s  ({size / 2**20 / took_restore:,.0f} MiB/s)\n"
        f"  load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
