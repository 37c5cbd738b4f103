"""The `rencai` command and the settings' production guard, through real subprocesses."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command

from rencai.accounts.models import RoleGrant, User
from rencai.orgs.models import Office


def run_rencai(*args, env=None, **kwargs):
    environment = {**os.environ, **(env or {})}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for Playwright only
    return subprocess.run(
        [sys.executable, "-m", "rencai.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        **kwargs,
    )


def test_rencai_command_lists_commands():
    result = run_rencai("help")
    assert result.returncode == 0
    for name in ("serve", "worker", "bootstrap", "demo", "loaddata_reference"):
        assert name in result.stdout


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["import-history", "--help"], "usage: rencai import_history"),
        (["loaddata-reference", "--help"], "usage: rencai loaddata_reference"),
        (["help", "loaddata-reference"], "usage: rencai loaddata_reference"),
        (["help", "import-institutions"], "usage: rencai import_institutions"),
    ],
)
def test_rencai_command_maps_dashed_names(args, usage):
    result = run_rencai(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(usage)


def test_rencai_bootstrap_prints_the_banner_and_leaves_sqlite_in_wal_mode(tmp_path):
    """`rencai bootstrap` on a fresh var/ directory, as `make run` does."""
    env = {"RENCAI_VAR": str(tmp_path), "PORT": "8123", "HOST": "127.0.0.1"}
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RENCAI_", "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"))
    }
    result = subprocess.run(
        [sys.executable, "-m", "rencai.cli", "bootstrap"],
        capture_output=True,
        text=True,
        env={**environment, **env, "DJANGO_SETTINGS_MODULE": "rencai.settings"},
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "http://127.0.0.1:8123/" in out
    logins = [
        "demo_applicant",
        "demo_unitadmin",
        "demo_sasac",
        "demo_tianhe",
        "demo_city",
        "demo_datacentre",
        "demo_edu",
        "admin",
    ]
    banner = out[out.index("演示账号 Demo accounts") :]
    assert [line.split()[-1] for line in banner.splitlines()[1:9]] == logins
    assert "Rencai@2026!" in banner
    database = tmp_path / "rencai.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as connection:  # WAL is a property of the file
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


PROD = {
    "RENCAI_ENV": "production",
    "SECRET_KEY": "k" * 20 + "Zx9-" * 10,
    "RENCAI_FIELD_KEY": "field-key-for-tests-" + "f" * 20,
    "ALLOWED_HOSTS": "rencai.example.org",
    "DEBUG": "0",
    "RENCAI_SMS_BACKEND": "http",
    "RENCAI_SMS_HTTP_URL": "https://sms.example.org/send",
    "RENCAI_EMAIL_CHANNEL": "smtp",
    "EMAIL_HOST": "smtp.example.org",
}


def test_production_refuses_missing_secret_key():
    env = {**PROD}
    env.pop("SECRET_KEY")
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    result = subprocess.run(
        [sys.executable, "-m", "rencai.cli", "check"],
        capture_output=True,
        text=True,
        env={**environment, **env},
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = run_rencai("check", env={**PROD, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_check_deploy_is_clean():
    result = run_rencai("check", "--deploy", "--fail-level", "WARNING", env=PROD)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_loaddata_reference_and_demo_are_idempotent(capsys):
    call_command("loaddata_reference")
    call_command("demo")
    counts = (User.objects.count(), Office.objects.count(), RoleGrant.objects.count())
    call_command("loaddata_reference")
    call_command("demo")
    assert (User.objects.count(), Office.objects.count(), RoleGrant.objects.count()) == counts
    assert Office.objects.filter(kind="district").count() == 11
    roles = {g.office.kind if g.office else "unit" for g in RoleGrant.objects.all()}
    assert roles == {"district", "city", "supervisory", "data_centre", "unit"}
    assert User.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_demo_applicant_keeps_rare_character_name():
    call_command("loaddata_reference")
    call_command("demo")
    user = User.objects.get(login_name="demo_applicant")
    assert user.real_name == "李𠇔华"
    assert (user.name_pinyin, user.name_pinyin_incomplete) == ("li ? hua", True)
    assert user.id_number_masked.startswith("4401") and "*" in user.id_number_masked
    assert user.reveal_id_number().startswith("440106")
