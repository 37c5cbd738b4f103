"""The audit chain under the national-cryptography profile: HMAC-SM3 for new entries, and
entries written before the switch still verify."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.core.management import call_command

from rencai.audit import chain
from rencai.audit.models import AuditEvent
from rencai.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_entries_after_a_switch_to_gm_are_hmac_sm3_and_the_chain_still_verifies(settings):
    settings.RENCAI_CRYPTO_PROFILE = "standard"
    audit_record(event="test.before_switch")
    settings.RENCAI_CRYPTO_PROFILE = "gm"
    audit_record(event="test.after_switch")
    before = AuditEvent.objects.get(event="test.before_switch")
    after = AuditEvent.objects.get(event="test.after_switch")
    spec = chain.spec_for(AuditEvent)
    row = AuditEvent.objects.filter(pk=after.pk).values().get()
    message = chain.canonical(spec, after.chain_seq, after.prev_hash, row)
    assert after.entry_hash == hmac.new(chain.chain_key(), message, "sm3").hexdigest()
    row = AuditEvent.objects.filter(pk=before.pk).values().get()
    message = chain.canonical(spec, before.chain_seq, before.prev_hash, row)
    assert before.entry_hash == hmac.new(chain.chain_key(), message, hashlib.sha256).hexdigest()
    call_command("audit_verify")  # raises (exit 1) on the first break
