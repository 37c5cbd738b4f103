"""Browser: search a unit → not found → request a new unit → the data centre approves →
the unit is selectable in the search (FAQ 一.4)."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pyotp
import pytest
from PIL import Image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Rencai@2026x"


def _login(page, base: str, mobile: str, totp_secret: str = "") -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", mobile)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    if totp_secret:  # officials pass the second factor
        page.wait_for_url("**/office/2fa/**")
        page.fill("#id_code", pyotp.TOTP(totp_secret).now())
        page.click("form button[type=submit]:has-text('验证')")
        page.wait_for_url("**/office/**")
    else:
        page.wait_for_url("**/accounts/")


def _logout(page) -> None:
    with page.expect_navigation():
        page.click("header button:has-text('退出')")


def test_request_new_unit_and_select_it_after_approval(page, live_server, tmp_path):
    from stdnum.cn import ric

    from rencai.accounts.models import RoleGrant, User
    from rencai.orgs.models import Office
    from rencai.orgs.reference import offices_load
    from rencai.orgs.validators import org_code_check_char, uscc_check_char

    offices_load()

    def person(login, mobile, body):
        return User.objects.create_user(
            login,
            PASSWORD,
            real_name="测试" + login,
            mobile=mobile,
            id_number=body + ric.calc_check_digit(body + "0"),
        )

    person("applicant1", "13755550001", "44010619900101001")
    reviewer = person("centre1", "13755550002", "44010619900101002")
    RoleGrant.objects.create(
        user=reviewer, role=RoleGrant.Role.OFFICIAL, office=Office.objects.get(code="data-centre")
    )
    reviewer.totp_secret = pyotp.random_base32()
    reviewer.save(update_fields=["totp_secret"])
    org = "7654321" + "1"
    org = org[:8] + org_code_check_char(org[:8])
    code = "91440106" + org
    code += uscc_check_char(code)
    name = "广州市浏览器测试科技有限公司"
    licence = tmp_path / "licence.png"
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    licence.write_bytes(buf.getvalue())

    base = live_server.url
    _login(page, base, "13755550001")
    page.goto(base + "/units/?q=" + quote("浏览器测试科技"))
    assert "无符合条件的记录" in page.content()
    page.goto(base + "/changes/new/unit/?q=" + quote(name))
    assert page.input_value("#id_name") == name
    page.fill("#id_code", code)
    page.select_option("#id_nature", "private")
    page.select_option("#id_level", "district")
    page.select_option("#id_district", label="天河区")
    page.set_input_files("#id_business_licence", str(licence))
    page.click("button[type=submit]:has-text('提交申请')")
    page.wait_for_url(re.compile(r".*/changes/requests/BG\d{4}-\d{6}/"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "待审核" in page.content()
    _logout(page)

    _login(page, base, "13755550002", reviewer.totp_secret)
    page.goto(base + "/changes/review/")
    page.click(f"a:has-text('{number}')")
    page.click("button:has-text('审核通过并生效')")
    page.wait_for_url("**/changes/review/")
    assert "没有待审核的申请" in page.content()
    _logout(page)

    _login(page, base, "13755550001")
    page.goto(base + "/changes/")
    assert number in page.content() and "审核通过" in page.content()
    page.goto(base + "/units/?q=" + quote("浏览器测试科技"))
    assert page.locator(f"a:has-text('{name}')").count() >= 1
    page.goto(base + "/units/?q=" + code)
    assert name in page.content()
