"""Shared steps of the browser journeys: registration, login, logout, screenshots and the
accessible-name check. Plain functions (not fixtures) so a journey reads top to bottom."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import expect
from stdnum.cn import ric

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Rencai@2026x"

# Tracked screenshots (README, docs) are only rewritten on request; a normal run writes to
# var/ (git-ignored) so the working tree stays clean after the suite.
UPDATE_SCREENSHOTS_ENV = "RENCAI_UPDATE_SCREENSHOTS"


def screenshot_dir() -> Path:
    if os.environ.get(UPDATE_SCREENSHOTS_ENV) == "1":
        return ROOT / "docs" / "screenshots"
    return ROOT / "var" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Full-page PNG `name` in docs/screenshots/ (RENCAI_UPDATE_SCREENSHOTS=1) or var/screenshots/."""
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    return path


def id_number(body: str) -> str:
    """A valid 18-character ID number from its first 17 characters."""
    return body + ric.calc_check_digit(body + "0")


def register(
    page,
    base: str,
    *,
    login_name: str,
    real_name: str,
    id_no: str,
    mobile: str,
    password: str = PASSWORD,
) -> None:
    """Register through /accounts/register/ and land on the login page."""
    page.goto(base + "/accounts/register/")
    page.fill("#id_login_name", login_name)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.fill("#id_real_name", real_name)
    page.fill("#id_id_number", id_no)
    page.fill("#id_mobile", mobile)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('注册')")
    assert page.url == base + "/accounts/login/", page.locator("main").inner_text()
    assert "注册成功，请使用登录名和密码登录。" in page.locator("ul.messages").inner_text()


def login(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Password login of a personal account; ends on the dashboard."""
    if "/accounts/login/" not in page.url:
        page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('登录')")
    assert page.url == base + "/accounts/", page.locator("main").inner_text()


def logout(page) -> None:
    with page.expect_navigation():
        page.click("header button:has-text('退出')")


FORM_CONTROLS = (
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), "
    "select, textarea"
)


def unnamed_controls(page) -> list[str]:
    """Form controls whose accessible name (as Chromium computes it: <label for>, wrapping
    label, aria-label, aria-labelledby) is empty; their HTML, for the failure message."""
    missing = []
    controls = page.locator(FORM_CONTROLS)
    assert controls.count() > 0, "no form controls on " + page.url
    for control in controls.all():
        try:
            expect(control).to_have_accessible_name(re.compile(r"\S"), timeout=1000)
        except AssertionError:
            missing.append(control.evaluate("e => e.outerHTML"))
    return missing


def horizontal_overflow(page, width: int) -> int:
    """How many pixels the page is wider than `width` (0 when it fits)."""
    return max(0, page.evaluate("document.documentElement.scrollWidth") - width)
