"""Password strength beyond the MLPS composition rule (validators.PasswordPolicyValidator):
a common-password list with Chinese favourites, compared after normalisation, and a
strength estimate (zxcvbn). Both implement Django's validator interface
(settings.AUTH_PASSWORD_VALIDATORS); docs/operations.md says why both rules are there.

Normalisation folds case (NFKC + casefold: full-width ＡＢＣ is abc), leetspeak
(@→a, 0→o, 1/l→i, 3→e, $/5→s, 7→t) and digits or symbols at either end, so that
`P@ssw0rd1`, `Admin@123` and `Woaini@1314` all meet their list entry.
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path

import django.contrib.auth
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

CHINESE_LIST = Path(__file__).parent / "data" / "common_passwords_zh.txt"
DJANGO_LIST = Path(django.contrib.auth.__file__).parent / "common-passwords.txt.gz"
# 1 and l both fold to i: "1qaz", "lqaz" and "iqaz" are one guess apart.
_LEET = str.maketrans(
    {"@": "a", "0": "o", "1": "i", "l": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)
# A list entry's core shorter than this (the "qq" of "qq123456") is not used on its own:
# it would refuse every qq + digits password. The whole entry still counts.
MIN_CORE = 3
# How far into a run of edge digits/symbols partial cuts are tried (then the whole run).
EDGE_CUTS = 8
# zxcvbn's cost grows with length; a longer password is judged by its first 72 characters
# (a lower bound: what is weak at the start stays weak).
ZXCVBN_MAX = 72


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _core(text: str) -> str:
    """Without the digits and symbols at either end ("@admin123!" → "admin")."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


def _alnum(text: str) -> str:
    """Without any symbol ("qq@123456" → "qq123456")."""
    return "".join(ch for ch in text if ch.isalnum())


def _entry_forms(entry: str) -> frozenset[str]:
    """A list entry as compared: whole, without symbols, and its core (if long enough)."""
    base = _fold(entry)
    forms = {base.translate(_LEET), _alnum(base).translate(_LEET)}
    for core in (_core(base).translate(_LEET), _core(base.translate(_LEET))):
        if len(core) >= MIN_CORE:
            forms.add(core)
    return frozenset(f for f in forms if f)


def _edge_run(text: str) -> tuple[int, int]:
    """Lengths of the non-letter runs at the start and at the end."""
    core = _core(text)
    if not core:  # no letter at all ("5201314", or "1$1" for "lisi"): cut from both ends
        return len(text), len(text)
    start = text.index(core)
    return start, len(text) - start - len(core)


def _cuts(run: int) -> list[int]:
    # Every cut within the first few characters of a run, and the whole run: "tes70" is
    # "test" + "0" (the 7 was a t), "admin@123" is "admin" + "@123".
    return sorted({*range(min(run, EDGE_CUTS) + 1), run})


def normal_forms(password: str) -> frozenset[str]:
    """Every normalised form a password is compared under: folded and de-leeted, with any
    part of the digits or symbols at either end cut off, and without its symbols."""
    base = _fold(password)
    lead, trail = _edge_run(base)
    forms = {_alnum(base).translate(_LEET)}
    for i in _cuts(lead):
        for j in _cuts(trail):
            if i + j < len(base):
                forms.add(base[i : len(base) - j].translate(_LEET))
    return frozenset(f for f in forms if f)


def _entries(path: Path, *, compressed: bool = False) -> list[str]:
    opener = gzip.open if compressed else open
    with opener(path, "rt", encoding="utf-8") as fh:
        lines = (line.strip() for line in fh)
        return [line for line in lines if line and not line.startswith("#")]


@cache
def chinese_favourites() -> tuple[str, ...]:
    return tuple(_entries(CHINESE_LIST))


@cache
def _normalised_list() -> frozenset[str]:
    entries = [
        *chinese_favourites(),
        *_entries(DJANGO_LIST, compressed=True),
    ]
    out: set[str] = set()
    for entry in entries:
        out |= _entry_forms(entry)
    return frozenset(out)


