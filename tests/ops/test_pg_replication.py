"""The PostgreSQL procedures of docs/operations.md, run for real on clusters this test starts:
a streaming replica (off-site, real-time copy) and point-in-time recovery from a base backup
plus archived WAL. Runs in the PostgreSQL suite (the machine's server binaries are needed).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"PostgreSQL server binary {name} not found")
    return found[-1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*argv: str, check=True, **kwargs):
    """Server binaries refuse to run as root: run them as the postgres user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *argv], check=check, capture_output=True, text=True, **kwargs)


class Cluster:
    def __init__(self, data: Path, port: int):
        self.data, self.port = data, port

    def start(self):
        _as_postgres(
            _bin("pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"),
            "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1", "-w", "start",
        )  # fmt: skip

    def stop(self):
        _as_postgres(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "stop", check=False)

    def sql(self, query: str) -> str:
        out = _as_postgres(
            _bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-d", "postgres", "-XAtqc", query,
        )  # fmt: skip
        return out.stdout.strip()


@pytest.fixture
def workdir(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL procedures run in the PostgreSQL suite")
    base = Path(f"/tmp/rencai-pg-{os.getpid()}-{time.monotonic_ns()}")
    base.mkdir(mode=0o700)
    shutil.chown(base, "postgres", "postgres") if os.geteuid() == 0 else None
    clusters: list[Cluster] = []
    yield base, clusters
    for cluster in clusters:
        cluster.stop()
    shutil.rmtree(base, ignore_errors=True)


def _primary(base: Path, clusters: list) -> tuple[Cluster, Path]:
    archive = base / "wal-archive"
    _as_postgres("mkdir", "-p", str(archive))
    primary = Cluster(base / "primary", _port())
    _as_postgres(_bin("initdb"), "-D", str(primary.data), "-U", "postgres", "-A", "trust")
    with open(primary.data / "postgresql.conf", "a") as conf:  # the settings the docs give
        conf.write(
            "wal_level = replica\narchive_mode = on\n"
            f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n"
            "max_wal_senders = 4\n"
        )
    with open(primary.data / "pg_hba.conf", "a") as hba:
        hba.write("host replication postgres 127.0.0.1/32 trust\n")
    primary.start()
    clusters.append(primary)
    return primary, archive


def test_streaming_replica_follows_the_primary(workdir):
    base, clusters = workdir
    primary, _archive = _primary(base, clusters)
    primary.sql("CREATE TABLE cases (number text primary key)")
    replica = Cluster(base / "replica", _port())
    _as_postgres(
        _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
        "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    replica.start()
    clusters.append(replica)
    primary.sql("INSERT INTO cases VALUES ('RC2026-000001')")
    for _ in range(100):  # streamed within moments
        if replica.sql("SELECT count(*) FROM cases") == "1":
            break
        time.sleep(0.1)
    assert replica.sql("SELECT number FROM cases") == "RC2026-000001"
    assert replica.sql("SELECT pg_is_in_recovery()") == "t"
    assert primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "1"


def test_point_in_time_recovery_from_base_backup_and_archived_wal(workdir):
    base, clusters = workdir
    primary, archive = _primary(base, clusters)
    primary.sql("CREATE TABLE cases (number text primary key)")
    basebackup = base / "base"
    _as_postgres(
        _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
        "-D", str(basebackup), "-X", "none", "-c", "fast",
    )  # fmt: skip
    primary.sql("INSERT INTO cases VALUES ('kept')")
    target = primary.sql("SELECT now()")
    time.sleep(1.1)
    primary.sql("DELETE FROM cases")  # the mistake to recover from
    finished = primary.sql("SELECT pg_walfile_name(pg_switch_wal())")
    for _ in range(200):  # until the archiver has copied the segment holding both changes
        archived = primary.sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")
        if archived >= finished:
            break
        time.sleep(0.1)
    assert (archive / finished).exists()
    primary.stop()

    restored = Cluster(base / "restored", _port())
    _as_postgres("cp", "-a", str(basebackup), str(restored.data))
    with open(restored.data / "postgresql.conf", "a") as conf:
        conf.write(
            f"restore_command = 'cp {archive}/%f %p'\n"
            f"recovery_target_time = '{target}'\nrecovery_target_action = 'promote'\n"
            "archive_mode = off\n"
        )
    _as_postgres("touch", str(restored.data / "recovery.signal"))
    restored.start()
    clusters.append(restored)
    for _ in range(100):
        if restored.sql("SELECT pg_is_in_recovery()") == "f":
            break
        time.sleep(0.1)
    assert restored.sql("SELECT number FROM cases") == "kept"
