"""Finding 6 (passwords): the MLPS composition rule plus a strength estimate (zxcvbn) and a
common-password list with Chinese favourites, compared after normalising case, leetspeak
and digits or symbols at either end."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rencai.accounts import passwords
from rencai.accounts.models import User
from rencai.core.demo import DEMO_PASSWORD

from .test_register import URL, form_data

FOUND_IN_REVIEW = ["Admin@123", "Abc@123456", "Password@123", "P@ssw0rd1", "Qwerty123!"]
CHINESE = [
    "Woaini@1314",
    "WOAINI1314!!",
    "5201314Aa!",
    "Qq@123456789",
    "1Qaz@2wsx!",
    "Aa123456!@#",
    "Zxcvbnm@2026",
    "@Admin888!!!",
    "147258369@#$",
    "1L0veY0u@520",
    "88888888Aa#",
    "ABC@123456789",
]
FINE = [DEMO_PASSWORD, "Chen#Yan2026", "Mail#Reset2027", "correct horse 9X battery", "Lh7#qZ2m!vR4"]


def test_the_validators_are_installed():
    names = [v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "rencai.accounts.validators.PasswordPolicyValidator",
        "rencai.accounts.passwords.CommonPasswordValidator",
        "rencai.accounts.passwords.StrengthValidator",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("password", FOUND_IN_REVIEW)
def test_registration_refuses_the_passwords_from_the_review(client, password):
    response = client.post(URL, form_data(password1=password, password2=password))
    assert response.status_code == 400  # re-rendered with the errors (accepted on 2ff1af0)
    assert not User.objects.filter(login_name="lisi2026").exists()
    errors = response.context["form"].errors["password1"]
    assert all(e.startswith("密码") for e in errors)  # names the field
    # says why, beyond the length: common (normalised) and guessable
    assert any("过于常见" in e for e in errors) and any("强度不足" in e for e in errors)


@pytest.mark.parametrize("password", FOUND_IN_REVIEW)
def test_each_rule_refuses_them_on_its_own(password):
    for validator in (passwords.CommonPasswordValidator(), passwords.StrengthValidator()):
        with pytest.raises(ValidationError) as exc:
            validator.validate(password)
        assert exc.value.messages[0].startswith("密码")


@pytest.mark.parametrize("password", CHINESE)
def test_chinese_favourites_are_refused_in_any_disguise(password):
    with pytest.raises(ValidationError) as exc:
        passwords.CommonPasswordValidator().validate(password)
    assert exc.value.code == "password_too_common"
    assert "过于常见" in exc.value.messages[0] and "@→a" in exc.value.messages[0]


@pytest.mark.parametrize("password", FINE)
def test_good_passwords_and_the_demo_password_pass(password):
    validate_password(password, User(login_name="zhangsan", name_pinyin="zhang san"))


def test_the_persons_own_data_makes_a_password_weak():
    user = User(login_name="wxq", mobile="13912345678", name_pinyin="wang xiu qing")
    with pytest.raises(ValidationError) as exc:
        passwords.StrengthValidator().validate("Wangxiuqing#13912345678", user)
    assert "个人信息" in exc.value.messages[0]


@pytest.mark.django_db
def test_password_change_page_names_the_field(client, user):
    from .conftest import PASSWORD

    client.post(reverse("accounts:login"), {"username": "zhangsan", "password": PASSWORD})
    response = client.post(
        reverse("accounts:security"),
        {"old_password": PASSWORD, "password1": "Password@123", "password2": "Password@123"},
    )
    html = response.content.decode()
    assert "过于常见" in html and "强度不足" in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- the normaliser (hypothesis) ----------------------------------------------------------

# What people do to a favourite: leetspeak (the reverse of the folding), case, and digits or
# symbols before and after it.
_DISGUISE = {"a": "@", "o": "0", "i": "1", "l": "1", "e": "3", "s": "$5", "t": "7"}
_EDGE = st.text(alphabet="0123456789!@#$%&*._-+", max_size=6)
_WORDS = [w for w in passwords.chinese_favourites() if w.isalpha() and len(w) >= 3]


@st.composite
def disguised(draw):
    word = draw(st.sampled_from(_WORDS))
    chars = []
    for ch in word:
        if ch in _DISGUISE and draw(st.booleans()):
            ch = draw(st.sampled_from(_DISGUISE[ch]))
        elif draw(st.booleans()):
            ch = ch.upper()
        chars.append(ch)
    return word, draw(_EDGE) + "".join(chars) + draw(_EDGE)


@hsettings(max_examples=300, deadline=None)
@given(disguised())
def test_any_disguise_of_a_favourite_is_common(case):
    word, password = case
    assert passwords.is_common(password), (word, password)


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "S"]), max_size=30))
def test_forms_do_not_depend_on_case(text):
    assert passwords.normal_forms(text.upper()) == passwords.normal_forms(text.lower())


@hsettings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@#",
        min_size=1,
        max_size=20,
    )
)
def test_full_width_is_folded_like_ascii(text):
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in text)  # Ａ..Ｚ, ０..９, ＠
    assert passwords.normal_forms(full_width) == passwords.normal_forms(text)


@hsettings(max_examples=200, deadline=None)
@given(st.sampled_from(_WORDS), _EDGE, _EDGE)
def test_edge_digits_and_symbols_are_ignored(word, before, after):
    assert passwords.normal_forms(word) <= passwords.normal_forms(before + word + after)
