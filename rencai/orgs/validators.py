"""Unit codes: the 18-character unified social credit code (GB 32100-2015) and the
legacy 9-character organisation code (GB 11714-1997).

`validate_unit_code(value)` returns the normalized code (upper case, no spaces or
dashes, full-width characters folded) or raises `ValidationError` naming the rule.

Why not plain `stdnum.cn.uscc.validate`: it refuses any non-digit in the first 8
characters, but GB 32100 lets the 1st character (registration authority) be a
letter — A 中央军委改革和编制办公室, N 农业 (rural collective economic
organisations, e.g. ``N2…`` 村级集体经济组织), Y 其他 — and we accept a letter in
the 2nd character (organisation type) as well. Characters 3–8 are the GB/T 2260
region code (digits); 9–17 the organisation identifier; 18 the GB/T 17710 (ISO 7064
MOD 31-3) check character, which we compute with stdnum and always verify.
python-stdnum has no module for the GB 11714 organisation code, so its check digit
(weights 3,7,9,10,5,8,4,2, mod 11, 10 → X) is implemented here.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc

from rencai.core.errors import DomainError

# GB 32100 code alphabet (digits and upper-case letters without I, O, Z, S, V).
USCC_ALPHABET = uscc._alphabet
# 1st character: registration authority (登记管理部门代码), GB 32100-2015 table + later additions.
REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SEPARATORS = str.maketrans("", "", " -\u2010\u2011\u2012\u2013\u2014\u2212\t\u3000")
_CODE_LIKE = re.compile(r"[0-9A-Z]{2,18}")


def normalize_unit_code(value: str | None) -> str:
    """Upper case; spaces and dashes (any width) removed; full-width letters/digits folded."""
    folded = unicodedata.normalize("NFKC", value or "")
    return folded.translate(_SEPARATORS).strip().upper()


def unit_code_like(value: str | None) -> str:
    """The normalized code when `value` looks like a unit code (2–18 letters and digits, a
    digit among them), else "": search and forms read such a query as a code, not a name."""
    code = normalize_unit_code(value)
    return code if _CODE_LIKE.fullmatch(code) and any(c.isdigit() for c in code) else ""


def _org_char_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    return ord(char) - ord("A") + 10


def org_code_check_char(body: str) -> str:
    """GB 11714 check character for the 8-character body (digits or A–Z)."""
    total = sum(_org_char_value(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character (18th) for the first 17 characters (same result as
    `stdnum.cn.uscc.calc_check_digit`, without its per-call normalization)."""
    total = sum(_USCC_VALUES[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total) % 31]


def _is_org_body(text: str) -> bool:
    return len(text) == 8 and all(c.isascii() and (c.isdigit() or c.isupper()) for c in text)


def validate_org_code(code: str) -> str:
    code = normalize_unit_code(code)
    if len(code) != 9:
        raise ValidationError(
            _("组织机构代码应为9位（8位本体代码加1位校验码），现为%(n)d位。") % {"n": len(code)},
            code="length",
        )
    if not _is_org_body(code[:8]) or code[8] not in "0123456789X":
        raise ValidationError(
            _("组织机构代码格式错误：前8位为数字或大写字母，第9位校验码为数字或X。"),
            code="format",
        )
    if org_code_check_char(code[:8]) != code[8]:
        raise ValidationError(
            _("组织机构代码校验位错误（第9位），请核对证照上的代码。"), code="checksum"
        )
    return code


def validate_uscc(code: str) -> str:
    code = normalize_unit_code(code)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，现为%(n)d位。") % {"n": len(code)}, code="length"
        )
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise ValidationError(
            _("统一社会信用代码格式错误：第1位登记管理部门代码应为1–9、A、N或Y，现为“%(c)s”。")
            % {"c": code[0]},
            code="format",
        )
    if code[1] not in USCC_ALPHABET:
        raise ValidationError(
            _(
                "统一社会信用代码格式错误：第2位机构类别代码应为数字或大写字母（不含I、O、Z、S、V）。"
            ),
            code="format",
        )
    if not code[2:8].isascii() or not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码格式错误：第3–8位应为6位数字的行政区划代码。"), code="format"
        )
    if any(c not in USCC_ALPHABET for c in code[8:]):
        raise ValidationError(
            _("统一社会信用代码格式错误：第9–18位应为数字或大写字母（不使用I、O、Z、S、V）。"),
            code="format",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位错误（第18位），请核对营业执照或登记证书上的代码。"),
            code="checksum",
        )
    return code


def validate_unit_code(value: str | None) -> str:
    """Return the normalized 18-character USCC or 9-character organisation code, or raise.

    Case-insensitive; spaces and dashes are ignored (``12345678-9`` is accepted).
    """
    code = normalize_unit_code(value)
    if len(code) == 18:
        return validate_uscc(code)
    if len(code) == 9:
        return validate_org_code(code)
    raise ValidationError(
        _("单位代码应为18位统一社会信用代码或9位组织机构代码（可含空格或短横线），现为%(n)d位。")
        % {"n": len(code)},
        code="length",
    )


def org_code_of(code: str) -> str:
    """The 9-character organisation code inside a code: the code itself for legacy
    codes, characters 9–17 of a USCC (its 主体标识码). Used to find a unit whose
    9-character code was later replaced by an 18-character one."""
    return code[8:17] if len(code) == 18 else code


#: The code format, named in every code error (what the user should type instead).
CODE_FORMAT = gettext_lazy(
    "应为18位统一社会信用代码（数字或大写字母，不使用I、O、Z、S、V；第18位为校验位）"
    "或9位组织机构代码（8位本体代码加1位校验码，校验码为数字或X）"
)


def unit_code_checked(value: str | None, *, field: str = "code") -> str:
    """validate_unit_code for a form or request field: a DomainError on `field` that says
    "单位代码：…" (and, for a wrong check character, the format)."""
    try:
        return validate_unit_code(value)
    except ValidationError as exc:
        message = exc.messages[0]
        if "校验位" in message:
            message = f"{message}（{CODE_FORMAT}）"
        raise DomainError(
            format_lazy(gettext_lazy("单位代码：{message}"), message=message),
            field=field,
            code="unit_code",
        ) from None
