"""The admin and the second factor: /admin/ asks for it, and the "reset TOTP" admin action
for an official who lost their authenticator."""

from __future__ import annotations

import pyotp
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from rencai.accounts.models import User
from rencai.audit.models import AuditEvent
from rencai.backoffice import totp
from rencai.backoffice.models import TotpUsedStep
from rencai.core import clock
from rencai.core.errors import DomainError, Forbidden
from rencai.notify.models import OutboxMessage
from tests.backoffice.second_factor import verified_client
from tests.cases.factories import person

PASSWORD = "Pw@123456"
CHANGELIST = "admin:accounts_user_changelist"


def _login(client: Client, user) -> object:
    return client.post(
        reverse("accounts:login"), {"username": user.login_name, "password": PASSWORD}
    )


def _superuser(**fields) -> User:
    return User.objects.create_superuser(
        fields.pop("login_name", "root"), PASSWORD, mobile="13700000001", **fields
    )


@pytest.fixture
def official(world):
    user, _acting = world.officials["district-440106"]
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    return user


# --- /admin/ asks for the second factor ---------------------------------------------------


def test_anonymous_goes_to_the_admin_login_as_before(db):
    response = Client().get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response.url == reverse("admin:login") + "?next=/admin/accounts/user/"
    assert Client().get(reverse("admin:login")).status_code == 200


def test_non_staff_goes_to_the_admin_login_as_before(official):
    # An official passes the second factor first (as for every request), then the admin
    # sends a non-staff user to its login as before.
    client = Client()
    _login(client, official)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(
        reverse("backoffice:totp_verify")
    )
    client = verified_client(official)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_unverified_staff_is_sent_to_verify_then_back(db):
    staff = _superuser(totp_secret=pyotp.random_base32())
    client = Client()
    _login(client, staff)
    for url in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{staff.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("backoffice:totp_verify") + "?next=" + url.replace(
            "/", "%2F"
        )
    # A POST (an admin action, a save) is stopped the same way.
    response = client.post(reverse(CHANGELIST), {"action": "delete_selected", "index": "0"})
    assert response.status_code == 302 and response.url.startswith(
        reverse("backoffice:totp_verify")
    )

    page = client.get(reverse("backoffice:totp_verify") + "?next=/admin/accounts/user/")
    assert page.status_code == 200 and 'value="/admin/accounts/user/"' in page.content.decode()
    done = client.post(
        reverse("backoffice:totp_verify"),
        {"code": pyotp.TOTP(staff.totp_secret).at(clock.now()), "next": "/admin/accounts/user/"},
    )
    assert done.status_code == 302 and done.url == "/admin/accounts/user/"
    assert client.get("/admin/accounts/user/").status_code == 200
    assert AuditEvent.objects.filter(event="totp.ok", actor=staff).exists()


def test_admin_login_page_then_second_factor(db):
    _superuser(totp_secret=pyotp.random_base32())
    client = Client()
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "root", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302 and response.url == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("backoffice:totp_verify"))


def test_verified_staff_gets_the_admin(db):
    client = verified_client(_superuser())
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse(CHANGELIST)).status_code == 200


def test_superuser_without_authenticator_enrols_first(db):
    root = _superuser()
    client = Client()
    _login(client, root)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("backoffice:totp_enrol") + "?next=%2Fadmin%2F"
    page = client.get(response.url)
    assert page.status_code == 200
    secret = page.context["secret"]
    done = client.post(
        reverse("backoffice:totp_enrol"),
        {"code": pyotp.TOTP(secret).at(clock.now()), "next": "/admin/"},
    )
    # Enrolment shows the new backup codes once, then goes on to `next`.
    assert done.status_code == 302
    assert done.url == reverse("backoffice:totp_backup_codes") + "?next=%2Fadmin%2F"
    codes_page = client.get(done.url)
    assert len(codes_page.context["codes"]) == 10 and codes_page.context["next"] == "/admin/"
    root.refresh_from_db()
    assert root.totp_secret == secret
    assert client.get("/admin/").status_code == 200


def test_staff_without_a_next_goes_to_the_admin_after_the_code(db):
    root = _superuser(totp_secret=pyotp.random_base32())
    client = Client()
    _login(client, root)
    done = client.post(
        reverse("backoffice:totp_verify"), {"code": pyotp.TOTP(root.totp_secret).now()}
    )
    assert done.status_code == 302 and done.url == reverse("admin:index")


def test_admin_logout_needs_no_code(db):
    root = _superuser(totp_secret=pyotp.random_base32())
    client = Client()
    _login(client, root)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 302
    assert not response.url.startswith(reverse("backoffice:totp_verify"))
    assert "_auth_user_id" not in client.session


def test_new_session_asks_again(db):
    root = _superuser()
    client = verified_client(root)
    assert client.get("/admin/").status_code == 200
    other = Client()
    _login(other, root)
    assert other.get("/admin/").status_code == 302


# --- resetting an official's authenticator ------------------------------------------------


def _action(client: Client, users, **extra) -> object:
    data = {"action": "totp_reset", "_selected_action": [u.pk for u in users], **extra}
    return client.post(reverse(CHANGELIST), data)


