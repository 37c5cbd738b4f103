"""Browser journeys of an application (issue 4 phase 2): a newly registered applicant fills,
uploads and submits; a city SOE's application goes through the unit and the department's
chain to the city bureau. Every step a person takes is taken in the browser."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pyotp
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, id_number, login, logout, register, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICES_JSON = Path(__file__).resolve().parents[2] / "rencai" / "orgs" / "data" / "offices.json"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def _reference_phones(*, district: str = "", city_bureau: bool = False) -> list[tuple[str, str]]:
    """(display, tel: href) of an office's phones, straight from the reference table."""
    data = json.loads(OFFICES_JSON.read_text(encoding="utf-8"))
    if city_bureau:
        numbers = data["city_bureau"]["phones"]
    else:
        (numbers,) = [row[5] for row in data["districts"] if row[0] == district]
    # Guangzhou landlines (8 digits) are dialled with 020; service numbers (12333) as they are.
    return [(f"020-{n}", f"tel:020{n}") if len(n) == 8 else (n, f"tel:{n}") for n in numbers]


def _office_phones(page) -> list[tuple[str, str]]:
    links = page.locator("section.case-contact dd.office-phones a.tel")
    return [(a.inner_text(), a.get_attribute("href")) for a in links.all()]


def _person(login_name: str, mobile: str, body: str, name: str):
    from rencai.accounts.models import User

    return User.objects.create_user(
        login_name, PASSWORD, real_name=name, mobile=mobile, id_number=id_number(body)
    )


def _scan(path: Path, color, *, pdf: bool = False) -> Path:
    """A one-colour 'scan' as PNG or as a one-page PDF."""
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(buf, "PDF" if pdf else "PNG")
    path.write_bytes(buf.getvalue())
    return path


def _world():
    from rencai.catalog.reference import _load_simple
    from rencai.orgs.reference import offices_load

    offices_load()
    _load_simple()


def _start_application(page, *, unit_query: str, unit) -> str:
    """From the dashboard: 我的申请 → 新建 → 职称, unit picked from the search. Returns the number."""
    page.click("main a:has-text('我的申请')")
    page.wait_for_url("**/cases/")
    page.click("main a:has-text('新建入户申请')")
    page.wait_for_url("**/cases/new/")
    page.check("#id_category_1")  # 职称
    assert page.locator("label[for=id_category_1]").inner_text() == "职称"
    page.fill("#id_unit", unit_query)
    with page.expect_navigation():
        page.click("button[name=unit_search]")
    assert page.is_checked("#id_category_1")  # the search kept the chosen category
    page.check(f"input[name=unit][value='{unit.pk}']")
    with page.expect_navigation():
        page.click("button:has-text('创建申请并继续填写')")
    assert re.fullmatch(r".*/cases/RC\d{4}-\d{6}/edit/", page.url), page.url
    return page.url.rstrip("/").split("/")[-2]


def _fill_title_details(page, number: str, *, certificate: str) -> None:
    page.select_option("#id_title_series", label="工程技术人员")
    page.fill("#id_qualification_name", "高级工程师")
    page.select_option("#id_qualification_level", "副高级")
    page.fill("#id_certificate_number", certificate)
    page.fill("#id_certificate_date", "2021-06-30")
    with page.expect_navigation():
        page.click("button:has-text('保存申报信息')")
    assert page.url.endswith(f"/cases/{number}/edit/#details")
    assert "已保存。" in page.locator("ul.messages").inner_text()
    # What was saved is shown back.
    assert page.locator("#id_title_series option:checked").inner_text() == "工程技术人员"
    assert page.input_value("#id_qualification_name") == "高级工程师"
    assert page.input_value("#id_qualification_level") == "副高级"
    assert page.input_value("#id_certificate_number") == certificate
    assert page.input_value("#id_certificate_date") == "2021-06-30"


UPLOADS = [  # (type, label in the checklist, colour, as PDF)
    ("id_card", "身份证", (200, 40, 40), False),
    ("title_cert", "职称证书", (40, 160, 60), False),
    ("labour_contract", "劳动合同", (40, 60, 200), True),
    ("selfie", "身份确认自拍照", (220, 180, 30), False),
]


