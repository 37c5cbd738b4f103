"""The ASCII pinyin alias of a real name (pure functions: models, services and migrations
use them; no model imports, so accounts.models need not import accounts.services)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy
from pypinyin import Style, lazy_pinyin

from rencai.accounts.validators import NAME_JOINERS
from rencai.core.errors import DomainError

#: Stands in the alias for a character pypinyin cannot read (plain ASCII, unlike the character).
PINYIN_UNKNOWN = "?"
_PINYIN_SYLLABLE = re.compile(r"[a-z]+")
PINYIN_ALIAS_RE = re.compile(r"[a-z]+(?: [a-z]+)*")


def pinyin_alias(name: str) -> tuple[str, bool]:
    """(alias, incomplete): the ASCII pinyin alias of a real name for downstream systems.

    A character pypinyin does not know becomes "?" and makes the alias incomplete, so that
    the person or an official can correct it; the middle dot of minority names is dropped.
    The alias is derived from the NFC form (so a compatibility ideograph such as U+F900
    reads like its unified twin); real_name itself keeps what was typed.
    """
    unknown = False

    def errors(chars: str) -> list[str]:
        nonlocal unknown
        out = []
        for ch in chars:
            if ch in NAME_JOINERS or ch.isspace():
                continue
            unknown = True
            out.append(PINYIN_UNKNOWN)
        return out

    syllables = []
    for item in lazy_pinyin(unicodedata.normalize("NFC", name), style=Style.NORMAL, errors=errors):
        item = item.strip().lower()
        if item == PINYIN_UNKNOWN or not _PINYIN_SYLLABLE.fullmatch(item):
            if item:
                unknown = True
                syllables.append(PINYIN_UNKNOWN)
            continue
        syllables.append(item)
    if not syllables:  # nothing readable at all: still never an empty alias
        syllables, unknown = [PINYIN_UNKNOWN], True
    return " ".join(syllables), unknown


def name_to_pinyin(name: str) -> str:
    """The alias alone (see pinyin_alias)."""
    return pinyin_alias(name)[0]


def normalize_pinyin_alias(value: str) -> str:
    """Lower-case, single spaces; raise DomainError unless only ASCII letters and spaces."""
    alias = " ".join((value or "").split()).lower()
    if not alias or len(alias) > 200 or not PINYIN_ALIAS_RE.fullmatch(alias):
        raise DomainError(
            gettext_lazy(
                "姓名拼音：只能包含英文字母和空格（每个字的拼音之间用空格分隔，不带声调），最多200个字符。"
            ),
            field="name_pinyin",
        )
    return alias
