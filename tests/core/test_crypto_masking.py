import pytest
from hypothesis import given
from hypothesis import strategies as st

from rencai.core import crypto
from rencai.core.masking import mask_id_number, mask_name, scrub


def test_encrypt_roundtrip_and_nondeterministic():
    a = crypto.encrypt("44010619900307121X", context="id_number")
    b = crypto.encrypt("44010619900307121X", context="id_number")
    assert a != b
    assert crypto.decrypt(a, context="id_number") == "44010619900307121X"


def test_decrypt_refuses_other_context():
    token = crypto.encrypt("secret", context="id_number")
    with pytest.raises(Exception):
        crypto.decrypt(token, context="other")


def test_blind_index_is_deterministic_and_keyed(settings):
    first = crypto.blind_index("x", context="id_number")
    assert first == crypto.blind_index("x", context="id_number")
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    assert crypto.blind_index("x", context="id_number") != first


def test_mask_id_number_keeps_first_and_last_four():
    assert mask_id_number("44010619900307123X") == "4401**********123X"


@pytest.mark.parametrize(
    "name,masked", [("张三", "张*"), ("李𠇔华", "李*华"), ("欧阳小华", "欧**华"), ("王", "王")]
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_scrub_masks_numbers_in_free_text():
    text = "身份证 44010619900307123X 手机 13800138000"
    assert scrub(text) == "身份证 4401**********123X 手机 138****8000"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_scrub_never_leaves_an_id_number(body):
    number = body + "X"
    assert number not in scrub(f"id:{number};")