def is_common(password: str) -> bool:
    return not normal_forms(password).isdisjoint(_normalised_list())


class CommonPasswordValidator:
    """Refuses Django's 20,000 common passwords and the Chinese favourites, normalised."""

    def validate(self, password: str, user=None) -> None:
        if is_common(password):
            raise ValidationError(
                _(
                    "密码过于常见：它与常用密码（如 admin、woaini1314、qq123456）只差大小写、"
                    "字母替换（如 @→a、0→o）或首尾的数字和符号，很容易被猜中，请换一个。"
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("不能是常用密码，或常用密码加大小写、字母替换、首尾数字和符号的变形。")


_HINTS = {
    "dictionary": "常见单词、拼音、姓名或常用密码",
    "spatial": "键盘上相邻的按键（如 qwer、1qaz）",
    "repeat": "重复的字符或片段（如 aaa、abcabc）",
    "sequence": "连续的字符（如 abc、123、987）",
    "regex": "年份",
    "date": "日期",
}


def _amount(guesses: float) -> str:
    if guesses < 10_000:
        return f"{guesses:.0f}"
    if guesses < 100_000_000:
        return f"{guesses / 10_000:.0f}万"
    return f"{guesses / 100_000_000:.0f}亿"


def _user_inputs(user) -> list[str]:
    if user is None:
        return []
    values = [
        getattr(user, "login_name", ""),
        getattr(user, "mobile", "") or "",
        (getattr(user, "email", "") or "").partition("@")[0],
        getattr(user, "real_name", ""),
    ]
    pinyin = getattr(user, "name_pinyin", "") or ""
    values += [pinyin.replace(" ", ""), *pinyin.split()]
    return [v for v in values if v and v != "?"]


def _personal(user) -> list[str]:
    """Whole personal values a password must not contain (the login name: the MLPS rule)."""
    if user is None:
        return []
    return [
        getattr(user, "mobile", "") or "",
        (getattr(user, "email", "") or "").partition("@")[0],
        (getattr(user, "name_pinyin", "") or "").replace(" ", ""),
    ]


class StrengthValidator:
    """zxcvbn's estimate: at least `min_score` (3 = about 10^8 guesses, "safely
    unguessable" for an online attack that the lockout also slows). The user's own login
    name, mobile, e-mail and name pinyin count as dictionary words, as do the Chinese
    favourites."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        folded = _fold(password)
        if any(len(v) >= 4 and _fold(v) in folded for v in _personal(user)):
            raise ValidationError(
                _(
                    "密码强度不足：它含有您的手机号码、姓名拼音或邮箱名等个人信息，"
                    "熟悉您的人很容易猜中，请换一个。"
                ),
                code="password_personal",
            )
        result = zxcvbn(
            password[:ZXCVBN_MAX],
            user_inputs=[*_user_inputs(user), *chinese_favourites()],
            max_length=ZXCVBN_MAX,
        )
        if result["score"] >= self.min_score:
            return
        personal = {v.lower() for v in _user_inputs(user)}
        hints = []
        for match in result["sequence"]:
            if match.get("dictionary_name") == "user_inputs" and match["matched_word"] in personal:
                hint = "您的登录名、手机号、姓名拼音等个人信息"
            else:
                hint = _HINTS.get(match["pattern"])
            if hint and hint not in hints:
                hints.append(hint)
        why = "、".join(hints) if hints else "过短或过于规律的片段"
        raise ValidationError(
            _(
                "密码强度不足：它含有%(why)s，估计约%(guesses)s次猜测即可猜中。"
                "请加长密码，或改用几个不相关的词语加数字和符号。"
            )
            % {"guesses": _amount(result["guesses"]), "why": why},
            code="password_too_weak",
        )

    def get_help_text(self) -> str:
        return _("不能容易被猜中（如键盘顺序、重复字符、年份日期、个人信息）。")
