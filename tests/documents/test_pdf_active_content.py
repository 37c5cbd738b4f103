"""PDFs that would run something when an official opens them are refused, naming the file
and what it carries; inert PDFs (page destinations, links) are stored byte for byte."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest

from rencai.documents.models import Document
from tests.cases.apply_helpers import catalog
from tests.cases.factories import new_case
from tests.documents.conftest import build_pdf, stream, upload

pytestmark = pytest.mark.usefixtures("catalog")
__all__ = ["catalog"]

JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"

ACTIVE = {
    "open_action_js": (dict(catalog=b"/OpenAction " + JS), ["JavaScript", "OpenAction"]),
    "names_javascript": (
        dict(catalog=b"/Names << /JavaScript << /Names [(a) 5 0 R] >> >>", objects=(JS,)),
        ["JavaScript"],
    ),
    "launch": (
        dict(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
        ["Launch", "OpenAction"],
    ),
    "embedded_file": (
        dict(
            catalog=b"/Names << /EmbeddedFiles << /Names [(x.exe) 5 0 R] >> >>",
            objects=(
                b"<< /Type /Filespec /F (x.exe) /EF << /F 6 0 R >> >>",
                stream(b"MZ\x90\x00", b"/Type /EmbeddedFile"),
            ),
        ),
        ["EmbeddedFiles"],
    ),
    "page_aa": (dict(page=b"/AA << /O " + JS + b" >>"), ["AA", "JavaScript"]),
    "rich_media": (
        dict(
            page=b"/Annots [5 0 R]",
            objects=(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>",),
        ),
        ["RichMedia"],
    ),
    "xfa": (
        dict(catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>", objects=(stream(b"<xdp/>"),)),
        ["XFA"],
    ),
    # #xx escapes in names are decoded by the parser, so they hide nothing.
    "escaped_name": (dict(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (x) >>"), ["JavaScript"]),
}


@pytest.fixture
def draft(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    return case


def _post(client, case, name, data):
    return client.post(
        f"/api/cases/{case.number}/attachments", {"type_code": "other", "file": upload(name, data)}
    )


@pytest.mark.parametrize("key", ACTIVE)
def test_active_content_is_refused_naming_file_and_reason(client, draft, key):
    parts, reasons = ACTIVE[key]
    response = _post(client, draft, "学历证书.pdf", build_pdf(**parts))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "pdf_active_content" and body["field"] == "file"
    assert "“学历证书.pdf”含有可执行的内容" in body["message"]
    for reason in reasons:
        assert reason in body["message"]
    assert not Document.objects.exists()


def test_javascript_hidden_in_a_compressed_object_stream_is_found(client, draft):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.exportDataObject({})")
    )
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    data = out.getvalue()
    assert b"JavaScript" not in data  # a byte search would miss it
    response = _post(client, draft, "x.pdf", data)
    assert response.status_code == 400 and "JavaScript" in response.json()["message"]


def test_refused_on_the_page_next_to_the_field(client, draft):
    response = client.post(
        f"/cases/{draft.number}/attachments/",
        {
            "type_code": "other",
            "file": upload("劳动合同.pdf", build_pdf(catalog=b"/OpenAction " + JS)),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "has-error" in html and "“劳动合同.pdf”含有可执行的内容" in html


INERT = {
    "open_at_page_fit": dict(catalog=b"/OpenAction [3 0 R /Fit]"),
    "open_goto": dict(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
    "uri_link": dict(
        page=b"/Annots [5 0 R]",
        objects=(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://rsj.gz.gov.cn/) >> >>",
        ),
    ),
}


@pytest.mark.parametrize("key", INERT)
def test_inert_pdfs_are_stored_unchanged(client, draft, key):
    data = build_pdf(**INERT[key])
    response = _post(client, draft, "证书.pdf", data)
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    with document.file.open("rb") as f:
        assert f.read() == data  # refused or kept whole, never rewritten
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_password_protected_pdf_is_refused_with_a_reason(client, draft):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    response = _post(client, draft, "加密.pdf", out.getvalue())
    assert response.status_code == 400 and "设置了打开密码" in response.json()["message"]