def _upload_required(page, number: str, tmp_path: Path) -> None:
    """Upload each required attachment; its preview is on the page at once (FAQ 一.16)."""
    requirements = page.locator("ul.case-requirements li")
    assert [r.inner_text().split(" ", 1)[1] for r in requirements.all()] == [
        label for _code, label, _colour, _pdf in UPLOADS
    ]
    for done, (code, label, colour, pdf) in enumerate(UPLOADS, 1):
        path = _scan(tmp_path / f"{code}.{'pdf' if pdf else 'png'}", colour, pdf=pdf)
        page.select_option("#id_type_code", code)
        page.set_input_files("#id_file", str(path))
        with page.expect_navigation():
            page.click("form.case-upload button:has-text('上传')")
        assert page.url.endswith(f"/cases/{number}/edit/#attachments"), page.url
        # upload-progress.js: the XHR, then the page reloads at #attachments
        expect(page.locator("img.case-thumb")).to_have_count(done)
        item = page.locator(f"li.case-attachment[data-type='{code}']")
        assert item.locator("strong").inner_text() == label
        assert path.name in item.inner_text()
        thumb = item.locator("img.case-thumb")
        thumb.scroll_into_view_if_needed()  # the thumbnails load lazily
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
        )
        # The preview is of this very file: same colour (JPEG, so roughly).
        response = page.request.get(thumb.evaluate("img => img.src"))
        assert response.ok and response.headers["content-type"] == "image/jpeg"
        image = Image.open(io.BytesIO(response.body())).convert("RGB")
        pixel = image.getpixel((image.width // 2, image.height // 2))
        assert all(abs(a - b) <= 24 for a, b in zip(pixel, colour, strict=True)), (code, pixel)
        badge = page.locator("ul.case-requirements li", has_text=label).locator(".badge")
        assert badge.inner_text() == "已上传"
    assert page.locator("ul.case-requirements .is-missing").count() == 0


def _submit(page, number: str) -> None:
    assert page.locator("#checklist .is-missing").count() == 0, page.locator(
        "#checklist"
    ).inner_text()
    with page.expect_navigation():
        page.click("#checklist button:has-text('送审')")
    assert page.url.endswith(f"/cases/{number}/"), page.url


def test_applicant_registers_fills_uploads_and_submits(page, live_server, tmp_path):
    from rencai.cases.models import Case
    from rencai.orgs.models import District, Unit

    _world()
    tianhe = District.objects.get(code="440106")
    first = Unit.objects.create(
        name="广州市旅程测试科技有限公司", code="91440106MA5TESTX01",
        nature="private", level="district", district=tianhe,
    )  # fmt: skip
    employer = Unit.objects.create(
        name="广州市旅程测试软件有限公司", code="91440106MA5TESTX03",
        nature="private", level="district", district=tianhe,
    )  # fmt: skip
    base = live_server.url

    register(
        page, base, login_name="zhangyan26", real_name="张𪚥",
        id_no=id_number("44010619900101101"), mobile="13755556001",
    )  # fmt: skip
    login(page, base, "zhangyan26")
    assert page.locator("h1.greeting").inner_text() == "您好，张𪚥"

    # Category and (first) unit.
    number = _start_application(page, unit_query="旅程测试科技", unit=first)
    assert page.locator("dd.real-name").inner_text() == "张𪚥"
    assert page.locator("strong.case-status").inner_text() == "草稿"
    assert "广州市天河区人力资源和社会保障局受理" in page.locator("ol.case-route").inner_text()

    # Section 2: the title's details.
    _fill_title_details(page, number, certificate="GZ2021-0001")

    # Section 3: the employer, changed to another unit found by the search.
    page.fill("#id_unit", "旅程测试软件")
    with page.expect_navigation():
        page.click("#unit button[name=unit_search]")
    page.check(f"#unit input[name=unit][value='{employer.pk}']")
    with page.expect_navigation():
        page.click("button:has-text('保存引进单位')")
    assert page.url.endswith(f"/cases/{number}/edit/#unit")
    assert "已保存。" in page.locator("ul.messages").inner_text()
    assert page.locator("#unit .unit-chosen strong").inner_text() == employer.name

    # Section 4: attachments, each previewed as soon as it is uploaded.
    _upload_required(page, number, tmp_path)

    # Section 5: submit.
    _submit(page, number)
    status = page.locator("strong.case-status").inner_text()
    assert status == "未受理，等待（广州市天河区人力资源和社会保障局受理）"
    assert page.locator("section.case-contact dd.office-name").inner_text() == (
        "广州市天河区人力资源和社会保障局（天河区人才服务管理办公室）"
    )
    assert _office_phones(page) == _reference_phones(district="440106")
    assert _office_phones(page) == [
        ("020-38470847", "tel:02038470847"),
        ("020-85583630", "tel:02085583630"),
    ]
    assert "剩余" in page.locator("dd.case-deadline").inner_text()
    assert page.locator("img.case-thumb").count() == len(UPLOADS)
    screenshot(page, "case-status.png")

    case = Case.objects.get(number=number)
    assert (case.status, case.unit, case.applicant.login_name) == (
        "awaiting_acceptance", employer, "zhangyan26",
    )  # fmt: skip
    assert (case.qualification_name, case.qualification_level) == ("高级工程师", "副高级")


def test_city_soe_goes_through_the_unit_and_the_department_chain(page, live_server, tmp_path):
    from rencai.accounts.models import RoleGrant
    from rencai.cases.models import Case, ChainStep
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
    _person("li", "13755556002", "44010619900101102", "李四")
    admin = _person("hr", "13755556003", "44010619900101103", "人事王")
    RoleGrant.objects.create(user=admin, role="unit_admin", unit=soe)
    reviewer = _person("gzw", "13755556004", "44010619900101104", "国资审核")
    RoleGrant.objects.create(user=reviewer, role="official", office=sasac)
    base = live_server.url

    # The applicant fills the draft and submits it to the unit.
    login(page, base, "13755556002")
    number = _start_application(page, unit_query="旅程测试集团", unit=soe)
    assert [li.inner_text() for li in page.locator("ol.case-route li").all()] == [
        "申请人填报并送审",
        "引进单位“广州市旅程测试集团有限公司”的单位管理员审核并送审",
        "主管部门“广州市人民政府国有资产监督管理委员会”内流程审核"
        "（第1步：处室初审、第2步：分管领导审核）",
        "广州市人力资源和社会保障局受理；5个工作日内未受理或退案的，第6个工作日自动受理",
        "广州市人力资源和社会保障局审批",
        "公示5个工作日，无异议后出具《广州市入户人员信息卡》",
    ]
    _fill_title_details(page, number, certificate="C-2")
    _upload_required(page, number, tmp_path)
    _submit(page, number)
    assert page.locator("strong.case-status").inner_text() == "单位审核中"
    logout(page)

    # The unit admin forwards it to the supervisory department.
    login(page, base, "13755556003")
    page.goto(base + "/accounts/switch/")
    page.check("label:has-text('广州市旅程测试集团有限公司') input[type=radio]")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('切换')")
    page.click("main a:has-text('单位业务')")
    page.wait_for_url("**/cases/unit/")
    page.click(f"a:has-text('{number}')")
    with page.expect_navigation():
        page.click("button:has-text('单位审核通过并送审')")
    assert page.url == base + "/cases/unit/"
    logout(page)

    # The department's official: password, then the back office's second factor; the two
    # steps of the department's chain.
    page.goto(base + "/accounts/login/?next=/office/")
    page.fill("#id_username", "13755556004")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url("**/office/2fa/enrol/**")
    secret = page.locator("code.totp-secret").inner_text().strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("button:has-text('绑定并进入')")
    for step, then in (("处室初审", "分管领导审核"), ("分管领导审核", None)):
        page.goto(f"{base}/office/cases/{number}/")
        assert step in page.locator("main").inner_text()
        with page.expect_navigation():
            page.click("form.action-approve button[type=submit]")
        case = Case.objects.get(number=number)
        if then:
            assert (case.status, case.chain_step.name) == ("dept_review", then)
        else:
            assert (case.status, case.holding_office.code) == ("awaiting_acceptance", "city-hrss")
    logout(page)

    # The applicant sees it waiting for the city bureau, with the bureau's phone.
    login(page, base, "13755556002")
    page.goto(f"{base}/cases/{number}/")
    assert (
        page.locator("strong.case-status").inner_text()
        == "未受理，等待（广州市人力资源和社会保障局受理）"
    )
    assert _office_phones(page) == _reference_phones(city_bureau=True) == [("12333", "tel:12333")]
    assert page.locator("table.case-history tbody tr").count() == 4
