"""Issue #11 in Chromium: axe-core over every page of the journeys (public, applicant,
unit admin, official) in both languages at 375 and 1280 px: 0 violations; 长辈版 measured
against the MIIT 2021 适老化 numbers in both modes; tap targets; screenshots.

axe-core is the pinned copy in tests/e2e/axe (scripts/ensure-axe, npm ci from the lock
file): evaluated into the page through DevTools, so the page's CSP stays as served.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyotp
import pytest

from tests.e2e.helpers import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "Rencai@2026!"
WIDTHS = (375, 1280)
LANGS = ("zh-hans", "en")
REPORT = Path(__file__).resolve().parents[2] / "var" / "ux-report.json"

#: Computed in the page: text sizes, line heights, contrast, target boxes (see _measure).
MEASURE_JS = (Path(__file__).parent / "measure.js").read_text(encoding="utf-8")


def _axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    return result


def _login(page, base: str, login_name: str, *, totp_secret: str = "") -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", login_name)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('登录')")
    if login_name == "demo_unitadmin":  # act as the unit (切换身份)
        page.goto(base + "/accounts/switch/")
        page.check("input[name=grant]:not([value=personal])")
        with page.expect_navigation():
            page.click("main button[type=submit]")
    if totp_secret:
        page.goto(base + "/office/")
        page.fill("#id_code", pyotp.TOTP(totp_secret).now())
        with page.expect_navigation():
            page.click("form button[type=submit]:has-text('验证')")


def _set_language(context, base: str, lang: str) -> None:
    from django.conf import settings

    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base}])


@pytest.fixture
def journeys(demo_data, live_server):
    """(role, login, TOTP secret, pages) over the demo: every page of each journey."""
    from rencai.accounts.models import User
    from rencai.cases.models import Case
    from rencai.cases.services import case_create

    secret = pyotp.random_base32()
    official = User.objects.get(login_name="demo_tianhe")
    official.totp_secret = secret
    official.save(update_fields=["totp_secret"])
    fresh = User.objects.get(login_name="demo_applicant")
    draft = case_create(
        applicant=fresh,
        unit=Case.objects.get(applicant__login_name="demo_p1").unit,
        category="title",
    )
    in_window = Case.objects.get(applicant__login_name="demo_p3")
    awaiting = Case.objects.get(applicant__login_name="demo_p1")
    forwarded = Case.objects.get(applicant__login_name="demo_p6")
    return [
        ("public", "", "", ["/", "/accounts/login/", "/accounts/register/", "/help/",
                            "/help/offices/", "/notice/"]),
        ("applicant", "demo_applicant", "", ["/accounts/", "/cases/", "/cases/new/",
                                             f"/cases/{draft.number}/edit/",
                                             f"/cases/{draft.number}/edit/?refused=1",
                                             f"/cases/{draft.number}/"]),
        ("applicant-waiting", "demo_p3", "", ["/accounts/", f"/cases/{in_window.number}/"]),
        ("unit-admin", "demo_unitadmin", "", ["/accounts/", "/accounts/switch/", "/cases/unit/",
                                              f"/cases/{forwarded.number}/"]),
        ("official", "demo_tianhe", secret, ["/office/queue/acceptance/",
                                             f"/office/cases/{awaiting.number}/",
                                             "/office/stats/"]),
    ]  # fmt: skip


def test_axe_no_violations_on_every_journey_page(browser, live_server, journeys):
    base = live_server.url
    found, checked = {}, 0
    for role, login_name, secret, paths in journeys:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30000)
        if login_name:
            _login(page, base, login_name, totp_secret=secret)
        for lang in LANGS:
            _set_language(context, base, lang)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for path in paths:
                    response = page.goto(base + path)
                    assert response.status < 400, (path, response.status)
                    assert not login_name or "/accounts/login/" not in page.url, path
                    checked += 1
                    violations = _axe(page)
                    if violations:
                        found[f"{role} {lang} {width} {path}"] = violations
        context.close()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"axe_checked": checked, "axe_violations": found},
                                 ensure_ascii=False, indent=1))  # fmt: skip
    assert checked >= 80
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def _measure(page) -> dict:
    return page.evaluate(MEASURE_JS)


def _toggle_elder(page) -> None:
    with page.expect_navigation():
        page.click("header .btn-elder")


def test_elder_mode_meets_the_miit_numbers_and_is_remembered(browser, live_server, journeys):
    from rencai.accounts.models import User

    base = live_server.url
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    paths = dict((role, paths) for role, _l, _s, paths in journeys)
    figures = {}
    _login(page, base, "demo_p3")
    pages = ["/", "/accounts/", *paths["applicant-waiting"][1:], "/cases/new/"]
    for mode in ("standard", "elder"):
        for path in pages:
            page.goto(base + path)
            m = _measure(page)
            figures[f"{mode} {path}"] = m
            assert m["dialogs"] == 0
            assert m["min_line_height_ratio"] >= 1.3, (mode, path, m)
            assert m["min_contrast"] >= 4.5, (mode, path, m["low_contrast"])
            if mode == "standard":
                assert m["min_target"] >= 44, (path, m["small_targets"])
            else:
                assert m["body_font_px"] >= 18 and m["min_text_px"] >= 18, (path, m["small_text"])
                assert m["max_function_px"] >= 30, (path, m)
                assert m["min_target"] >= 60, (path, m["small_targets"])
                assert _axe(page) == [], path
        if mode == "standard":
            _toggle_elder(page)
            assert page.locator("html.elder").count() == 1
    assert User.objects.get(login_name="demo_p3").elder_mode is True
    page.goto(base + paths["applicant-waiting"][1])
    screenshot(page, "elder-status-375.png")
    # remembered per person: another device (a new context) after login is 长辈版 too
    other = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812})
    second = other.new_page()
    second.goto(base + "/")
    assert second.locator("html.elder").count() == 0  # anonymous, no cookie yet
    _login(second, base, "demo_p3")
    assert second.locator("html.elder").count() == 1
    other.close()
    # switching off again, remembered too
    _toggle_elder(page)
    assert page.locator("html.elder").count() == 0
    assert User.objects.get(login_name="demo_p3").elder_mode is False
    context.close()
    REPORT.parent.mkdir(exist_ok=True)
    path = REPORT.with_name("ux-elder.json")
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=1))


def test_screenshots_dashboard_stepper_error_summary(browser, live_server, journeys):
    base = live_server.url
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    paths = dict((role, paths) for role, _l, _s, paths in journeys)
    _login(page, base, "demo_p3")
    assert page.locator(".dash-case .case-status").inner_text().strip() != ""
    screenshot(page, "dashboard-375.png")
    page.goto(base + paths["applicant-waiting"][1])
    assert page.locator(".stepper li[aria-current=step]").count() == 1
    screenshot(page, "status-stepper-375.png")
    context.close()

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    _login(page, base, "demo_applicant")
    edit = paths["applicant"][3]
    page.goto(base + edit)
    with page.expect_navigation():
        page.click("#checklist button[type=submit]")
    # post/redirect/get: the URL is the form's, the summary first, every item a link
    assert "/act/" not in page.url and page.url.endswith("edit/?refused=1#error-summary")
    summary = page.locator("#error-summary")
    assert summary.is_visible() and summary.bounding_box()["y"] < 812
    links = summary.locator("a")
    assert links.count() >= 5
    screenshot(page, "error-summary-375.png")
    first = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("location.hash") == first
    page.reload()  # a reload posts nothing: still the same draft, summary recomputed
    assert page.locator("#error-summary").count() == 1
    context.close()


def test_radios_sit_by_their_labels_and_search_buttons_do_not_wrap(browser, live_server, journeys):
    base = live_server.url
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    _login(page, base, "demo_applicant")
    page.goto(base + "/cases/new/")
    page.fill("#id_unit", "示范")
    with page.expect_navigation():
        page.click("button[name=unit_search]")
    options = page.locator("label.unit-option")
    assert options.count() >= 1
    for radio_sel, label_sel in (("#id_category_0", "label[for=id_category_0]"),):
        radio, label = (
            page.locator(radio_sel).bounding_box(),
            page.locator(label_sel).bounding_box(),
        )
        assert 0 <= label["x"] - (radio["x"] + radio["width"]) <= 16, (radio, label)
        assert abs((radio["y"] + radio["height"] / 2) - (label["y"] + label["height"] / 2)) < 12
    first = options.first
    radio = first.locator("input").bounding_box()
    text = first.locator("span").first.bounding_box()
    assert 0 <= text["x"] - (radio["x"] + radio["width"]) <= 16, (radio, text)
    assert first.bounding_box()["height"] >= 44
    button = page.locator("button[name=unit_search]").bounding_box()
    assert button["height"] <= 48 and button["width"] >= 44  # 搜索 on one line
    # choosing a unit puts no ring around the page
    first.locator("input").check()
    assert page.evaluate("getComputedStyle(document.querySelector('main')).outlineStyle") == "none"
    context.close()
