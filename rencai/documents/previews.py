"""Content sniffing and previews: what a file *is* comes from its bytes, never its name."""

from __future__ import annotations

import io
import warnings

import filetype
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, JpegImagePlugin, PngImagePlugin

from rencai.core.errors import DomainError

ALLOWED_MIME = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}
PREVIEW_BOX = (1024, 1024)
CORRUPT = gettext_lazy("文件已损坏或无法读取，请重新扫描或拍照后上传（支持 JPEG、PNG、PDF）。")


def sniff(head: bytes) -> str:
    """The MIME type from magic bytes; DomainError unless JPEG, PNG or PDF."""
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED_MIME:
        allowed = "、".join(ALLOWED_MIME.values())
        found = f"（检测到的类型：{kind.extension.upper()}）" if kind else ""
        raise DomainError(
            format_lazy(
                gettext_lazy(
                    "附件格式不支持{found}：只能上传 {allowed} 格式的文件（按文件内容识别，与扩展名无关）。"
                ),
                found=found,
                allowed=allowed,
            ),
            field="file",
            code="file_type",
        )
    return mime


def _jpeg(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail(PREVIEW_BOX)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def pixels_message(width: int, height: int, limit: int) -> str:
    return (
        f"尺寸过大：{width}×{height} 像素（约 {width * height / 10_000:.0f} 万像素），"
        f"超过 {limit / 10_000:g} 万像素的上限，请降低分辨率后上传。"
    )


def _header_size(data: bytes, mime: str) -> tuple[int, int]:
    """Width and height from the header only: the plugin classes parse the header when
    constructed but, unlike Image.open, neither decode nor apply the bomb check, so an
    oversized image gets a message with its size instead of a bare DecompressionBombError."""
    plugin = JpegImagePlugin.JpegImageFile if mime == "image/jpeg" else PngImagePlugin.PngImageFile
    with plugin(io.BytesIO(data)) as probe:
        return probe.size


def image_preview(data: bytes, *, mime: str, max_pixels: int) -> bytes:
    """A JPEG thumbnail; images over `max_pixels` are refused before any pixel is decoded."""
    try:
        width, height = _header_size(data, mime)
    except Exception as exc:
        raise DomainError(CORRUPT, field="file", code="file_corrupt") from exc
    if width * height > max_pixels:
        raise DomainError(
            "图片" + pixels_message(width, height, max_pixels), field="file", code="image_pixels"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                return _jpeg(image)
    except Exception as exc:  # Pillow raises many types for broken files
        raise DomainError(CORRUPT, field="file", code="file_corrupt") from exc


def pdf_preview(data: bytes) -> tuple[bytes, int]:
    """JPEG of the first page and the page count."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
        try:
            pages = len(pdf)
            if pages < 1:
                raise ValueError("no pages")
            page = pdf[0]
            width, height = page.get_size()
            scale = min(PREVIEW_BOX[0] / max(width, 1), PREVIEW_BOX[1] / max(height, 1), 3.0)
            bitmap = page.render(scale=scale)
            image = bitmap.to_pil()
            page.close()
        finally:
            pdf.close()
        return _jpeg(image), pages
    except Exception as exc:
        raise DomainError(CORRUPT, field="file", code="file_corrupt") from exc
