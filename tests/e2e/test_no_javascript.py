"""The site is server-rendered and must work with JavaScript off: register (a form error
keeps what was typed), log in, reach the dashboard, log out."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import PASSWORD, id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nojs_page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(30000)  # CI machine has 2 shared cores
    yield page
    context.close()


def test_register_login_dashboard_logout_without_javascript(nojs_page, live_server):
    from rencai.accounts.models import User

    page, base = nojs_page, live_server.url
    typed = {
        "#id_login_name": "nojs2026",
        "#id_real_name": "欧阳𪚥",
        "#id_id_number": id_number("44010619950505123"),
        "#id_mobile": "1375555700",  # ten digits: refused
        "#id_email": "nojs@example.com",
    }

    page.goto(base + "/")
    with page.expect_navigation():
        page.click("main a:has-text('个人用户注册')")
    assert page.url == base + "/accounts/register/"
    for selector, value in typed.items():
        page.fill(selector, value)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('注册')")

    # Server-side validation: the error is next to the field, the summary links to it, and
    # everything typed (but the passwords) is still there.
    assert page.url == base + "/accounts/register/"
    field = page.locator(".field.has-error")
    assert field.count() == 1
    assert field.locator("#id_mobile").count() == 1
    assert "手机号码" in field.locator(".errorlist").inner_text()
    assert page.locator(".form-errors a[href='#id_mobile']").count() == 1
    for selector, value in typed.items():
        assert page.input_value(selector) == value, selector
    assert not User.objects.filter(login_name="nojs2026").exists()

    page.fill("#id_mobile", "13755557000")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('注册')")
    assert page.url == base + "/accounts/login/", page.locator("main").inner_text()
    assert "注册成功" in page.locator("ul.messages").inner_text()

    # A wrong password: refused, the login name is kept.
    page.fill("#id_username", "nojs2026")
    page.fill("#id_password", "Wrong#2026x")
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('登录')")
    assert "/accounts/login/" in page.url
    assert page.locator(".form-errors").count() == 1
    assert page.input_value("#id_username") == "nojs2026"
    assert page.input_value("#id_password") == ""

    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('登录')")
    assert page.url == base + "/accounts/"
    assert page.locator("h1.greeting").inner_text() == "您好，欧阳𪚥"
    assert page.locator("header .acting-row").inner_text().startswith("欧阳𪚥")

    # Dashboard links are plain links.
    with page.expect_navigation():
        page.click("main a:has-text('我的申请')")
    assert page.url == base + "/cases/"
    assert "您还没有入户申请。" in page.locator("main").inner_text()

    with page.expect_navigation():
        page.click("header button:has-text('退出')")
    assert page.url == base + "/"
    assert "您已安全退出。" in page.locator("ul.messages").inner_text()
    page.goto(base + "/accounts/")
    assert "/accounts/login/" in page.url
