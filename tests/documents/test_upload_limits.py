"""Per-case caps on files and total size, and decompression bombs refused from the header."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from django.conf import settings as django_settings
from PIL import Image

from rencai.documents.models import Document
from tests.cases.apply_helpers import catalog
from tests.cases.factories import new_case
from tests.documents.conftest import build_pdf, png_bytes, stream, upload

pytestmark = pytest.mark.usefixtures("catalog")
__all__ = ["catalog"]
MB = 1024 * 1024


@pytest.fixture
def draft(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    return case


def _post(client, case, name, data, type_code="other"):
    return client.post(
        f"/api/cases/{case.number}/attachments",
        {"type_code": type_code, "file": upload(name, data)},
    )


def noise_png(kilobytes: int) -> bytes:
    """A real PNG of random pixels (incompressible, so about `kilobytes` KB)."""
    side = int((kilobytes * 1024 / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def test_default_caps_are_set():
    assert django_settings.RENCAI_UPLOAD_CASE_MAX_FILES == 40
    assert django_settings.RENCAI_UPLOAD_CASE_MAX_BYTES == 200 * MB
    assert django_settings.RENCAI_UPLOAD_MAX_PIXELS == 40_000_000
    assert Image.MAX_IMAGE_PIXELS == 40_000_000  # Pillow's own limit, for every Image.open


def test_files_per_case_are_capped_but_replacing_still_works(client, draft, settings):
    settings.RENCAI_UPLOAD_CASE_MAX_FILES = 3
    assert _post(client, draft, "证.png", png_bytes(), type_code="id_card").status_code == 201
    for n in range(2):
        assert _post(client, draft, f"{n}.png", png_bytes(color=(n, 0, 0))).status_code == 201
    response = _post(client, draft, "多余.png", png_bytes(color=(9, 9, 9)))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case_files" and body["field"] == "file"
    assert "最多 3 个文件" in body["message"]
    # At the cap a single-valued type can still be replaced (the count stays the same).
    assert (
        _post(
            client, draft, "新证.png", png_bytes(color=(7, 7, 7)), type_code="id_card"
        ).status_code
        == 201
    )
    assert Document.objects.filter(folder=draft.folder, superseded_at__isnull=True).count() == 3
    # The page says the same, next to the file field.
    page = client.post(
        f"/cases/{draft.number}/attachments/",
        {"type_code": "other", "file": upload("多余.png", png_bytes(color=(8, 8, 8)))},
    )
    assert page.status_code == 400 and "最多 3 个文件" in page.content.decode()


def test_total_size_per_case_is_capped_including_replaced_versions(client, draft, settings):
    settings.RENCAI_UPLOAD_CASE_MAX_BYTES = 1 * MB
    first, second = noise_png(400), noise_png(400)
    assert _post(client, draft, "a.png", first, type_code="id_card").status_code == 201
    # Replacing keeps the old version on disk: it still counts.
    assert _post(client, draft, "b.png", second, type_code="id_card").status_code == 201
    response = _post(client, draft, "c.png", noise_png(400))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case_bytes" and "不能超过 1 MB" in body["message"]
    assert "含被替换的旧版本" in body["message"]
    assert Document.objects.filter(folder=draft.folder).count() == 2


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """A few hundred bytes that declare width × height RGB pixels (the first rows only are
    present: the header alone must be enough to refuse it)."""
    rows = zlib.compress(b"\x00" * (1 + 3 * width) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def test_png_declaring_59_megapixels_is_refused_before_decoding(client, draft):
    data = bomb_png(7680, 7680)  # 59 Mpx, ~177 MB once decoded
    assert len(data) < 8 * 1024
    response = _post(client, draft, "自拍.png", data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "image_pixels" and body["field"] == "file"
    assert "7680×7680 像素" in body["message"] and "超过 4000 万像素的上限" in body["message"]
    assert not Document.objects.exists()


def test_jpeg_declaring_a_huge_size_gets_the_size_message(client, draft):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 20, 30)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)
    response = _post(client, draft, "照片.jpg", bytes(data))
    assert response.status_code == 400
    assert "60000×60000 像素" in response.json()["message"]  # not "文件已损坏"


def test_the_pixel_limit_is_a_setting(client, draft, settings):
    settings.RENCAI_UPLOAD_MAX_PIXELS = 40 * 30
    assert _post(client, draft, "ok.png", png_bytes((40, 30))).status_code == 201
    response = _post(client, draft, "big.png", png_bytes((41, 30)))
    assert response.status_code == 400 and "41×30 像素" in response.json()["message"]


def test_huge_image_inside_a_pdf_is_refused(client, draft):
    image = stream(
        zlib.compress(b"\x00" * 300),
        b"/Type /XObject /Subtype /Image /Width 20000 /Height 20000 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode",
    )
    data = build_pdf(page=b"/Resources << /XObject << /Im0 5 0 R >> >>", objects=(image,))
    response = _post(client, draft, "扫描件.pdf", data)
    assert response.status_code == 400, response.content
    message = response.json()["message"]
    assert "“扫描件.pdf”中的图片尺寸过大：20000×20000 像素" in message
