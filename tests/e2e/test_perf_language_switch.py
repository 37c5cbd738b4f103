"""The footer's language switch, token-free, works in a real browser (JS on: the select
submits; the button too) and with JavaScript off (issue #15)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_switch_to_english_and_back_from_the_footer(page, live_server):
    page.goto(f"{live_server.url}/help/")
    page.select_option("#lang-select", "en")
    page.locator("form.lang button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/help/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#lang-select", "zh-hans")
    page.locator("form.lang button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang").startswith("zh")


def test_switch_works_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/notice/")
    page.select_option("#lang-select", "en")
    page.locator("form.lang button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/notice/")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
