"""Browser: a rare character (FAQ 一.20, 𠇔 U+201D4, CJK Extension B) is drawn with a real
glyph from our web font on a machine without any Extension B font (this one: fc-list has
none), and a page without such characters downloads no font at all."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from tests.e2e.helpers import PASSWORD, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NAME = "王𠇔"
NAME_SPAN = ".acting-row > span:first-child"


def _fonts_requested(page) -> list[str]:
    fonts: list[str] = []
    page.on("request", lambda r: r.url.endswith(".woff2") and fonts.append(r.url))
    return fonts


def _platform_fonts(page, selector: str) -> list[dict]:
    """Chromium's own record of which fonts drew the node's text (DevTools CSS domain)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def _glyph_image(page) -> Image.Image:
    page.evaluate("document.fonts.ready")
    return Image.open(io.BytesIO(page.locator(NAME_SPAN).screenshot())).convert("L")


def test_rare_character_drawn_with_web_font(browser, mobile_page, live_server):
    from django.contrib.auth import get_user_model

    from tests.cases.factories import id_number

    user = get_user_model().objects.create_user(
        "wangrare", PASSWORD, real_name=NAME, id_number=id_number(), mobile="13900009999"
    )
    page = mobile_page
    requested = _fonts_requested(page)
    # An ordinary page (no Extension character) loads no font file.
    page.goto(live_server.url + "/")
    page.evaluate("document.fonts.ready")
    assert requested == []

    login(page, live_server.url, user.login_name)
    assert page.locator(NAME_SPAN).inner_text() == NAME
    assert page.evaluate(
        "document.fonts.ready.then(() => document.fonts.check('16px \"Rencai Rare\"', '𠇔'))"
    )
    # Exactly the one 1,024-character slice holding U+201D4.
    assert [url.rsplit("/", 1)[1].split(".")[0] for url in requested] == ["rare-20000"]
    fonts = _platform_fonts(page, NAME_SPAN)
    custom = [f for f in fonts if f["isCustomFont"]]
    assert len(custom) == 1 and custom[0]["glyphCount"] == 1, fonts  # 𠇔 from the web font
    assert "HanaMin" in custom[0]["postScriptName"] + custom[0]["familyName"], fonts
    with_font = _glyph_image(page)
    screenshot(page, "experience-rare-name-375.png")

    # The same page with the font files blocked: Chromium falls back to its box (tofu).
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True
    )
    context.add_cookies(page.context.cookies())
    blocked = context.new_page()
    blocked.route("**/*.woff2", lambda route: route.abort())
    blocked.goto(live_server.url + "/accounts/")
    assert not [f for f in _platform_fonts(blocked, NAME_SPAN) if f["isCustomFont"]]
    without_font = _glyph_image(blocked)
    context.close()
    assert with_font.size[1] == without_font.size[1]
    width = min(with_font.size[0], without_font.size[0])
    diff = ImageChops.difference(
        with_font.crop((0, 0, width, with_font.size[1])),
        without_font.crop((0, 0, width, without_font.size[1])),
    )
    assert diff.getbbox() is not None, "the web font drew the same pixels as the fallback box"
