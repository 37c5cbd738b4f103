"""`rencai files-orphans`: files left in storage by uploads whose transaction rolled back."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from rencai.audit.models import AuditEvent
from rencai.documents.models import Document
from rencai.documents.services import document_upload
from tests.documents.conftest import png_bytes, upload


def _age(name: str, hours: float) -> None:
    old = time.time() - hours * 3600
    os.utime(default_storage.path(name), (old, old))


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("files_orphans", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_upload_leaves_an_orphan_that_the_command_removes(folder, uploader):
    kept = document_upload(
        folder=folder, type_code="id_card", file=upload("a.png", png_bytes()), uploaded_by=uploader
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = document_upload(
            folder=folder,
            type_code="diploma",
            file=upload("b.png", png_bytes(color=(1, 2, 3))),
            uploaded_by=uploader,
        )
        raise RuntimeError("a later step failed")  # the row goes, the files stay
    assert not Document.objects.filter(pk=lost.pk).exists()
    assert default_storage.exists(lost.file.name) and default_storage.exists(lost.preview.name)
    fresh = default_storage.save("docs/zz/fresh.pdf", ContentFile(b"%PDF-1.4 in flight"))
    for name in (kept.file.name, kept.preview.name, lost.file.name, lost.preview.name):
        _age(name, 48)

    listing = _run()
    assert lost.file.name in listing and lost.preview.name in listing
    assert kept.file.name not in listing and fresh not in listing  # referenced / too new
    assert "无主文件 2 个" in listing and default_storage.exists(lost.file.name)

    assert "已删除 2 个无主文件" in _run("--delete")
    assert not default_storage.exists(lost.file.name)
    assert not default_storage.exists(lost.preview.name)
    assert default_storage.exists(kept.file.name) and default_storage.exists(fresh)
    assert AuditEvent.objects.filter(event="files.orphans_deleted").exists()
    assert "无主文件 0 个" in _run()
