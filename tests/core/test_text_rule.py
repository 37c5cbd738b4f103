"""One text rule for every input (issue #10, finding 9): control and bidi characters are
refused, naming the field; only multi-line fields keep line breaks and tabs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from rencai.core.text import TextRuleValidator, forbidden_chars, text_error

FORBIDDEN = (
    [chr(c) for c in range(0x00, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f"]
)
FORBIDDEN_SET = set(FORBIDDEN)


@given(st.text())
def test_the_rule_refuses_exactly_the_forbidden_characters(value):
    found = forbidden_chars(value)
    assert set(found) == set(value) & FORBIDDEN_SET
    assert (text_error(value, label="证书编号") is None) == (not found)


@given(st.text(), st.sampled_from(FORBIDDEN), st.text())
def test_any_forbidden_character_anywhere_is_refused_with_the_field_named(head, char, tail):
    message = text_error(head + char + tail, label="证书编号")
    assert message is not None and message.startswith("证书编号：")
    assert f"U+{ord(char):04X}" in message or len(set(head + tail) & FORBIDDEN_SET) >= 3


@given(st.text(alphabet=st.characters(blacklist_characters=sorted(FORBIDDEN_SET))))
def test_clean_text_of_any_script_passes(value):
    TextRuleValidator("姓名")(value)
    assert text_error(value, label="姓名") is None


@given(st.text(alphabet=st.sampled_from(["\n", "\r", "\t", "a", "中", "𠇔"])))
def test_multiline_fields_keep_line_breaks_and_tabs(value):
    assert text_error(value, label="异议内容", multiline=True) is None


@pytest.mark.parametrize("char", ["\u202e", "\x00", "\u2067", "\u200f", "\x7f", "\x9b"])
def test_multiline_fields_still_refuse_the_others(char):
    assert "异议内容" in text_error(f"第一行\n{char}", label="异议内容", multiline=True)


def test_the_django_validator_names_the_field():
    with pytest.raises(ValidationError) as info:
        TextRuleValidator("证书编号")("1\u202e23")
    assert info.value.messages == [
        "证书编号：含有不允许的控制字符或文字方向字符 U+202E（RIGHT-TO-LEFT OVERRIDE），请删除后重新输入。"
    ]
