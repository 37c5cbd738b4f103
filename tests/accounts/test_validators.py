from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent as StdnumInvalidComponent

from rencai.accounts.models import User
from rencai.accounts.services import name_to_pinyin
from rencai.accounts.validators import (
    PasswordPolicyValidator,
    validate_id_number,
    validate_login_name,
    validate_mobile,
    validate_real_name,
)

PROVINCES = ["11", "31", "44", "51", "65", "81"]


@st.composite
def id_numbers(draw):
    province = draw(st.sampled_from(PROVINCES))
    region = draw(st.integers(0, 9999))
    birth = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"{province}{region:04d}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@given(id_numbers())
@settings(max_examples=200, deadline=None)
def test_generated_valid_ids_are_accepted(number):
    assert validate_id_number(number) == number
    assert validate_id_number(number.lower()) == number  # "x" accepted as "X"


@given(id_numbers(), st.integers(0, 17), st.integers(1, 10))
@settings(max_examples=300, deadline=None)
def test_any_single_character_change_is_rejected(number, position, shift):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = number[position]
    new = alphabet[(alphabet.index(old) + shift) % len(alphabet)]
    if new == old:
        return
    changed = number[:position] + new + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(changed)


CJK_EXT_B = st.integers(0x20000, 0x2A6DF).map(chr)


@given(st.lists(CJK_EXT_B, min_size=1, max_size=3), st.sampled_from(["李", "王", "欧阳"]))
@settings(max_examples=100, deadline=None)
def test_names_from_cjk_extension_b_are_accepted(chars, surname):
    name = surname + "".join(chars)
    assert validate_real_name(name) == name
    # The pinyin alias is derived for every name: one ASCII syllable or "?" per character.
    alias = name_to_pinyin(name)
    assert alias.isascii() and len(alias.split()) == len(surname) + len(chars)


# Regions abolished or renumbered: 440124 (龙门县 under Guangzhou until 1988, by stdnum's
# own table) and 440181 (番禺市 1992–2000, now 440113). python-stdnum checks a region
# against the holder's *birth* date, but a code is the place of first registration, which
# can be years later (a 1985-born first registered in 番禺市 in 1995). Such IDs are valid
# for life, so we accept them: province prefix, birth date and check digit only.
@pytest.mark.parametrize(
    "body",
    ["44012419900612123", "44012419920101456", "44018119850612123", "44018119700101007"],
)
def test_ids_under_abolished_region_codes_are_accepted(body):
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(StdnumInvalidComponent):
        ric.validate(number)  # what python-stdnum says
    assert validate_id_number(number) == number  # what we say, knowingly


@pytest.mark.parametrize("name", ["李𠇔华", "陈䶮", "𪚥", "阿卜杜·热合曼", "张三"])
def test_rare_and_minority_names(name):
    assert validate_real_name(name) == name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "required"),
        ("Zhang San", "characters"),
        ("张3", "characters"),
        ("·张三", "format"),
        ("张" * 41, "length"),
    ],
)
def test_bad_names(name, code):
    with pytest.raises(ValidationError) as exc:
        validate_real_name(name)
    assert exc.value.code == code
    assert "姓名" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "format"),
        ("99010619900307121X", "region"),
        ("440106199002301213", "birth"),  # 30 February
        ("440106199003071210", "checksum"),
    ],
)
def test_bad_id_numbers_name_the_rule(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == code
    assert "身份证号码" in exc.value.messages[0]


def test_id_number_birth_in_the_future_rejected():
    from rencai.core import clock

    tomorrow = clock.today() + timedelta(days=1)
    body = f"440106{tomorrow:%Y%m%d}123"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + ric.calc_check_digit(body + "0"))
    assert exc.value.code == "birth"


@pytest.mark.parametrize("value", ["13800138000", "+86 138-0013-8000", "0086 13800138000"])
def test_good_mobiles(value):
    assert validate_mobile(value) == "13800138000"


@pytest.mark.parametrize("value", ["1380013800", "23800138000", "12000000000", "abc"])
def test_bad_mobiles(value):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert "手机号码" in exc.value.messages[0]


@pytest.mark.parametrize("value", ["zhang", "a_b.c-d", "User2026"])
def test_good_login_names(value):
    assert validate_login_name(value) == value


@pytest.mark.parametrize("value", ["abc", "1abc", "张三丰", "a" * 31, "ab cd"])
def test_bad_login_names(value):
    with pytest.raises(ValidationError) as exc:
        validate_login_name(value)
    assert "登录名" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!", "password_too_short"),
        ("Abcdefgh1!x", "password_too_short"),  # 11: ASVS asks for 12
        ("Ab1!    " + "    " * 2, "password_too_short"),  # runs of spaces count once
        ("Ab1!" * 33, "password_too_long"),
        ("abcdefghijk1", "password_classes"),
        ("ABCDEFGHIJK!", "password_classes"),
        ("Zhangsan#2026", "password_login_name"),
    ],
)
def test_password_policy_rejects(password, code):
    with pytest.raises(ValidationError) as exc:
        PasswordPolicyValidator().validate(password, User(login_name="zhangsan"))
    assert exc.value.code == code
    assert "密码" in exc.value.messages[0]


@pytest.mark.parametrize(
    "password", ["Rencai@2026!", "abcdefghij1!", "ABCDEFGHIJ2a", "correct horse 9X"]
)
def test_password_policy_accepts_three_of_four(password):
    PasswordPolicyValidator().validate(password, User(login_name="zhangsan"))
