"""Crash and concurrency, with real processes on a shared database.

SQLite: a file database in tmp_path (the in-memory test database is per process).
PostgreSQL: the pytest test database itself (transactional test, rows committed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, made once per module and copied per test."""
    path = tmp_path_factory.mktemp("procs") / "template.sqlite3"
    code, _data, log = _run(f"sqlite:///{path}", "migrate")
    assert code == 0, log
    return path


def _url(tmp_path, request) -> tuple[str, bool]:
    if connection.vendor == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "procs.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}", False
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}", False


def _spawn(url: str, *args) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cases.procs", *map(str, args)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _run(url: str, *args) -> tuple[int, dict | None, str]:
    proc = _spawn(url, *args)
    out, err = proc.communicate(timeout=300)
    return proc.returncode, _result(out), out + err


def _result(out: str) -> dict | None:
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return None


@pytest.fixture
def shared(tmp_path, request):
    url, migrate = _url(tmp_path, request)
    code, data, log = _run(url, "setup", *(["--migrate"] if migrate else []), 7)
    assert code == 0, log
    return url, data


def test_process_killed_mid_transition_leaves_case_and_outbox_unchanged(shared):
    url, data = shared
    before = data["state"]
    code, _none, log = _run(url, "crash", data["draft"])
    assert code == 17, log
    assert "status updated, dying" in log
    _code, after, log = _run(url, "inspect")
    assert after == before
    assert after["cases"][str(data["draft"])] == ["draft", 1, True]  # the draft's own clock


def test_concurrent_sweeps_fire_each_due_case_exactly_once(shared):
    url, data = shared
    start = time.time() + 2.0
    procs = [_spawn(url, "fire", start) for _ in range(2)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out + err
        results.append(_result(out)["fired"])
    assert sum(results) == len(data["due"])
    _code, state, _log = _run(url, "inspect")
    fired = [case_id for case_id, action in state["events"] if action == "auto_accept"]
    assert sorted(fired) == sorted(data["due"])  # each exactly once
    for case_id in data["due"]:
        assert state["cases"][str(case_id)][0] == "under_review"


def test_concurrent_case_numbers_are_unique(shared):
    url, data = shared
    start = time.time() + 2.0
    procs = [_spawn(url, "create", data["applicant"], 10, start) for _ in range(2)]
    numbers = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out + err
        numbers += _result(out)["numbers"]
    assert len(set(numbers)) == 20
    serials = sorted(int(n.split("-")[1]) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + 20))
