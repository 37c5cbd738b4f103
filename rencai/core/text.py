"""One text rule for every form and API field.

Control and bidirectional-formatting characters are refused: they are invisible or reorder
what an official reads (a certificate number typed as ``1\u202e23`` displays as ``132``), and
NUL breaks PostgreSQL. Only a multi-line field (a textarea) may hold line breaks and tabs.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

#: Line breaks and tabs, allowed only in multi-line fields.
MULTILINE_ALLOWED = frozenset("\t\n\r")

_FORBIDDEN_RANGES = (
    (0x0000, 0x001F),  # C0 controls (tab, LF, CR only in multi-line fields)
    (0x007F, 0x009F),  # DEL and C1 controls
    (0x200E, 0x200F),  # LRM, RLM
    (0x202A, 0x202E),  # LRE, RLE, PDF, LRO, RLO
    (0x2066, 0x2069),  # LRI, RLI, FSI, PDI
)
_FORBIDDEN_RE = re.compile(
    "[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _FORBIDDEN_RANGES) + "]"
)


def forbidden_chars(value: str, *, multiline: bool = False) -> list[str]:
    """The refused characters in `value`, in order of appearance, each once."""
    found = []
    for match in _FORBIDDEN_RE.finditer(value):
        char = match.group()
        if multiline and char in MULTILINE_ALLOWED:
            continue
        if char not in found:
            found.append(char)
    return found


def describe(char: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE): how a refused character is named to the user."""
    special = {"\x00": _("空字符"), "\t": _("制表符"), "\n": _("换行符"), "\r": _("回车符")}
    name = special.get(char) or unicodedata.name(char, "") or _("控制字符")
    return f"U+{ord(char):04X}（{name}）"


def text_error(value: str, *, label: str, multiline: bool = False) -> str | None:
    """The message for `value` under the rule, or None when it is clean."""
    found = forbidden_chars(value, multiline=multiline)
    if not found:
        return None
    return _("%(label)s：含有不允许的控制字符或文字方向字符 %(chars)s，请删除后重新输入。") % {
        "label": label,
        "chars": "、".join(describe(c) for c in found[:3]),
    }


@deconstructible
class TextRuleValidator:
    """Django validator form of the rule; `label` names the field in the message."""

    code = "forbidden_characters"

    def __init__(self, label: str = "", *, multiline: bool = False):
        self.label = label
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        message = text_error(value, label=str(self.label) or _("输入"), multiline=self.multiline)
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, TextRuleValidator)
            and self.label == other.label
            and self.multiline == other.multiline
        )
