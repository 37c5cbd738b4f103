"""Issue #11: several files per upload with a progress bar (upload-progress.js). With the
script on, the upload goes by XHR and the page comes back at #attachments with every file
listed and the flash message shown (not used up by the XHR); without JavaScript the plain
multiple-file input posts and redirects as before."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _png(path, colour):
    Image.new("RGB", (60, 40), colour).save(path, "PNG")
    return str(path)


def _draft():
    from rencai.catalog.reference import _load_simple
    from tests.cases.factories import build_world, new_case

    _load_simple()
    world = build_world()
    world.applicant.set_password(PASSWORD)
    world.applicant.save()
    return world, new_case(world, attach=False)


def _pdf(path):
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "page")
    c.showPage()
    c.save()
    path.write_bytes(out.getvalue())
    return str(path)


@pytest.mark.parametrize("width", [375, 1280])
def test_two_files_with_the_progress_script_land_at_attachments(
    browser, live_server, tmp_path, width
):
    world, case = _draft()
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30000)
    sent = []
    page.on(
        "request",
        lambda r: (
            sent.append(r.headers.get("x-rencai-upload"))
            if r.url.endswith("/attachments/")
            else None
        ),
    )
    base = live_server.url
    login(page, base, world.applicant.login_name)
    page.goto(f"{base}/cases/{case.number}/edit/")
    form = page.locator("form.case-upload")
    # The script is on: it added the progress bar (hidden until an upload starts).
    expect(form.locator("progress.upload-progress")).to_have_count(1)
    page.select_option("#id_type_code", "other")
    page.set_input_files(
        "#id_file", [_png(tmp_path / "第一页.png", (200, 40, 40)), _pdf(tmp_path / "第二页.pdf")]
    )
    page.click("form.case-upload button:has-text('上传')")
    page.wait_for_url(f"**/cases/{case.number}/edit/#attachments")
    expect(page.locator("li.case-attachment")).to_have_count(2)
    listed = page.locator("ul.case-attachments").inner_text()
    assert "第一页.png" in listed and "第二页.pdf" in listed
    # The flash message was kept for the page the browser shows, not eaten by the XHR.
    expect(page.locator("ul.messages")).to_contain_text("第一页.png、第二页.pdf")
    assert sent == ["1"]  # one XHR POST, announced by its header
    assert page.evaluate("location.hash") == "#attachments"
    # The attachments section is in view, not the top of the page.
    top = page.locator("#attachments").evaluate("el => el.getBoundingClientRect().top")
    assert -5 <= top < 200, top
    context.close()


def test_without_javascript_the_multiple_input_still_posts(browser, live_server, tmp_path):
    world, case = _draft()
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30000)
    base = live_server.url
    login(page, base, world.applicant.login_name)
    page.goto(f"{base}/cases/{case.number}/edit/")
    expect(page.locator("form.case-upload progress")).to_have_count(0)
    page.select_option("#id_type_code", "other")
    page.set_input_files(
        "#id_file", [_png(tmp_path / "甲.png", (1, 2, 3)), _pdf(tmp_path / "乙.pdf")]
    )
    with page.expect_navigation():
        page.click("form.case-upload button:has-text('上传')")
    assert page.url.endswith(f"/cases/{case.number}/edit/#attachments"), page.url
    expect(page.locator("li.case-attachment")).to_have_count(2)
    expect(page.locator("ul.messages")).to_contain_text("甲.png、乙.pdf")
    context.close()
