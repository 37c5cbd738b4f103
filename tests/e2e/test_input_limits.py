"""In Chromium (issue #10): /api/docs renders Swagger UI from our own files under our CSP,
and a file over the upload limit is stopped in the browser before anything is sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline_under_the_csp(page, live_server):
    problems, outside = [], []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on(
        "request",
        lambda r: not r.url.startswith(live_server.url) and outside.append(r.url),
    )
    page.goto(live_server.url + "/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Rencai API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 20
    assert outside == [] and problems == []


def test_a_file_over_the_limit_is_stopped_before_sending(page, live_server, settings):
    from rencai.catalog.reference import _load_simple
    from rencai.documents.models import Document
    from tests.cases.factories import build_world, new_case

    settings.RENCAI_UPLOAD_MAX_BYTES = 4096
    _load_simple()
    world = build_world()
    world.applicant.set_password(PASSWORD)
    world.applicant.save()
    case = new_case(world, attach=False)
    base = live_server.url
    login(page, base, world.applicant.login_name)
    page.goto(f"{base}/cases/{case.number}/edit/")
    posts = []
    page.on(
        "request", lambda r: r.method == "POST" and "/attachments/" in r.url and posts.append(r)
    )
    page.set_input_files(
        "form.case-upload input[type=file]",
        files=[{"name": "scan.png", "mimeType": "image/png", "buffer": b"\x89PNG" + b"0" * 6000}],
    )
    page.click("form.case-upload button[type=submit]")
    message = page.locator("form.case-upload .errorlist.upload-limit")
    expect(message).to_contain_text("文件（JPEG、PNG 或 PDF，可一次选择多个）：文件不能超过 4 KB")
    assert posts == [] and not Document.objects.filter(folder=case.folder).exists()
    # A file within the limit goes through: the stopped form was not left "submitting".
    page.set_input_files(
        "form.case-upload input[type=file]",
        files=[{"name": "small.png", "mimeType": "image/png", "buffer": b"\x89PNG" + b"0" * 10}],
    )
    expect(message).to_have_count(0)
    # upload-progress.js sends it by XHR (the test file is not a real image, so the answer is
    # the page naming it; no navigation happens): wait for the answer, not for a new page.
    with page.expect_response(lambda r: r.request.method == "POST" and "/attachments/" in r.url):
        page.click("form.case-upload button[type=submit]")
    assert len(posts) == 1
