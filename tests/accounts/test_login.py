from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from rencai.accounts.models import User
from rencai.audit.models import AuditEvent
from rencai.core import clock

from .conftest import PASSWORD, ip_client, make_id

LOGIN = reverse("accounts:login")
DASHBOARD = reverse("accounts:dashboard")


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identifier",
    [
        "zhangsan",
        "ZhangSan",
        "13912345678",
        "+86 139 1234 5678",
        make_id("44010619900307121"),
        make_id("44010619900307121").lower(),
    ],
)
def test_login_with_each_identifier(client, user, identifier):
    r = login(client, identifier)
    assert r.status_code == 302 and r.url == DASHBOARD
    assert client.get(DASHBOARD).context["user"] == user
    event = AuditEvent.objects.get(event="login")
    assert event.actor == user and "via=password" in event.detail


@pytest.mark.django_db
def test_wrong_password_is_one_message_and_audited(client, user):
    r1 = login(client, "zhangsan", "Wrong#pass1")
    r2 = login(client, "nobody", "Wrong#pass1")
    for r in (r1, r2):
        assert r.status_code == 200
        assert "登录名/手机号码/身份证号码或密码错误" in r.content.decode()
    assert AuditEvent.objects.filter(event="login.failed").count() == 2
    number = make_id("44010619900307121")
    login(client, number, "Wrong#pass1")
    assert not AuditEvent.objects.filter(detail__contains=number).exists()
    assert number not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))


@pytest.mark.django_db
def test_login_form_errors_name_fields(client):
    html = client.post(LOGIN, {}).content.decode()
    assert "密码：此项为必填项" in html
    assert "登录名 / 手机号码 / 身份证号码：此项为必填项" in html


@pytest.mark.django_db
def test_next_is_followed_only_on_this_site(client, user):
    r = login(client, "zhangsan", next="/accounts/switch/")
    assert r.url == "/accounts/switch/"
    client.logout()
    r = login(client, "zhangsan", next="https://evil.example/")
    assert r.url == DASHBOARD


@pytest.mark.django_db
def test_login_cycles_session_key_and_logout_flushes(client, user):
    client.get(LOGIN)
    client.session["x"] = 1
    s = client.session
    s["probe"] = "before"
    s.save()
    before = s.session_key
    login(client, "zhangsan")
    after = client.session.session_key
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    # GET does not log out; POST does and removes the server-side row.
    assert client.get(reverse("accounts:logout")).status_code == 405
    r = client.post(reverse("accounts:logout"))
    assert r.status_code == 302
    assert not Session.objects.filter(session_key=after).exists()
    assert client.get(DASHBOARD).status_code == 302
    assert AuditEvent.objects.filter(event="logout", actor=user).exists()


