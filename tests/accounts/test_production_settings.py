"""Production refuses unsafe configuration; `check --deploy` is clean (subprocesses)."""

from __future__ import annotations

import os
import re
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
    """A complete production configuration: real keys, hosts and delivery channels."""
    env = {
        "RENCAI_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "RENCAI_FIELD_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "example.org",
        "RENCAI_SMS_BACKEND": "http",
        "RENCAI_SMS_HTTP_URL": "https://sms.example.org/send",
        "RENCAI_SMS_HTTP_TOKEN": "token",
        "RENCAI_EMAIL_CHANNEL": "smtp",
        "EMAIL_HOST": "smtp.example.org",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_is_clean(tmp_path):
    """On an empty database (no tables yet) not even a warning."""
    r = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **prod())
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_check_deploy_on_a_migrated_database_passes_the_operators_gate(tmp_path):
    """What operators run: `check --deploy --fail-level ERROR` on the real database.

    The only warning allowed is workdays.W001: from October on it reminds that next year's
    holiday schedule is not loaded yet. It is deliberately a warning, not an error (the
    provisional calendar keeps working), so the gate is --fail-level ERROR (operations.md).
    """
    assert run(tmp_path, "migrate", "--no-input", "-v0", **prod()).returncode == 0
    r = run(tmp_path, "check", "--deploy", "--fail-level", "ERROR", **prod())
    assert r.returncode == 0, r.stdout + r.stderr
    issues = set(re.findall(r"\(([a-z_]+\.[EWCI]\d{3})\)", r.stdout + r.stderr))
    assert issues <= {"workdays.W001"}, r.stdout + r.stderr


def test_check_deploy_refuses_console_channels_in_production(tmp_path):
    env = prod(RENCAI_SMS_BACKEND=None, RENCAI_EMAIL_CHANNEL=None)  # the defaults: console
    r = run(tmp_path, "check", "--deploy", **env)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "notify.E003" in out
    assert "RENCAI_SMS_BACKEND=console" in out and "RENCAI_EMAIL_CHANNEL=console" in out


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RENCAI_SMS_HTTP_URL": None}, "RENCAI_SMS_HTTP_URL is not set"),
        ({"EMAIL_HOST": None}, "EMAIL_HOST is not set"),
        ({"RENCAI_OIDC_ISSUER": "https://id.example.org"}, "RENCAI_OIDC_CLIENT_ID is not set"),
    ],
)
def test_incomplete_channel_or_identity_configuration_fails_the_check(tmp_path, env, message):
    r = run(tmp_path, "check", "--deploy", **prod(**env))
    assert r.returncode != 0
    assert message in r.stdout + r.stderr


def test_production_sends_hsts_and_secure_headers(tmp_path):
    # /accounts/ redirects to the login page without rendering a template (production
    # templates need collectstatic's manifest, which this temporary directory lacks).
    code = (
        "from django.test import Client;"
        "r = Client().get('/accounts/', secure=True, HTTP_HOST='example.org');"
        "print(r.status_code, r.headers.get('Strict-Transport-Security'));"
        "print(r.headers.get('X-Content-Type-Options'));"
        "r = Client().get('/accounts/', HTTP_HOST='example.org');"
        "print(r.status_code, r.headers.get('Location'))"
    )
    r = run(tmp_path, "shell", "-c", code, **prod())
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()[-3:]
    assert lines[0] == "302 max-age=31536000; includeSubDomains; preload"
    assert lines[1] == "nosniff"
    assert lines[2] == "301 https://example.org/accounts/"


def test_trusted_proxies_come_from_the_environment(tmp_path):
    code = "from django.conf import settings as s; print(s.RENCAI_TRUSTED_PROXIES)"
    r = run(tmp_path, "shell", "-c", code, RENCAI_TRUSTED_PROXIES=" 10.0.0.2, 172.16.0.0/12 ,")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "['10.0.0.2', '172.16.0.0/12']"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY is too short or a default"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short or a default"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"RENCAI_FIELD_KEY": None}, "RENCAI_FIELD_KEY must be set"),
        ({"RENCAI_FIELD_KEY": "x"}, "RENCAI_FIELD_KEY is too short"),
        ({"RENCAI_FIELD_KEY": "k" * 31}, "RENCAI_FIELD_KEY is too short"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must be set"),
        ({"RENCAI_TRUSTED_PROXIES": "10.0.0.1,proxy.local"}, "RENCAI_TRUSTED_PROXIES"),
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
