"""The national-cryptography profile (SM4-GCM, HMAC-SM3) beside the standard one, and
`rencai rotate-field-key` moving every ID number from one key/profile to another."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from rencai.accounts.models import User
from rencai.accounts.selectors import user_find_by_id_number
from rencai.cards import tokens
from rencai.cases.models import HistoricalSettlement
from rencai.cases.reapply import reapply_status
from rencai.core import crypto
from rencai.ops import rotation
from tests.cases.apply_helpers import registered, valid_id

KEY_A = "old-key-" + "a" * 40
KEY_B = "new-key-" + "b" * 40


def test_sm3_is_the_standard_algorithm():
    """GB/T 32905-2016 appendix A, example 1 ("abc")."""
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


@given(text=st.text(max_size=40))
def test_both_profiles_round_trip(text):
    from django.test.utils import override_settings

    for profile, version in (("standard", 1), ("gm", 2)):
        with override_settings(RENCAI_CRYPTO_PROFILE=profile):
            token = crypto.encrypt(text, context="id_number")
            assert base64.b64decode(token)[0] == version
            assert crypto.decrypt(token, context="id_number") == text
            with pytest.raises(Exception):  # the context is bound (AAD)
                crypto.decrypt(token, context="other")


def test_profiles_differ_and_old_ciphertext_stays_readable(settings):
    settings.RENCAI_CRYPTO_PROFILE = "standard"
    standard = crypto.encrypt("440106199003070000", context="id_number")
    standard_index = crypto.blind_index("x", context="c")
    settings.RENCAI_CRYPTO_PROFILE = "gm"
    assert crypto.blind_index("x", context="c") != standard_index
    assert crypto.decrypt(standard, context="id_number") == "440106199003070000"
    assert not crypto.is_current(standard, context="id_number")
    assert crypto.is_current(crypto.encrypt("1", context="id_number"), context="id_number")


def test_card_tokens_sign_with_sm3_and_printed_cards_still_verify(settings):
    settings.RENCAI_CRYPTO_PROFILE = "standard"
    printed = tokens.card_token("GZRK2026000001")
    assert signing.loads(printed, salt=tokens.SALT) == {"n": "GZRK2026000001"}
    settings.RENCAI_CRYPTO_PROFILE = "gm"
    gm = tokens.card_token("GZRK2026000002")
    with pytest.raises(signing.BadSignature):  # not an HMAC-SHA256 token
        signing.loads(gm, salt=tokens.SALT)
    assert tokens.card_number_from_token(gm) == "GZRK2026000002"
    assert tokens.card_number_from_token(printed) == "GZRK2026000001"
    assert tokens.card_number_from_token(gm[:-3] + "abc") is None


@pytest.mark.django_db
def test_rotation_to_a_new_key_and_the_gm_profile(settings, reference_data):
    settings.FIELD_ENCRYPTION_KEY, settings.RENCAI_CRYPTO_PROFILE = KEY_A, "standard"
    people = [registered("轮换")[0] for _ in range(7)]
    numbers = {p.pk: p.reveal_id_number() for p in people}
    settled = people[0]
    HistoricalSettlement.objects.create(  # a legacy record: only the index is kept
        id_number_index=settled.id_number_index, id_number_masked=settled.id_number_masked,
        year=2019, source=HistoricalSettlement.Source.LEGACY, recorded_at=settled.date_joined,
    )  # fmt: skip
    stranger_number = valid_id()
    HistoricalSettlement.objects.create(
        id_number_index=crypto.blind_index(stranger_number, context="id_number"),
        year=2018, source=HistoricalSettlement.Source.LEGACY, recorded_at=settled.date_joined,
    )  # fmt: skip
    assert reapply_status(settled).blocked

    # the rotation is configured: new key and profile, the old ones as "previous"
    settings.FIELD_ENCRYPTION_KEY, settings.RENCAI_CRYPTO_PROFILE = KEY_B, "gm"
    settings.FIELD_ENCRYPTION_KEY_PREVIOUS = KEY_A
    settings.RENCAI_CRYPTO_PROFILE_PREVIOUS = "standard"
    for p in people:  # still found by ID number before and during the rotation
        assert user_find_by_id_number(numbers[p.pk]) == p
    assert reapply_status(User.objects.get(pk=settled.pk)).blocked

    # interrupted after the first batch, then run again: it continues
    def crash(report):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotation.field_key_rotate(batch=3, progress=crash)
    partly = [crypto.is_current(u.id_number_encrypted, context="id_number") for u in
              User.objects.order_by("pk")]  # fmt: skip
    assert 0 < sum(partly) < len(people)
    call_command("rotate_field_key", "--batch", "3")

    # the old key is gone from the configuration: everything reads under the new one alone
    settings.FIELD_ENCRYPTION_KEY_PREVIOUS = ""
    settings.RENCAI_CRYPTO_PROFILE_PREVIOUS = ""
    for p in User.objects.all():
        assert base64.b64decode(p.id_number_encrypted)[0] == 2  # SM4-GCM
        assert p.reveal_id_number() == numbers[p.pk]
        assert user_find_by_id_number(numbers[p.pk]) == p
    assert reapply_status(User.objects.get(pk=settled.pk)).blocked  # legacy row re-keyed
    with pytest.raises(CommandError, match="RENCAI_FIELD_KEY_PREVIOUS"):
        call_command("rotate_field_key")


@pytest.mark.django_db
def test_rotation_reports_legacy_rows_it_cannot_rekey(settings, reference_data, capsys):
    settings.FIELD_ENCRYPTION_KEY = KEY_A
    registered("有人")
    HistoricalSettlement.objects.create(
        id_number_index=crypto.blind_index(valid_id(), context="id_number"), year=2018,
        source=HistoricalSettlement.Source.LEGACY, recorded_at=User.objects.get().date_joined,
    )  # fmt: skip
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_KEY_PREVIOUS = KEY_B, KEY_A
    call_command("rotate_field_key")
    out = capsys.readouterr().out
    assert "1 legacy settlement records have no registered person" in out