@pytest.mark.django_db
def test_csrf_enforced_on_login_and_logout(user):
    client = Client(enforce_csrf_checks=True)
    r = client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
    assert r.status_code == 403
    page = client.get(LOGIN)
    token = page.context["csrf_token"]
    r = client.post(
        LOGIN, {"username": "zhangsan", "password": PASSWORD, "csrfmiddlewaretoken": str(token)}
    )
    assert r.status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_pbkdf2_hash_is_upgraded_to_argon2_at_login(client, make_user, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    u = make_user(login_name="legacy")
    User.objects.filter(pk=u.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert login(client, "legacy").status_code == 302
    u.refresh_from_db()
    assert u.password.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client, make_user):
    make_user(login_name="gone", is_active=False)
    assert login(client, "gone").status_code == 200


# --- lockout (django-axes, per account) ------------------------------------------------


@pytest.mark.django_db
def test_lockout_after_five_failures_with_retry_time(user, make_user):
    other = make_user(login_name="wangwu")
    attacker = ip_client("10.1.1.1")
    # 02:00 UTC of a day not in the future: django-axes stamps a new attempt with the real
    # time (auto_now_add) and drops attempts older than the cool-off before our clock, so
    # a frozen time ahead of the real one (00:00–01:45 UTC) would forget every failure.
    start = clock.now().replace(hour=2, minute=0, second=0, microsecond=0)
    if start > clock.now():
        start -= timedelta(days=1)
    with clock.frozen(start):
        for i in range(4):
            # Every identifier of the account hits one counter.
            ident = ["zhangsan", "13912345678", make_id("44010619900307121"), "ZHANGSAN"][i]
            r = login(attacker, ident, "Wrong#pass1")
            assert r.status_code == 200
        r = login(attacker, "zhangsan", "Wrong#pass1")
        assert r.status_code == 429
        html = r.content.decode()
        assert "登录失败次数过多，账号已锁定，请于10:15后重试" in html  # 02:00 UTC = 10:00 Shanghai
        # Even the right password is refused while locked, from any address.
        r = login(ip_client("10.9.9.9"), "zhangsan")
        assert r.status_code == 429
        # Another account from the same address is not locked.
        r = login(attacker, "wangwu")
        assert r.status_code == 302
    assert AuditEvent.objects.filter(event="login.lockout", actor=user).exists()
    assert other.pk != user.pk


@pytest.mark.django_db
def test_lockout_expires_after_15_minutes(user):
    c = ip_client()
    for _ in range(5):
        login(c, "zhangsan", "Wrong#pass1")
    assert login(c, "zhangsan").status_code == 429
    clock.advance(timedelta(minutes=14))
    assert login(c, "zhangsan").status_code == 429  # still locked (a try extends it)
    clock.advance(timedelta(minutes=16))
    r = login(c, "zhangsan")
    assert r.status_code == 302
    assert not AccessAttempt.objects.exists()  # reset on success


@pytest.mark.django_db
def test_success_resets_the_failure_count(user):
    c = ip_client()
    for _ in range(4):
        login(c, "zhangsan", "Wrong#pass1")
    assert login(c, "zhangsan").status_code == 302
    c.post(reverse("accounts:logout"))
    for _ in range(4):
        assert login(c, "zhangsan", "Wrong#pass1").status_code == 200
    assert login(c, "zhangsan").status_code == 302


@pytest.mark.django_db
def test_unknown_identifiers_do_not_lock_real_accounts(user):
    c = ip_client()
    for _ in range(6):
        login(c, "nosuchuser", "Wrong#pass1")
    assert login(c, "zhangsan").status_code == 302


def test_axes_uses_the_configured_callables(settings):
    """django-axes 8 reads these settings; make sure they resolve to our functions."""
    from axes.helpers import get_client_username, get_lockout_response  # noqa: F401
    from django.utils.module_loading import import_string

    from rencai.accounts import backends, views

    assert import_string(settings.AXES_USERNAME_CALLABLE) is backends.axes_account_key
    assert import_string(settings.AXES_LOCKOUT_CALLABLE) is views.lockout_response
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


# --- sessions ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_idle_timeout(client, user, settings):
    login(client, "zhangsan")
    clock.advance(timedelta(seconds=settings.SESSION_IDLE_SECONDS - 60))
    assert client.get(DASHBOARD).status_code == 200
    clock.advance(timedelta(seconds=settings.SESSION_IDLE_SECONDS - 60))
    assert client.get(DASHBOARD).status_code == 200  # activity renewed the idle window
    clock.advance(timedelta(seconds=settings.SESSION_IDLE_SECONDS + 1))
    r = client.get(DASHBOARD)
    assert r.status_code == 302 and r.url.startswith(LOGIN)
    assert AuditEvent.objects.filter(event="session.timeout", actor=user).exists()


@pytest.mark.django_db
def test_absolute_timeout(client, user, settings):
    login(client, "zhangsan")
    step = timedelta(seconds=settings.SESSION_IDLE_SECONDS - 120)
    elapsed = timedelta(0)
    while elapsed + step < timedelta(seconds=settings.SESSION_COOKIE_AGE):
        clock.advance(step)
        elapsed += step
        assert client.get(DASHBOARD).status_code == 200
    clock.advance(step)
    assert client.get(DASHBOARD).status_code == 302


@pytest.mark.django_db
def test_logout_everywhere(user):
    phone, laptop = ip_client("10.0.0.2"), ip_client("10.0.0.3")
    login(phone, "zhangsan")
    login(laptop, "zhangsan")
    assert phone.get(DASHBOARD).status_code == 200
    clock.advance(timedelta(seconds=1))
    r = laptop.post(reverse("accounts:logout_everywhere"))
    assert r.status_code == 302
    assert phone.get(DASHBOARD).status_code == 302
    assert laptop.get(DASHBOARD).status_code == 302
    assert AuditEvent.objects.filter(event="session.logout_everywhere", actor=user).exists()
    # Logging in again works.
    clock.advance(timedelta(seconds=1))
    login(phone, "zhangsan")
    assert phone.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_password_change(client, user):
    login(client, "zhangsan")
    url = reverse("accounts:security")
    html = client.post(
        url, {"old_password": "bad", "password1": "x", "password2": "y"}
    ).content.decode()
    assert "原密码：原密码不正确" in html
    r = client.post(
        url, {"old_password": PASSWORD, "password1": "New#Pass2027", "password2": "New#Pass2027"}
    )
    assert r.status_code == 302
    assert client.get(DASHBOARD).status_code == 200  # this session stays
    user.refresh_from_db()
    assert user.check_password("New#Pass2027")


@pytest.mark.django_db
def test_django_default_argon2_hash_is_rehashed_with_the_owasp_profile(client, make_user, settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from rencai import settings as project  # the shipped list, not the suite's fast one

    assert project.PASSWORD_HASHERS[0] == "rencai.accounts.hashers.OwaspArgon2PasswordHasher"

    settings.PASSWORD_HASHERS = [
        "rencai.accounts.hashers.OwaspArgon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    u = make_user(login_name="heavy")
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    User.objects.filter(pk=u.pk).update(password=old)
    assert login(client, "heavy").status_code == 302
    u.refresh_from_db()
    assert u.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