def test_reset_through_the_admin_action(official):
    root = _superuser()
    # The official is logged in (with the lost phone's code) and has used a step.
    official_client = Client()
    _login(official_client, official)
    code = pyotp.TOTP(official.totp_secret).at(clock.now())
    official_client.post(reverse("backoffice:totp_verify"), {"code": code})
    assert official_client.get(reverse("backoffice:index"), follow=True).status_code == 200
    assert TotpUsedStep.objects.filter(user=official).count() == 1
    old_secret = official.totp_secret

    admin = verified_client(root)
    changelist = admin.get(reverse(CHANGELIST)).content.decode()
    assert 'value="totp_reset"' in changelist

    # Step 1: the intermediate page asks for the reason.
    page = _action(admin, [official])
    assert page.status_code == 200
    html = page.content.decode()
    assert "重置原因" in html and str(official) in html
    assert 'name="apply"' in html
    official.refresh_from_db()
    assert official.totp_secret == old_secret

    # An empty (or blank) reason is refused, next to the field, nothing changes.
    for blank in ("", "   "):
        refused = _action(admin, [official], apply="yes", reason=blank)
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "重置原因：请填写重置动态口令的原因。" in html
        assert 'class="errorlist' in html
    official.refresh_from_db()
    assert official.totp_secret == old_secret
    assert not AuditEvent.objects.filter(event="totp.reset").exists()

    # Step 2: with a reason.
    done = _action(admin, [official], apply="yes", reason="手机丢失，本人到窗口申请，已核实身份")
    assert done.status_code == 302
    assert "已重置1位用户的动态口令" in admin.get(done.url).content.decode()

    official.refresh_from_db()
    assert official.totp_secret == ""
    assert not TotpUsedStep.objects.filter(user=official).exists()
    event = AuditEvent.objects.get(event="totp.reset")
    assert event.actor == root
    assert event.object_type == "accounts.user" and event.object_id == str(official.pk)
    assert "手机丢失" in event.detail
    sms = OutboxMessage.objects.get(channel="sms", recipient=official.mobile)
    assert "动态口令" in sms.body and "重新绑定" in sms.body
    assert old_secret not in sms.body and code not in sms.body
    assert official.reveal_id_number() not in sms.body

    # The session opened with the lost phone has ended; the next login enrols anew.
    response = official_client.get(reverse("backoffice:index"))
    assert response.status_code == 302 and not response.url.startswith("/office/")
    fresh = Client()
    response = _login(fresh, official)
    assert response.url.startswith(reverse("backoffice:totp_enrol"))
    assert fresh.get(reverse("backoffice:index")).url.startswith(reverse("backoffice:totp_enrol"))


def test_reset_skips_users_without_an_authenticator(official):
    plain = person()
    admin = verified_client(_superuser())
    page = _action(admin, [official, plain])
    html = page.content.decode()
    assert "尚未绑定验证器，将跳过" in html and str(plain) in html
    _action(admin, [official, plain], apply="yes", reason="手机丢失")
    assert AuditEvent.objects.filter(event="totp.reset").count() == 1

    # Only users without one: nothing to ask.
    response = _action(admin, [plain])
    assert response.status_code == 302
    assert "均未绑定验证器" in admin.get(response.url).content.decode()


def test_staff_with_the_permission_may_reset_others_may_not(official):
    staff = User.objects.create_user("helpdesk", PASSWORD, real_name="坐席", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = verified_client(staff)
    assert 'value="totp_reset"' not in client.get(reverse(CHANGELIST)).content.decode()
    response = _action(client, [official], apply="yes", reason="手机丢失")
    assert response.status_code == 200  # the changelist again: not an action of theirs
    official.refresh_from_db()
    assert official.totp_secret != ""

    staff.user_permissions.add(Permission.objects.get(codename="totp_reset"))
    staff = User.objects.get(pk=staff.pk)  # drop the permission cache
    client = verified_client(staff)
    assert 'value="totp_reset"' in client.get(reverse(CHANGELIST)).content.decode()
    response = _action(client, [official], apply="yes", reason="手机丢失")
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.totp_secret == ""
    assert AuditEvent.objects.get(event="totp.reset").actor == staff

    # A superuser's authenticator is for superusers to reset.
    root = _superuser(totp_secret=pyotp.random_base32())
    response = _action(client, [root], apply="yes", reason="手机丢失")
    assert response.status_code == 302
    assert "只有超级管理员可以重置" in client.get(response.url).content.decode()
    root.refresh_from_db()
    assert root.totp_secret != ""


def test_service_rules(official):
    root = _superuser()
    with pytest.raises(DomainError) as exc:
        totp.totp_reset(user=official, actor=root, reason=" \n ")
    assert exc.value.field == "reason" and exc.value.message.startswith("重置原因")
    with pytest.raises(Forbidden):
        totp.totp_reset(user=root, actor=root, reason="自己的")
    with pytest.raises(Forbidden):
        totp.totp_reset(user=official, actor=person(), reason="手机丢失")
    totp.totp_reset(user=official, actor=root, reason="手机丢失")
    with pytest.raises(DomainError) as exc:  # nothing left to reset
        totp.totp_reset(user=official, actor=root, reason="手机丢失")
    assert exc.value.status == 409
    assert AuditEvent.objects.filter(event="totp.reset").count() == 1


def test_reset_from_the_command_line_for_the_last_superuser(db):
    """The way back in when the only superuser lost their phone: the server's operator."""
    from django.core.management import CommandError, call_command

    admin = _superuser(login_name="onlyadmin", totp_secret=pyotp.random_base32())
    with pytest.raises(CommandError, match="--reason"):
        call_command("totp_reset", "onlyadmin")
    with pytest.raises(CommandError, match="重置原因"):
        call_command("totp_reset", "onlyadmin", reason="  ")
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("totp_reset", "nobody", reason="lost phone")
    call_command("totp_reset", "onlyadmin", reason="手机丢失")
    admin.refresh_from_db()
    assert admin.totp_secret == ""
    event = AuditEvent.objects.get(event="totp.reset", object_id=str(admin.pk))
    assert (
        event.actor is None and "reason=手机丢失" in event.detail and "command-line" in event.detail
    )
    with pytest.raises(CommandError, match="尚未绑定"):
        call_command("totp_reset", "onlyadmin", reason="again")
