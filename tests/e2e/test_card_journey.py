"""Browser: a case is accepted, approved, publicly noticed, the worker issues the card,
the applicant downloads it from the case page and its QR code opens the verification
page (FAQ 一.11)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Rencai@2026x"


def _login(page, base: str, mobile: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", mobile)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/accounts/")


def test_card_journey(page, mobile_page, live_server, settings):
    from rencai.cards.models import Card
    from rencai.cases.services import case_transition
    from rencai.core import clock, worker
    from tests.cases.factories import build_world, new_case

    settings.SITE_URL = live_server.url  # the QR code points at this server
    world = build_world()
    applicant = world.applicant
    applicant.real_name = "欧阳明华"
    applicant.set_password(PASSWORD)
    applicant.save()

    # The applicant's case, submitted straight to the 天河区 window: awaiting acceptance.
    case = new_case(world)
    case_transition(case=case, action="submit", actor=applicant, acting_as=None)
    assert case.status == "awaiting_acceptance"
    # The window accepts; the reviewers approve (经办 → 复核 → 审批).
    official, acting_as = world.officials["district-440106"]
    case_transition(case=case, action="accept", actor=official, acting_as=acting_as)
    for _step in world.review_steps:
        case_transition(case=case, action="approve", actor=official, acting_as=acting_as)
    assert case.status == "in_notice"

    # The public notice page lists the case with the name masked (no login, 375 px).
    mobile_page.goto(live_server.url + reverse("notice:list"))
    row = mobile_page.locator("tr", has_text=case.number)
    assert "欧**华" in row.inner_text() and "欧阳明华" not in mobile_page.content()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375

    # The notice ends; the worker (run here, in-process) issues the card.
    clock.advance(case.due_at - clock.now() + timedelta(minutes=1))
    assert worker.run_once(batch=50)["rencai.cases.services.deadlines_fire"] == 1
    case.refresh_from_db()
    card = Card.objects.get(case=case)
    assert case.status == "card_issued"

    # The applicant downloads the card from the case page.
    _login(page, live_server.url, applicant.mobile)
    page.goto(live_server.url + reverse("cases:detail", args=[case.number]))
    link = page.locator(f"a[href='{reverse('cards:download', args=[card.number])}']")
    assert link.count() == 1
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"{card.number}.pdf"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"%PDF")

    # Its QR code opens the public verification page.
    image = pypdfium2.PdfDocument(io.BytesIO(raw))[0].render(scale=3).to_pil()
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert len(decoded) == 1 and decoded[0].startswith(live_server.url + "/cards/verify/")
    mobile_page.goto(decoded[0])
    assert "本卡真实有效" in mobile_page.inner_text("main")
    assert "欧阳明华" in mobile_page.inner_text("main")
