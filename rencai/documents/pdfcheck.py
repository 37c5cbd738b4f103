"""PDF active content: refused, not removed.

A PDF that would run something when an official opens it (JavaScript, an open/page/field
action, a program launch, an embedded file, rich media, an XFA form) is refused with a
message naming the file and what it carries. We refuse rather than strip because:
- the stored file stays byte-for-byte what the applicant sent (its sha256 matches their copy),
  which is simple to audit and keeps digital signatures on e-certificates valid, whereas a
  rewritten PDF is a new document nobody signed;
- a sanitiser must know every way to hide an action; a refusal only has to find one, and the
  applicant can always re-export ("打印为 PDF") or scan the paper again.

Every object of the file is inspected through qpdf (pikepdf), so names hidden in compressed
object streams or written with #xx escapes (/J#61vaScript) are seen as they are parsed.
Harmless navigation stays allowed: an /OpenAction that is a page destination or a GoTo (as
scanners and Acrobat write for "open at page 1, fit"), and /URI links.
"""

from __future__ import annotations

import io
import logging

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

# pikepdf announces its logger bridge at INFO on import: not worth a line in every log.
logging.getLogger("pikepdf._core").setLevel(logging.WARNING)

import pikepdf  # noqa: E402
from pikepdf import Name  # noqa: E402

from rencai.core.errors import DomainError  # noqa: E402

#: Action types (/S) that run, submit or open something.
DANGEROUS_ACTIONS = {
    "/JavaScript": "JavaScript 脚本",
    "/Launch": "启动外部程序（Launch）",
    "/SubmitForm": "向外提交表单（SubmitForm）",
    "/ImportData": "导入外部数据（ImportData）",
    "/GoToR": "打开其他文件（GoToR）",
    "/GoToE": "打开嵌入文件（GoToE）",
    "/RichMediaExecute": "富媒体内容（RichMedia）",
    "/Rendition": "多媒体播放（Rendition）",
    "/Movie": "多媒体播放（Movie）",
    "/Sound": "多媒体播放（Sound）",
}
#: Keys whose mere presence is active content, wherever they are.
ACTIVE_KEYS = {
    "/JS": "JavaScript 脚本",
    "/JavaScript": "JavaScript 脚本",  # the document-level name tree
    "/AA": "自动触发的动作（AA）",
    "/EmbeddedFiles": "嵌入文件（EmbeddedFiles）",
    "/EF": "嵌入文件（EmbeddedFiles）",
    "/RichMediaContent": "富媒体内容（RichMedia）",
    "/XFA": "XFA 动态表单",
}
ACTIVE_TYPES = {  # /Type or /Subtype values
    "/EmbeddedFile": "嵌入文件（EmbeddedFiles）",
    "/FileAttachment": "嵌入文件（EmbeddedFiles）",
    "/RichMedia": "富媒体内容（RichMedia）",
    "/Movie": "多媒体播放（Movie）",
    "/Sound": "多媒体播放（Sound）",
    "/Screen": "多媒体播放（Screen）",
}
SAFE_OPEN_ACTIONS = {"/GoTo"}
MAX_DEPTH = 64


def _findings(obj, found: set[str], big_images: list[tuple[int, int]], limit: int, depth=0):
    if depth > MAX_DEPTH:
        found.add("嵌套过深的结构")
        return
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        for key in obj.keys():  # noqa: SIM118 (pikepdf, not a dict)
            if key in ACTIVE_KEYS:
                found.add(ACTIVE_KEYS[key])
        for key in ("/Type", "/Subtype"):
            kind = obj.get(key)
            if isinstance(kind, Name) and str(kind) in ACTIVE_TYPES:
                found.add(ACTIVE_TYPES[str(kind)])
        action = obj.get("/S")
        if isinstance(action, Name) and str(action) in DANGEROUS_ACTIONS:
            found.add(DANGEROUS_ACTIONS[str(action)])
        opener = obj.get("/OpenAction")
        if isinstance(opener, pikepdf.Dictionary):
            kind = opener.get("/S")
            if not (isinstance(kind, Name) and str(kind) in SAFE_OPEN_ACTIONS):
                found.add("打开文件时自动执行的动作（OpenAction）")
        if obj.get("/Subtype") == Name.Image:
            width, height = obj.get("/Width"), obj.get("/Height")
            if isinstance(width, int) and isinstance(height, int) and width * height > limit:
                big_images.append((width, height))
        children = [obj.get(key) for key in obj.keys()]  # noqa: SIM118
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        # Indirect objects are visited once each from pdf.objects; direct ones only here.
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            _findings(child, found, big_images, limit, depth + 1)


def pdf_refuse_active_content(*, data: bytes, name: str, max_pixels: int) -> None:
    """DomainError naming the file and what it carries; returns when the PDF is inert."""
    from rencai.documents.previews import CORRUPT, pixels_message

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise DomainError(
            format_lazy(
                gettext_lazy("“{name}”设置了打开密码，无法检查和审核，请取消密码后重新上传。"),
                name=name,
            ),
            field="file",
            code="file_encrypted",
        ) from None
    except Exception as exc:  # qpdf raises several types for broken files
        raise DomainError(CORRUPT, field="file", code="file_corrupt") from exc
    found: set[str] = set()
    big_images: list[tuple[int, int]] = []
    with pdf:
        for obj in pdf.objects:
            _findings(obj, found, big_images, max_pixels)
    if found:
        raise DomainError(
            format_lazy(
                gettext_lazy(
                    "“{name}”含有可执行的内容（{found}），为安全起见不予接收。请用“打印为 PDF”重新导出，或重新扫描纸质材料后上传。"
                ),
                name=name,
                found="、".join(sorted(found)),
            ),
            field="file",
            code="pdf_active_content",
        )
    if big_images:
        width, height = max(big_images, key=lambda size: size[0] * size[1])
        raise DomainError(
            format_lazy(
                gettext_lazy("“{name}”中的图片{max_pixels}"),
                name=name,
                max_pixels=pixels_message(width, height, max_pixels),
            ),
            field="file",
            code="image_pixels",
        )
