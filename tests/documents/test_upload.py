import hashlib
import io

import pytest
from PIL import Image

from rencai.core.errors import DomainError
from rencai.documents.models import Document
from rencai.documents.selectors import document_history, folder_documents, folder_type_codes
from rencai.documents.services import document_upload
from tests.documents.conftest import jpeg_bytes, pdf_bytes, png_bytes, upload


def _preview_image(document) -> Image.Image:
    with document.preview.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
        image.load()
    return image


def test_png_named_pdf_is_stored_as_png(folder, uploader):
    data = png_bytes()
    doc = document_upload(
        folder=folder, type_code="id_card", file=upload("身份证.pdf", data), uploaded_by=uploader
    )
    assert doc.mime == "image/png"
    assert doc.file.name.endswith(".png") and "身份证" not in doc.file.name
    assert doc.original_name == "身份证.pdf"
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    with doc.file.open("rb") as f:
        assert f.read() == data


@pytest.mark.parametrize(
    "name,data",
    [
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
        ("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("scan.png", b"GIF89a" + b"\x00" * 100),
    ],
)
def test_other_content_is_refused_whatever_the_name(folder, uploader, name, data):
    with pytest.raises(DomainError) as info:
        document_upload(
            folder=folder, type_code="selfie", file=upload(name, data), uploaded_by=uploader
        )
    assert "JPEG、PNG、PDF" in info.value.message
    assert info.value.field == "file"
    assert Document.objects.count() == 0


def test_corrupt_image_is_refused(folder, uploader):
    data = png_bytes()[:60]
    with pytest.raises(DomainError, match="损坏"):
        document_upload(
            folder=folder, type_code="selfie", file=upload("a.png", data), uploaded_by=uploader
        )


def test_size_limit_names_the_limit_in_mb(folder, uploader, settings):
    settings.RENCAI_UPLOAD_MAX_BYTES = 1024 * 1024
    data = png_bytes() + b"\x00" * (1024 * 1024)
    with pytest.raises(DomainError, match="1 MB") as info:
        document_upload(
            folder=folder, type_code="selfie", file=upload("a.png", data), uploaded_by=uploader
        )
    assert info.value.code == "file_size"


def test_image_preview_is_a_reencoded_thumbnail(folder, uploader):
    doc = document_upload(
        folder=folder, type_code="selfie", file=upload("me.jpg", jpeg_bytes()), uploaded_by=uploader
    )
    assert doc.mime == "image/jpeg"
    preview = _preview_image(doc)
    assert preview.format == "JPEG" and max(preview.size) == 1024


def test_pdf_preview_of_first_page(folder, uploader):
    doc = document_upload(
        folder=folder,
        type_code="diploma",
        file=upload("毕业证.pdf", pdf_bytes(3)),
        uploaded_by=uploader,
    )
    assert doc.mime == "application/pdf" and doc.pages == 3
    preview = _preview_image(doc)
    assert preview.format == "JPEG" and preview.size[1] > preview.size[0]  # portrait page
    assert folder_documents(folder=folder).get() == doc  # listed at once (FAQ 一.16)


def test_reupload_replaces_and_keeps_history(folder, uploader):
    first = document_upload(
        folder=folder, type_code="id_card", file=upload("a.png", png_bytes()), uploaded_by=uploader
    )
    second = document_upload(
        folder=folder,
        type_code="id_card",
        file=upload("b.png", png_bytes(color=(0, 0, 0))),
        uploaded_by=uploader,
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and first.replaced_by == second
    assert list(folder_documents(folder=folder)) == [second]
    assert list(folder_documents(folder=folder, include_history=True)) == [first, second]
    assert document_history(document=second) == [second, first]
    assert first.file.storage.exists(first.file.name)  # history keeps the file


def test_other_materials_accumulate(folder, uploader):
    for _ in range(2):
        document_upload(
            folder=folder,
            type_code="other",
            file=upload("x.png", png_bytes()),
            uploaded_by=uploader,
        )
    assert folder_documents(folder=folder).count() == 2
    assert folder_type_codes(folder=folder) == {"other"}


def test_unknown_type_code_is_refused_once_the_catalogue_is_loaded(folder, uploader):
    from rencai.catalog.models import AttachmentType

    AttachmentType.objects.create(code="id_card", name="身份证")
    with pytest.raises(DomainError, match="材料类型"):
        document_upload(
            folder=folder,
            type_code="passport",
            file=upload("x.png", png_bytes()),
            uploaded_by=uploader,
        )
