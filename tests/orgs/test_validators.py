import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from rencai.orgs.validators import (
    USCC_ALPHABET,
    normalize_unit_code,
    org_code_check_char,
    uscc_check_char,
    validate_unit_code,
)


def with_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def org(body: str) -> str:
    return body + org_code_check_char(body)


# Published example codes (check characters verified by stdnum and GB 32100).
GOOD_USCC = ["91110000600037341L", with_check("91440101MA59UK4Y6")]


@pytest.mark.parametrize("code", GOOD_USCC)
def test_known_good_uscc(code):
    assert validate_unit_code(code) == code


def test_stdnum_example_agrees():
    assert uscc.is_valid("91110000600037341L")
    assert validate_unit_code("91110000600037341L") == "91110000600037341L"


@pytest.mark.parametrize(
    "first17",
    [
        "N2440111" + org("05678901"),  # 农业：村级集体经济组织
        "N1440118" + org("MA5C0001"),
        "Y1440106" + org("12345678"),  # 其他
        "A1440104" + org("00000017"),  # 军队事业单位
        "12440104" + org("45512345"),  # 事业单位
        "51440106" + org("50000001"),  # 社会团体
    ],
)
def test_letter_registration_authorities_accepted(first17):
    code = with_check(first17)
    assert not uscc.is_valid(code) or first17[0].isdigit()  # stdnum refuses the letters
    assert validate_unit_code(code) == code


def test_letter_type_character_accepted():
    code = with_check("9A440104" + org("12345678"))
    assert validate_unit_code(code) == code


def test_wrong_check_character_message():
    code = with_check("N2440111" + org("05678901"))
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_unit_code(bad)
    assert "统一社会信用代码校验位错误" in exc.value.messages[0]
    assert exc.value.code == "checksum"


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("B1440104" + "123456789", "第1位"),  # unknown registration authority (plus check)
        ("91AB0104" + "123456789", "第3–8位"),
        ("9144010412345678I0", "第9–18位"),  # I is not used
        ("91440104", "18位"),
        ("", "现为0位"),
    ],
)
def test_format_errors_name_the_rule(value, fragment):
    if len(value) == 17:
        value += "0"
    with pytest.raises(ValidationError) as exc:
        validate_unit_code(value)
    assert fragment in exc.value.messages[0]


def test_normalization_case_spaces_dashes_fullwidth():
    code = with_check("91440101" + org("MA59UK4Y"))
    messy = " " + code[:8].lower() + "-" + code[8:12] + " " + code[12:].lower() + " "
    assert validate_unit_code(messy) == code
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert validate_unit_code(fullwidth) == code
    assert normalize_unit_code("1234 5678-9") == "123456789"


# GB 11714 organisation codes -------------------------------------------------------


def test_org_code_check_digit_known_values():
    # 12345678 → 3+14+27+40+25+48+28+16 = 201; 201 % 11 = 3; 11-3 = 8
    assert org_code_check_char("12345678") == "8"
    assert validate_unit_code("12345678-8") == "123456788"
    # X when 11 - sum%11 == 10; 0 when it is 11
    bodies = {org_code_check_char(f"{n:08d}") for n in range(200)}
    assert "X" in bodies and "0" in bodies


def test_org_code_mod11_blind_spot_is_known():
    code = org("00400000")
    assert validate_unit_code("00F00000" + code[-1]) == "00F00000" + code[-1]


def test_org_code_with_letters_and_lowercase():
    code = org("MA5C1234")
    assert validate_unit_code(code.lower()) == code


def test_org_code_bad_check():
    code = org("12345678")
    bad = code[:-1] + ("1" if code[-1] != "1" else "2")
    with pytest.raises(ValidationError) as exc:
        validate_unit_code(bad)
    assert "组织机构代码校验位错误" in exc.value.messages[0]


def test_wrong_length_names_both_formats():
    with pytest.raises(ValidationError) as exc:
        validate_unit_code("1234567890")
    assert "18位" in exc.value.messages[0] and "9位" in exc.value.messages[0]


# Property tests -----------------------------------------------------------------------

authority = st.sampled_from(list("123456789ANY"))
type_char = st.sampled_from(list(USCC_ALPHABET))
region = st.text(alphabet="0123456789", min_size=6, max_size=6)
org_body = st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9)


@st.composite
def valid_uscc(draw):
    return with_check(draw(authority) + draw(type_char) + draw(region) + draw(org_body))


@settings(max_examples=300, deadline=None)
@given(valid_uscc(), st.data())
def test_generated_uscc_validates_and_any_single_change_fails(code, data):
    assert validate_unit_code(code) == code
    position = data.draw(st.integers(min_value=0, max_value=17))
    replacement = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_unit_code(changed)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.data())
def test_generated_org_code_validates_and_any_single_digit_change_fails(body, data):
    # GB 11714 is mod 11 over values 0–35: changing a character by a multiple of 11
    # (e.g. 4 → F) is not detectable, so the property holds for digit changes only.
    code = org(body)
    assert validate_unit_code(code) == code
    position = data.draw(st.integers(min_value=0, max_value=8))
    alphabet = "0123456789X" if position == 8 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_unit_code(changed)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), org_body)
def test_fast_check_char_agrees_with_stdnum(head, body):
    assert uscc_check_char(head + body) == uscc.calc_check_digit(head + body)
