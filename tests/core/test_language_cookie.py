"""The language cookie is set like the session's: Secure, HttpOnly and SameSite in
production (issue #10, finding 11). Through a real production configuration in a
subprocess, since settings are read once at start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Subprocesses on their own SQLite var/: the same run whatever DATABASE_URL the suite has,
# so the PostgreSQL pass of CI does not repeat it.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="database-independent"
)
SET_LANGUAGE = """
from django.conf import settings
from django.test import Client
response = Client().post(
    "/i18n/setlang/", {"language": "en", "next": "/"},
    secure=settings.PRODUCTION, HTTP_HOST=settings.ALLOWED_HOSTS[0],
)
print(response.status_code)
print(response.cookies[settings.LANGUAGE_COOKIE_NAME].output())
"""


def _set_language_cookie(tmp_path, **env) -> str:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "RENCAI_", "DATABASE_URL", "SECRET_KEY", "DEBUG"))
    }
    base.update({"RENCAI_VAR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SET_LANGUAGE],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    status, cookie = result.stdout.strip().splitlines()[-2:]
    assert status == "302"
    return cookie


def test_language_cookie_is_secure_httponly_and_samesite_in_production(tmp_path):
    cookie = _set_language_cookie(
        tmp_path,
        RENCAI_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        RENCAI_FIELD_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="example.org",
    )
    assert "django_language=en" in cookie
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_cookie_in_development_is_httponly_and_samesite(tmp_path):
    # Plain http on a laptop: not Secure (the browser would drop it), the rest the same.
    cookie = _set_language_cookie(tmp_path)
    assert "; HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
