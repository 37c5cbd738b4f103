from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.accounts.models import User
from rencai.audit.models import AuditEvent

from .conftest import PASSWORD, make_id

URL = reverse("accounts:register")


def form_data(**over):
    data = {
        "form_token": "tok-1",
        "login_name": "lisi2026",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "real_name": "李𠇔华",
        "id_number": make_id("44010619900307121").lower(),
        "mobile": "13812345678",
        "email": "lisi@example.org",
    }
    data.update(over)
    return data


@pytest.mark.django_db
def test_register_creates_account_with_encrypted_id(client):
    r = client.post(URL, form_data())
    assert r.status_code == 302 and r.url == reverse("accounts:login")
    user = User.objects.get(login_name="lisi2026")
    number = make_id("44010619900307121")
    assert user.real_name == "李𠇔华"
    assert user.name_pinyin.startswith("li")
    assert user.reveal_id_number() == number  # "x" stored as "X"
    assert number not in user.id_number_encrypted
    assert user.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert user.mobile == "13812345678"
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(event="account.register")
    assert number not in event.detail
    follow = client.get(r.url)
    assert "注册成功" in follow.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["陈䶮", "𪚥", "王𠇔"])
def test_rare_character_names_kept_exactly(client, name):
    client.post(URL, form_data(real_name=name))
    assert User.objects.get(login_name="lisi2026").real_name == name


@pytest.mark.django_db
def test_double_submit_creates_one_account(client):
    first = client.post(URL, form_data())
    second = client.post(URL, form_data())
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert User.objects.filter(login_name="lisi2026").count() == 1


@pytest.mark.django_db
def test_resubmit_without_session_token_is_still_one_account(client):
    """A retried request from another session (same data, same password) is the same registration."""
    client.post(URL, form_data())
    other = type(client)()
    r = other.post(URL, form_data(form_token="another"))
    assert r.status_code == 302
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_get_issues_a_fresh_form_token(client):
    r1 = client.get(URL)
    r2 = client.get(URL)
    t1 = r1.context["form"].initial["form_token"]
    assert t1 and t1 != r2.context["form"].initial["form_token"]


@pytest.mark.django_db
def test_errors_name_field_and_rule_and_keep_values(client):
    r = client.post(
        URL,
        form_data(
            id_number="440106199003071210",
            mobile="12345",
            real_name="Li Si",
            password2="Different#1",
        ),
    )
    assert r.status_code == 400  # one status for a form re-rendered with errors
    html = r.content.decode()
    assert "身份证号码校验位错误" in html
    assert "手机号码须为11位" in html
    assert "姓名只能包含汉字" in html
    assert "确认密码：两次输入的密码不一致" in html
    # What was typed is kept, passwords are not.
    assert 'value="lisi2026"' in html
    assert 'value="440106199003071210"' in html
    assert 'value="lisi@example.org"' in html
    assert PASSWORD not in html
    assert 'class="field has-error"' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_required_fields_named(client):
    r = client.post(URL, {})
    html = r.content.decode()
    for label in (
        "登录名：此项为必填项",
        "姓名：此项为必填项",
        "身份证号码：此项为必填项",
        "手机号码：此项为必填项",
    ):
        assert label in html


@pytest.mark.django_db
def test_password_policy_and_login_name_rule(client):
    r = client.post(URL, form_data(password1="Qlisi2026!Ab", password2="Qlisi2026!Ab"))
    assert "密码不能包含登录名" in r.content.decode()
    r = client.post(URL, form_data(password1="short", password2="short"))
    assert "密码至少需要12个字符" in r.content.decode()


@pytest.mark.django_db
def test_uniqueness(client, user):
    html = client.post(URL, form_data(login_name="ZhangSan")).content.decode()
    assert "该登录名已被使用" in html
    html = client.post(URL, form_data(id_number=make_id("44010619900307121"))).content.decode()
    assert "该身份证号码已注册" in html
    html = client.post(
        URL, form_data(mobile=user.mobile, id_number=make_id("44010619900307999"))
    ).content.decode()
    assert "该手机号已注册" in html
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_oversize_input_is_a_form_error_and_oversize_body_is_413(client):
    r = client.post(URL, form_data(login_name="a" * 5000))
    assert r.status_code == 400
    assert "登录名：最多30个字符" in r.content.decode()
    r = client.post(URL, form_data(real_name="张\x00三"))
    assert "姓名：含有不允许的控制字符或文字方向字符 U+0000（空字符）" in r.content.decode()
    big = "x" * (3 * 1024 * 1024)
    r = client.post(URL, data=big, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413 and "2 MB" in r.content.decode()


@pytest.mark.django_db
def test_login_names_are_unique_ignoring_case_in_the_database(user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ZhangSan", PASSWORD, real_name="张三")
    assert User.objects.filter(login_name__iexact="zhangsan").count() == 1


@pytest.mark.django_db
def test_case_variant_that_wins_the_race_is_a_field_error_not_a_500(client, user, monkeypatch):
    """The app's own look-up misses (a concurrent submit); the DB constraint catches it."""
    from rencai.accounts import services

    real = services._login_name_holder
    calls = []

    def first_miss(login_name):
        calls.append(login_name)
        return None if len(calls) == 1 else real(login_name)

    monkeypatch.setattr(services, "_login_name_holder", first_miss)
    other_person = {"id_number": make_id("44010619880101555"), "mobile": "13812349999"}
    r = client.post(URL, form_data(login_name="ZhangSan", **other_person))
    assert r.status_code == 200
    html = r.content.decode()
    assert "has-error" in html and "该登录名已被使用（不区分大小写）" in html
    assert len(calls) == 2 and User.objects.count() == 1


@pytest.mark.django_db
def test_compatibility_ideograph_is_stored_exactly_as_typed(client):
    name = "李\uf900"  # 豈 U+F900; NFC would turn it into U+8C48
    r = client.post(URL, form_data(real_name=name))
    assert r.status_code == 302
    user = User.objects.get(login_name="lisi2026")
    assert user.real_name == name and "\u8c48" not in user.real_name
    assert user.name_pinyin == "li qi"  # the alias reads it like its unified twin
    client.post(reverse("accounts:login"), {"username": "lisi2026", "password": PASSWORD})
    assert name in client.get(reverse("accounts:dashboard")).content.decode()
