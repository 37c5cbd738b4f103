from __future__ import annotations

import pytest
from stdnum.cn import ric

from tests.e2e.helpers import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_register_login_dashboard_logout(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    screenshot(page, "login.png")

    page.goto(live_server.url + "/accounts/register/")
    page.fill("#id_login_name", "wangyan2026")
    page.fill("#id_password1", "Wang#Yan2026")
    page.fill("#id_password2", "Wang#Yan2026")
    page.fill("#id_real_name", "王𪚥䶮")
    page.fill("#id_id_number", _id("44010619920415123").lower())
    page.fill("#id_mobile", "13711112222")
    page.click("button[type=submit]:has-text('注册')")
    page.wait_for_url("**/accounts/login/")
    assert "注册成功" in page.content()

    page.fill("#id_username", "13711112222")
    page.fill("#id_password", "Wang#Yan2026")
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/accounts/")
    assert page.locator("h1.greeting").inner_text().endswith("王𪚥䶮")
    assert "4401**********" in page.content()

    page.click("header button:has-text('退出')")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/accounts/")
    assert "/accounts/login/" in page.url


def test_recover_login_name_via_dev_inbox(page, live_server):
    from rencai.accounts.models import User

    User.objects.create_user(
        "zhaoliu",
        "Zhao#Liu2026",
        real_name="赵𠇔",
        id_number=_id("44010619880808676"),
        mobile="13722223333",
    )
    page.goto(live_server.url + "/accounts/recover/")
    page.fill("#recover-name input[name=mobile]", "13722223333")
    page.fill("#recover-name input[name=id_number]", _id("44010619880808676"))
    page.click("#recover-name button[type=submit]")
    page.get_by_text("登录名已通过短信发送").first.wait_for()  # the answer page has loaded
    assert "登录名已通过短信发送" in page.content()
    assert "zhaoliu" not in page.content()

    page.goto(live_server.url + "/notify/dev-inbox/?to=13722223333")
    body = page.locator(".inbox-body").first.inner_text()
    assert "zhaoliu" in body

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "zhaoliu")
    page.fill("#id_password", "Zhao#Liu2026")
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/accounts/")
    assert "赵𠇔" in page.content()
