import pytest

from rencai.audit.models import AppendOnlyError, AuditEvent
from rencai.audit.services import audit_record


@pytest.mark.django_db
def test_audit_is_append_only():
    entry = audit_record(event="login", detail="ok")
    with pytest.raises(AppendOnlyError):
        entry.detail = "changed"
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=entry.pk).detail == "ok"


@pytest.mark.django_db
def test_audit_neutralises_crlf_and_masks_personal_numbers():
    entry = audit_record(
        event="login\r\nfake=entry", detail="id 44010619900307123X\nphone 13800138000"
    )
    entry.refresh_from_db()
    assert "\n" not in entry.event and "\r" not in entry.event
    assert "\n" not in entry.detail
    assert "44010619900307123X" not in entry.detail
    assert "4401**********123X" in entry.detail
    assert "13800138000" not in entry.detail
