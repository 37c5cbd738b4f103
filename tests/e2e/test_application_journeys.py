"""Browser journeys of an application (issue 4 phase 2): the applicant fills, uploads and
submits; a city SOE's application goes through the unit and the department's chain."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Rencai@2026x"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def _person(login: str, mobile: str, body: str, name: str):
    from stdnum.cn import ric

    from rencai.accounts.models import User

    return User.objects.create_user(
        login, PASSWORD, real_name=name, mobile=mobile,
        id_number=body + ric.calc_check_digit(body + "0"),
    )  # fmt: skip


def _login(page, base: str, mobile: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", mobile)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    try:
        page.wait_for_url("**/accounts/")
    except Exception:
        print(page.url, page.locator("main").inner_text())
        raise


def _logout(page) -> None:
    with page.expect_navigation():
        page.click("header button:has-text('退出')")


def _switch(page, base: str, label: str) -> None:
    page.goto(base + "/accounts/switch/")
    page.check(f"label:has-text('{label}') input[type=radio]")
    page.click("button[type=submit]:has-text('切换')")
    page.wait_for_url("**/accounts/")


def _png(path: Path, color) -> Path:
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def _world():
    from rencai.catalog.reference import _load_simple
    from rencai.orgs.reference import offices_load

    offices_load()
    _load_simple()


def test_applicant_fills_uploads_and_submits(page, live_server, tmp_path):
    from rencai.orgs.models import District, Unit

    _world()
    _person("zhang", "13755556001", "44010619900101101", "张𪚥")
    unit = Unit.objects.create(
        name="广州市旅程测试科技有限公司", code="91440106MA5TESTX01"[:18],
        nature="private", level="district", district=District.objects.get(code="440106"),
    )  # fmt: skip
    base = live_server.url
    _login(page, base, "13755556001")
    page.click("a:has-text('我的申请')")
    page.wait_for_url("**/cases/")
    page.click("a:has-text('新建入户申请')")
    page.check("#id_category_1")  # 职称
    page.fill("#id_unit", "旅程测试科技")
    page.click("button[name=unit_search]")
    page.check(f"input[name=unit][value='{unit.pk}']")
    page.click("button:has-text('创建申请并继续填写')")
    page.wait_for_url(re.compile(r".*/cases/RC\d{4}-\d{6}/edit/"))
    number = page.url.rstrip("/").split("/")[-2]
    assert "张𪚥" in page.locator("dd.real-name").inner_text()
    assert "广州市天河区人力资源和社会保障局受理" in page.locator("ol.case-route").inner_text()

    page.select_option("#id_title_series", label="工程技术人员")
    page.fill("#id_qualification_name", "高级工程师")
    page.select_option("#id_qualification_level", "副高级")
    page.fill("#id_certificate_number", "GZ2021-0001")
    page.click("button:has-text('保存申报信息')")
    page.wait_for_url(f"**/cases/{number}/edit/#details")
    assert "已保存" in page.content()

    colours = [(200, 40, 40), (40, 160, 60), (40, 60, 200), (220, 180, 30)]
    for index, code in enumerate(["id_card", "title_cert", "labour_contract", "selfie"]):
        page.select_option("#id_type_code", code)
        page.set_input_files("#id_file", str(_png(tmp_path / f"{code}.png", colours[index])))
        page.click("button:has-text('上传')")
        page.wait_for_url(f"**/cases/{number}/edit/#attachments")
        # Listed with its preview at once, before submission (FAQ 一.16).
        thumbs = page.locator("img.case-thumb")
        assert thumbs.count() == index + 1
        page.wait_for_function(
            "n => [...document.querySelectorAll('img.case-thumb')].filter("
            "i => i.complete && i.naturalWidth > 0).length === n",
            arg=index + 1,
        )
    assert page.locator("#checklist .is-missing").count() == 0

    page.click("#checklist button:has-text('送审')")
    page.wait_for_url(f"**/cases/{number}/")
    status = page.locator("strong.case-status").inner_text()
    assert status == "未受理，等待（广州市天河区人力资源和社会保障局受理）"
    assert page.locator("a.tel[href='tel:02038470847']").count() >= 1
    assert "剩余" in page.locator("dd.case-deadline").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case-status.png"), full_page=True)


def test_city_soe_goes_through_the_unit_and_the_department_chain(page, live_server):
    from rencai.accounts.models import RoleGrant
    from rencai.cases.models import Case, ChainStep
    from rencai.cases.requirements import required_attachments
    from rencai.cases.services import application_start
    from rencai.catalog.models import TitleSeries
    from rencai.documents.services import document_upload
    from rencai.orgs.models import District, Office, Unit

    _world()
    sasac = Office.objects.get(code="dept-sasac")
    for order, name in enumerate(["处室初审", "分管领导审核"], 1):
        ChainStep.objects.create(office=sasac, purpose="department", order=order, name=name)
    soe = Unit.objects.create(
        name="广州市旅程测试集团有限公司", code="91440101MA5TESTX02",
        nature="city_soe", level="city", district=District.objects.get(code="440104"),
        supervisory_office=sasac,
    )  # fmt: skip
    applicant = _person("li", "13755556002", "44010619900101102", "李四")
    admin = _person("hr", "13755556003", "44010619900101103", "人事王")
    RoleGrant.objects.create(user=admin, role="unit_admin", unit=soe)
    reviewer = _person("gzw", "13755556004", "44010619900101104", "国资审核")
    RoleGrant.objects.create(user=reviewer, role="official", office=sasac)
    case = application_start(
        applicant=applicant,
        unit=soe,
        category="title",
    )
    Case.objects.filter(pk=case.pk).update(
        title_series=TitleSeries.objects.first(), qualification_name="工程师",
        certificate_number="C-2",
    )  # fmt: skip
    for requirement in required_attachments(case):
        buf = io.BytesIO()
        Image.new("RGB", (30, 30), "white").save(buf, "PNG")
        buf.name = "scan.png"
        document_upload(
            folder=case.folder, type_code=requirement.type_code, file=buf, uploaded_by=applicant
        )
    base = live_server.url

    _login(page, base, "13755556002")
    page.goto(f"{base}/cases/{case.number}/edit/")
    assert "市国资委" in page.locator("ol.case-route").inner_text() or "国有资产" in page.content()
    page.click("#checklist button:has-text('送审')")
    page.wait_for_url(f"**/cases/{case.number}/")
    assert page.locator("strong.case-status").inner_text() == "单位审核中"
    _logout(page)

    _login(page, base, "13755556003")
    _switch(page, base, "广州市旅程测试集团有限公司")
    page.click("a:has-text('单位业务')")
    page.click(f"a:has-text('{case.number}')")
    page.click("button:has-text('单位审核通过并送审')")
    page.wait_for_url("**/cases/unit/")
    _logout(page)

    # The department's official: password, then the back office's second factor.
    import pyotp

    page.goto(base + "/accounts/login/?next=/office/")
    page.fill("#id_username", "13755556004")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/office/2fa/enrol/**")
    secret = page.locator("code.totp-secret").inner_text().strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("button:has-text('绑定并进入')")
    page.goto(f"{base}/office/cases/{case.number}/")
    assert "处室初审" in page.content()
    with page.expect_navigation():
        page.click("form.action-approve button[type=submit]")
    case.refresh_from_db()
    assert case.status == "dept_review" and case.chain_step.name == "分管领导审核"
    page.goto(f"{base}/office/cases/{case.number}/")
    with page.expect_navigation():
        page.click("form.action-approve button[type=submit]")
    case.refresh_from_db()
    assert case.status == "awaiting_acceptance" and case.holding_office.code == "city-hrss"
    _logout(page)

    _login(page, base, "13755556002")
    page.goto(f"{base}/cases/{case.number}/")
    assert (
        page.locator("strong.case-status").inner_text()
        == "未受理，等待（广州市人力资源和社会保障局受理）"
    )
    assert page.locator("table.case-history tbody tr").count() == 4
