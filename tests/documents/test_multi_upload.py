"""Issue #11: several files in one upload (a plain <input type=file multiple>), each
scanned by a real clamd as a single upload is; each refusal named with its file, the
accepted ones kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rencai.documents.models import Document
from tests.cases.apply_helpers import catalog
from tests.cases.factories import new_case
from tests.documents.conftest import EICAR, pdf_bytes, png_bytes

pytestmark = pytest.mark.usefixtures("catalog")
__all__ = ["catalog"]


@pytest.fixture
def draft(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    return case


def _file(name, data, mime):
    return SimpleUploadedFile(name, data, content_type=mime)


def test_the_upload_input_takes_several_files_without_js(client, draft):
    page = client.get(f"/cases/{draft.number}/edit/").content.decode()
    assert 'type="file" name="file"' in page and " multiple" in page
    assert "data-upload-progress" in page and "rencai/upload-progress.js" in page


def test_several_clean_files_are_all_scanned_and_stored(client, draft, clamd):
    files = [_file("一页.pdf", pdf_bytes(), "application/pdf"),
             _file("二页.png", png_bytes(), "image/png"),
             _file("三页.pdf", pdf_bytes(), "application/pdf")]  # fmt: skip
    response = client.post(
        f"/cases/{draft.number}/attachments/", {"type_code": "other", "file": files}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#attachments")
    names = set(
        Document.objects.filter(folder=draft.folder).values_list("original_name", flat=True)
    )
    assert names == {"一页.pdf", "二页.png", "三页.pdf"}
    assert "一页.pdf、二页.png、三页.pdf" in response.content.decode()


def test_one_infected_file_is_named_and_the_others_kept(client, draft, clamd):
    files = [_file("好.pdf", pdf_bytes(), "application/pdf"),
             _file("坏.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n", "application/pdf"),
             _file("也好.png", png_bytes(), "image/png"),
             _file("空.png", b"", "image/png")]  # fmt: skip
    response = client.post(
        f"/cases/{draft.number}/attachments/", {"type_code": "other", "file": files}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "坏.pdf：“坏.pdf”未通过病毒检查" in html  # named per file, beside the field
    names = set(
        Document.objects.filter(folder=draft.folder).values_list("original_name", flat=True)
    )
    assert names == {"好.pdf", "也好.png"}  # nothing else lost
    assert "空.png：" in html and "已上传" in html


def test_several_files_for_a_one_file_type_are_refused_before_anything_is_stored(
    client, draft, clamd
):
    files = [
        _file("正面.png", png_bytes(), "image/png"),
        _file("反面.png", png_bytes(), "image/png"),
    ]
    response = client.post(
        f"/cases/{draft.number}/attachments/", {"type_code": "id_card", "file": files}
    )
    assert response.status_code == 400
    assert "只保留一个文件，您一次选择了2个" in response.content.decode()
    assert not Document.objects.filter(folder=draft.folder).exists()
