"""Browser: printing the status page and the card page gives the content only (no
navigation, no footer, no forms) with the attachment thumbnails and the card image drawn;
the card page shows the card inline at 375 px (WeChat's in-app browser)."""

from __future__ import annotations

import io

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from django.urls import reverse

from tests.e2e.helpers import PASSWORD, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _printed(page) -> tuple[str, int]:
    """Print the page as Chromium does (print media, A4): its text and drawn images."""
    raw = page.pdf(format="A4", print_background=False)
    document = pypdfium2.PdfDocument(io.BytesIO(raw))
    text, images = "", 0
    for pdf_page in document:
        text += pdf_page.get_textpage().get_text_range()
        images += sum(
            1 for _ in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=5)
        )
    return text, images


def test_status_and_card_pages_print_and_preview(mobile_page, live_server):
    from django.core.files.base import ContentFile
    from PIL import Image

    from rencai.cards.services import card_issue
    from rencai.documents.models import Document
    from tests.cases.factories import build_world, new_case

    world = build_world()
    applicant = world.applicant
    applicant.set_password(PASSWORD)
    applicant.save()
    case = new_case(world)
    card = card_issue(
        case=case,
        holder_name=applicant.real_name,
        id_number_masked=applicant.id_number_masked,
        employer=world.private.name,
        category="学历（本科）",
        issuing_office="广州市天河区人力资源和社会保障局",
    )
    for document in Document.objects.filter(folder=case.folder):  # real preview images
        jpeg = io.BytesIO()
        Image.new("RGB", (120, 90), (40, 90, 160)).save(jpeg, "JPEG")
        document.preview.save("p.jpg", ContentFile(jpeg.getvalue()), save=True)
    page = mobile_page
    login(page, live_server.url, applicant.login_name)

    page.goto(live_server.url + reverse("cases:detail", args=[case.number]))
    thumbs = page.locator("img.case-thumb").count()
    assert thumbs >= 2
    screenshot(page, "experience-status-375.png")
    # print.js fetches the lazy thumbnails once the page is idle, so a print has them.
    # print.js fetches the lazy thumbnails once the page is idle, so a print has them.
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.case-thumb')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    text, images = _printed(page)
    assert case.number in text and "办理记录" in text
    for absent in ("帮助中心", "我的工作台", "本系统不办理的业务", "切换身份"):
        assert absent not in text, absent
    assert images >= thumbs  # the lazily loaded thumbnails below the fold are printed
    page.emulate_media(media="print")
    screenshot(page, "experience-status-print-375.png")
    page.emulate_media(media=None)

    page.click(f"a[href='{reverse('cards:preview', args=[card.number])}']")
    page.wait_for_url(f"**/cards/{card.number}/preview/")
    image = page.locator("img.card-preview-image")
    assert image.evaluate("img => img.complete && img.naturalWidth > 1000")
    box = image.bounding_box()
    assert box["width"] <= 375 and box["height"] > 200  # the whole card fits the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator(f"a[href='{reverse('cards:download', args=[card.number])}']").count()
    screenshot(page, "experience-card-preview-375.png")
    text, images = _printed(page)
    assert images == 1 and "下载入户卡" not in text and "帮助中心" not in text
