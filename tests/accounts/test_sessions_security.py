"""Finding 5 (sessions): disabling ends sessions for good; an admin's change of mobile,
e-mail or second factor ends the user's sessions and tells them; TOTP secrets encrypted
at rest (and the data migration that encrypts existing ones)."""

from __future__ import annotations

import pyotp
import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from rencai.accounts.models import User
from rencai.audit.models import AuditEvent
from rencai.backoffice import backup_codes, totp
from rencai.core import crypto
from rencai.notify.models import OutboxMessage
from tests.backoffice.second_factor import verified_client

from .conftest import PASSWORD

DASHBOARD = "accounts:dashboard"
ENCRYPT_MIGRATION = "0005_session_generation_totp_secret_encrypted"


def _logged_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.login_name, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse(DASHBOARD)).status_code == 200
    return client


def _logged_out(client: Client) -> bool:
    response = client.get(reverse(DASHBOARD))
    return response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "Admin#2026x", mobile="13700000001")


@pytest.fixture
def admin(root):
    return verified_client(root)


def _admin_save(admin: Client, user: User, **changes) -> None:
    """POST the admin's change form for `user` with `changes` (what an administrator does)."""
    data = {
        "login_name": user.login_name,
        "password1": "",
        "real_name": user.real_name,
        "name_pinyin": user.name_pinyin,
        "new_id_number": "",
        "mobile": user.mobile or "",
        "email": user.email,
        "role_grants-TOTAL_FORMS": "0",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }
    active = changes.pop("is_active", user.is_active)
    if active:
        data["is_active"] = "on"
    data.update(changes)
    response = admin.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_disabling_in_the_admin_ends_sessions_for_good(admin, user):
    victim = _logged_in(user)
    _admin_save(admin, user, is_active=False)
    _admin_save(admin, User.objects.get(pk=user.pk), is_active=True)  # enabled again
    assert _logged_out(victim)  # on 2ff1af0 the old cookie came back to life
    _logged_in(User.objects.get(pk=user.pk))  # a new login works


def test_disabling_by_any_save_ends_sessions_for_good(user):
    victim = _logged_in(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.is_active = True
    user.save()
    assert _logged_out(victim)


def test_an_unrelated_save_keeps_sessions(user):
    client = _logged_in(user)
    user.email = "other@example.org"
    user.save()
    user.save(update_fields=["last_login"])
    assert client.get(reverse(DASHBOARD)).status_code == 200


def test_admin_mobile_change_ends_sessions_and_tells_old_and_new_number(admin, root, user):
    victim = _logged_in(user)
    _admin_save(admin, user, mobile="13800138999")
    assert _logged_out(victim)
    texts = {m.recipient: m.body for m in OutboxMessage.objects.filter(channel="sms")}
    assert "138****8999" in texts["13912345678"] and "手机号码" in texts["13912345678"]
    assert "zhangsan" in texts["13800138999"]
    mail = OutboxMessage.objects.get(channel="email", recipient="zs@example.org")
    assert "138****8999" in mail.body
    event = AuditEvent.objects.get(event="session.ended_by_admin")
    assert event.actor == root and event.detail == "fields=mobile"


def test_admin_email_change_tells_both_addresses_and_the_mobile(admin, user):
    victim = _logged_in(user)
    _admin_save(admin, user, email="new@example.org")
    assert _logged_out(victim)
    assert set(
        OutboxMessage.objects.filter(channel="email").values_list("recipient", flat=True)
    ) == {"zs@example.org", "new@example.org"}
    assert OutboxMessage.objects.filter(channel="sms", recipient="13912345678").exists()


def test_admin_name_change_keeps_sessions_and_sends_nothing(admin, user):
    client = _logged_in(user)
    _admin_save(admin, user, real_name="李四")
    assert client.get(reverse(DASHBOARD)).status_code == 200
    assert not OutboxMessage.objects.exists()


def test_totp_reset_ends_sessions_deletes_backup_codes_and_tells_by_email(root, user):
    user.totp_secret = pyotp.random_base32()
    user.save()
    backup_codes.backup_codes_generate(user=user)
    victim = _logged_in(user)
    totp.totp_reset(user=user, actor=root, reason="手机丢失，本人到窗口申请")
    assert _logged_out(victim)
    assert backup_codes.remaining(user) == 0
    assert OutboxMessage.objects.filter(channel="sms", recipient=user.mobile).exists()
    assert OutboxMessage.objects.filter(channel="email", recipient=user.email).exists()


# --- TOTP secrets at rest -----------------------------------------------------------------


def _raw_secret(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT totp_secret FROM {User._meta.db_table} WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_totp_secret_is_encrypted_at_rest(user):
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.save(update_fields=["totp_secret"])
    stored = _raw_secret(user)
    assert secret not in stored
    assert crypto.decrypt(stored, context="totp_secret") == secret  # the field key, AES-GCM
    assert User.objects.get(pk=user.pk).totp_secret == secret
    assert User.objects.filter(totp_secret="").count() == 0  # blank stays blank and queryable


def _historical_apps(migration: str):
    """The app registry as it was at accounts.`migration` (the data migration's view)."""
    return MigrationLoader(connection).project_state(("accounts", migration)).apps


def test_data_migration_encrypts_existing_secrets_and_reverses(user):
    from importlib import import_module

    step = import_module(f"rencai.accounts.migrations.{ENCRYPT_MIGRATION}")
    secret = pyotp.random_base32()
    User.objects.filter(pk=user.pk).update(totp_secret="")
    with connection.cursor() as cursor:  # a row as 2ff1af0 stored it: the secret in clear
        cursor.execute(
            f"UPDATE {User._meta.db_table} SET totp_secret = %s WHERE id = %s", [secret, user.pk]
        )
    step.encrypt_secrets(_historical_apps("0003_login_name_ci_pinyin_incomplete"), None)
    assert secret not in _raw_secret(user)
    assert User.objects.get(pk=user.pk).totp_secret == secret
    step.decrypt_secrets(_historical_apps("0003_login_name_ci_pinyin_incomplete"), None)
    assert _raw_secret(user) == secret


def test_saving_a_stale_copy_does_not_revive_ended_sessions(user):
    stale = User.objects.get(pk=user.pk)  # loaded before the sessions end
    victim = _logged_in(user)
    from rencai.accounts.services import user_logout_everywhere

    user_logout_everywhere(user=User.objects.get(pk=user.pk))
    stale.real_name = "李四"
    stale.save()  # a full save of the old copy
    assert _logged_out(victim)
    assert User.objects.get(pk=user.pk).real_name == "李四"
