"""Key pages at WeChat's 375 px (and home at desktop width): no horizontal scroll, and every
form control has an accessible name (a <label>, or aria-label on the search boxes)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import (
    PASSWORD,
    horizontal_overflow,
    id_number,
    login,
    screenshot,
    unnamed_controls,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _check(page, width: int) -> None:
    assert page.viewport_size["width"] == width
    overflow = horizontal_overflow(page, width)
    assert overflow == 0, f"{page.url}: {overflow}px wider than {width}px"
    assert unnamed_controls(page) == [], page.url


@pytest.mark.parametrize("path", ["/", "/accounts/register/", "/accounts/login/"])
def test_public_pages_fit_375px(mobile_page, live_server, path):
    mobile_page.goto(live_server.url + path)
    _check(mobile_page, 375)


def test_register_errors_fit_375px(mobile_page, live_server):
    """Error messages next to every field must not widen the page either."""
    mobile_page.goto(live_server.url + "/accounts/register/")
    mobile_page.fill("#id_id_number", "440106199001011234567")
    mobile_page.fill("#id_email", "not-an-email-address-at-all-but-quite-long-really")
    with mobile_page.expect_navigation():
        mobile_page.click("button[type=submit]:has-text('注册')")
    assert mobile_page.locator(".field.has-error").count() >= 5
    _check(mobile_page, 375)


def test_dashboard_fits_375px(mobile_page, live_server):
    from rencai.accounts.models import User

    User.objects.create_user(
        "layout375", PASSWORD, real_name="司马𪚥䶮", mobile="13755558000",
        id_number=id_number("44010619900101108"),
    )  # fmt: skip
    login(mobile_page, live_server.url, "13755558000")
    assert mobile_page.locator("h1.greeting").inner_text() == "您好，司马𪚥䶮"
    _check(mobile_page, 375)


def test_home_fits_1280px(page, live_server):
    page.goto(live_server.url + "/")
    _check(page, 1280)
    screenshot(page, "home.png")
