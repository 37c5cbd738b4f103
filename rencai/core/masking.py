"""Masking of personal numbers and names for display and logs."""

from __future__ import annotations

import re
from urllib.parse import unquote

ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
# With or without the country code (+86 / 86 / %2B86).
MOBILE_RE = re.compile(r"(?<!\d)(?:86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
# One-time codes (SMS login/reset codes, TOTP) are 6 digits standing alone.
CODE_RE = re.compile(r"(?<![0-9A-Za-z])\d{6}(?![0-9A-Za-z])")
# In general log lines, only a 6-digit number that follows a word naming a code.
LABELLED_CODE_RE = re.compile(
    r"((?:验证码|校验码|动态口令|口令|code|otp|totp|token)\D{0,12}?)(?<!\d)\d{6}(?!\d)",
    re.IGNORECASE,
)


def mask_id_number(value: str) -> str:
    """4401**********123X: first 4 and last 4 characters kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) == 11 else mask_id_number(value)


def mask_name(value: str) -> str:
    """张*三 / 欧**华: keep first and last character (public notice)."""
    chars = list(value)
    if len(chars) <= 1:
        return value
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def scrub(text: str) -> str:
    """Mask anything that looks like an ID number or a mobile number in free text."""
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), text)


def mask_codes(text: str) -> str:
    """Hide every stand-alone 6-digit number (for message bodies that may carry a code)."""
    return CODE_RE.sub("******", text)


def mask_labelled_codes(text: str) -> str:
    """Hide a 6-digit number that follows 验证码/口令/code/otp (for any log line)."""
    return LABELLED_CODE_RE.sub(lambda m: m.group(1) + "******", text)


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _mask_all(text: str) -> str:
    return mask_labelled_codes(scrub(text))


def scrub_url(text: str) -> str:
    """`scrub` and labelled codes for a URL, a request line or a query string, also when
    percent-encoding hides a number from the plain patterns (`next=%2F…%3Fq%3D4401…`: the
    letter before the digits is no boundary). Such a line is logged decoded, masked, and
    with control characters escaped (no forged log lines from %0A)."""
    masked = _mask_all(text)
    decoded = masked
    for _ in range(3):  # double-encoded `next` parameters
        step = unquote(decoded)
        if step == decoded:
            break
        decoded = step
    if decoded == masked or _mask_all(decoded) == decoded:
        return masked
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", _mask_all(decoded))
