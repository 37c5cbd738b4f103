"""Attachment pre-review (OCR): read the name and the certificate number from uploaded
ID card, diploma, degree and title-certificate images and flag a mismatch with the form.

Pluggable: a backend is a callable `(image bytes) -> list[str]` (text lines) registered
by name; settings.RENCAI_OCR_BACKEND = "auto" picks the first whose library imports, ""
turns it off. Only libraries whose model ships inside the package qualify (nothing is
downloaded at run time). rapidocr-onnxruntime would be one, but none of its releases
installs on Python 3.13 here, so no backend is active: findings() returns [] and the
draft and the official's panel simply show nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

log = logging.getLogger(__name__)
Backend = Callable[[bytes], list[str]]
_backends: dict[str, Callable[[], Backend | None]] = {}
#: attachment types worth reading, and the form field their number is compared with
TYPES = {"id_card": "", "diploma": "diploma_number", "degree": "degree_number",
         "title_cert": "certificate_number", "skill_cert": "certificate_number"}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    document: str
    problem: str


def register(name: str):
    def wrap(factory):
        _backends[name] = factory
        return factory

    return wrap


@register("rapidocr")
def _rapidocr() -> Backend | None:
    try:
        from rapidocr_onnxruntime import RapidOCR  # model files ship in the wheel
    except ImportError:
        return None
    engine = RapidOCR()

    def read(image: bytes) -> list[str]:
        result, _elapsed = engine(image)
        return [line[1] for line in result or []]

    return read


def backend() -> Backend | None:
    name = settings.RENCAI_OCR_BACKEND
    if not name:
        return None
    for candidate in _backends if name == "auto" else [name]:
        factory = _backends.get(candidate)
        found = factory() if factory else None
        if found is not None:
            return found
    return None


def compare(lines: list[str], *, name: str, number: str) -> list[str]:
    """Problems between what the image says and the form (pure; tested without OCR)."""
    text = "".join("".join(lines).split())
    problems = []
    if name and name not in text:
        problems.append(f"未在图片中识别到申请人姓名“{name}”")
    if number and number not in text:
        problems.append(f"未在图片中识别到证书编号“{number}”")
    return problems


def findings(case) -> list[dict]:
    """Run in the worker (services._finish), stored on the request; never in a page."""
    return [{"document": f.document, "problem": f.problem} for f in _findings(case)]


def _findings(case) -> list[Finding]:
    read = backend()
    if read is None:
        return []
    out = []
    documents = case.folder.documents.filter(type_code__in=list(TYPES))
    for doc in documents:
        if doc.mime not in ("image/png", "image/jpeg"):
            continue
        try:
            with doc.file.open("rb") as f:
                lines = read(f.read())
        except Exception:  # noqa: BLE001 - an unreadable image is not a finding
            log.warning("OCR failed on document %s", doc.pk)
            continue
        number = getattr(case, TYPES[doc.type_code], "") if TYPES[doc.type_code] else ""
        for problem in compare(lines, name=case.applicant.real_name, number=number):
            out.append(Finding(doc.original_name, problem))
    return out
