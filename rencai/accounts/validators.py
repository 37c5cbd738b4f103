"""Validators for what a person registers: ID number, mobile, real name, password.

Messages name the field and the rule, Chinese first.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from rencai.core import clock

# GB/T 2260 province-level prefixes. We check the province only, not the full
# 6-digit region code: IDs issued under since-abolished county codes (e.g. 440124
# 龙门县 under Guangzhou until 1988, 440181 番禺市 1992–2000) stay valid for life, and
# python-stdnum refuses them when the holder's birth date falls outside the code's
# years (tests/accounts/test_validators.py). The check digit and birth date still apply.
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
        "91",
    ]
)


def normalize_id_number(value: str) -> str:
    return ric.compact(value or "").replace(" ", "")


def validate_id_number(value: str) -> str:
    """Return the normalized 18-character number or raise ValidationError."""
    number = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            _("身份证号码格式错误：应为18位，前17位为数字，最后一位为数字或X。"), code="format"
        )
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(_("身份证号码前两位不是有效的省级行政区划代码。"), code="region")
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError(
            _("身份证号码中的出生日期（第7–14位）不是有效日期。"), code="birth"
        ) from None
    if birth > clock.today() or birth < date(1900, 1, 1):
        raise ValidationError(_("身份证号码中的出生日期不能晚于今天或早于1900年。"), code="birth")
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(
            _("身份证号码校验位错误：请核对最后一位（按GB 11643计算）。"), code="checksum"
        )
    return number


def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mobile(value: str) -> str:
    number = normalize_mobile(value)
    message = _("手机号码须为11位中国大陆手机号码（如13800138000）。")
    if not re.fullmatch(r"1\d{10}", number):
        raise ValidationError(message, code="format")
    parsed = phonenumbers.parse(number, "CN")
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(message, code="invalid")
    return number


# Han ideographs in any CJK block (BMP, Extension A–I, compatibility), plus the
# middle dot used in transliterated minority and foreign names.
NAME_JOINERS = frozenset({"·", "•", "・"})


def _is_han(ch: str) -> bool:
    try:
        return unicodedata.name(ch).startswith(
            ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")
        )
    except ValueError:
        return False


def validate_real_name(value: str) -> str:
    """Real names keep every character exactly (生僻字 included, FAQ 一.20).

    No Unicode normalisation: NFC would turn a CJK compatibility ideograph (U+F900 豈…)
    into a different code point, and the name must be stored as it is on the ID card.
    Only leading and trailing spaces go; code that compares names normalises its own copy.
    """
    name = (value or "").strip()
    if not name:
        raise ValidationError(_("姓名不能为空。"), code="required")
    if len(name) > 40:
        raise ValidationError(_("姓名不能超过40个字。"), code="length")
    if name[0] in NAME_JOINERS or name[-1] in NAME_JOINERS:
        raise ValidationError(_("姓名不能以间隔号开头或结尾。"), code="format")
    if not all(_is_han(ch) or ch in NAME_JOINERS for ch in name):
        raise ValidationError(
            _("姓名只能包含汉字（含生僻字）和间隔号“·”，请按身份证填写。"), code="characters"
        )
    return name


LOGIN_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{3,29}")


def validate_login_name(value: str) -> str:
    if not LOGIN_NAME_RE.fullmatch(value or ""):
        raise ValidationError(
            _("登录名须为4–30位，以字母开头，只能包含字母、数字、下划线、点和连字符。"),
            code="format",
        )
    return value


class PasswordPolicyValidator:
    """The composition rule GB/T 22239 (MLPS level 3) asks for — 3 of 4 classes (upper,
    lower, digit, symbol) — with ASVS's length: at least 12 characters (runs of spaces
    count as one), at most 128, and not containing the login name. Strength and common
    passwords: rencai.accounts.passwords. Why both: docs/operations.md#passwords."""

    min_length = 12
    max_length = 128

    def validate(self, password: str, user=None) -> None:
        length = len(re.sub(r"\s+", " ", password))
        if length < self.min_length:
            raise ValidationError(
                _("密码至少需要%(n)d个字符（连续的空格按1个计）。") % {"n": self.min_length},
                code="password_too_short",
            )
        if length > self.max_length:
            raise ValidationError(
                _("密码不能超过%(n)d个字符。") % {"n": self.max_length}, code="password_too_long"
            )
        classes = sum(
            bool(re.search(p, password)) for p in (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]")
        )
        if classes < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类。"), code="password_classes"
            )
        login_name = getattr(user, "login_name", "") or ""
        if login_name and login_name.lower() in password.lower():
            raise ValidationError(_("密码不能包含登录名。"), code="password_login_name")

    def get_help_text(self) -> str:
        return _("至少12个字符，包含大写字母、小写字母、数字、符号中的至少三类，且不能包含登录名。")
