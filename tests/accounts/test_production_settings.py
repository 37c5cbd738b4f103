"""Production refuses unsafe configuration; `check --deploy` is clean (subprocesses)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "RENCAI_", "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
        )
    }
    base.update({"RENCAI_VAR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def prod(**extra):
    env = {
        "RENCAI_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "RENCAI_FIELD_KEY": "x",
        "ALLOWED_HOSTS": "example.org",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_is_clean(tmp_path):
    r = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **prod())
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY is too short or a default"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short or a default"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"RENCAI_FIELD_KEY": None}, "RENCAI_FIELD_KEY must be set"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, env, message):
    r = run(tmp_path, "check", **prod(**env))
    assert r.returncode != 0
    assert message in r.stderr


def test_production_security_settings(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.SECURE_SSL_REDIRECT, s.RENCAI_DEV_INBOX, s.SESSION_COOKIE_NAME)"
    )
    r = run(tmp_path, "shell", "-c", code, **prod())
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "False",
        "__Host-rencai_session",
    ]
