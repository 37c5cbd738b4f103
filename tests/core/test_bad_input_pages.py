"""Bad input through the real pages (issue #10, finding 9): the text rule, field-naming
messages, one status (400) for a form re-rendered with errors, future dates, and a page
naming the limit for an over-size request."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from rencai.accounts.models import User
from rencai.cases.models import Case
from rencai.core import clock
from rencai.core.clock import SHANGHAI
from rencai.notice.models import Objection
from tests.cases.apply_helpers import catalog, media  # noqa: F401
from tests.cases.factories import build_world, new_case

APPROVED = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world(db):
    return build_world()


def _html(response) -> str:
    return response.content.decode()


def test_objection_with_bidi_override_is_refused_naming_the_field(client, world):
    from tests.notice.conftest import approve

    case = approve(world)
    url = reverse("notice:objection", args=[case.number])
    data = {"contact_name": "王先生", "contact_phone": "13800001111", "text": "实际\u202e未在职"}
    with clock.frozen(APPROVED + timedelta(days=1)):
        response = client.post(url, data)
    assert response.status_code == 400
    assert "异议内容：含有不允许的控制字符或文字方向字符 U+202E" in _html(response)
    assert "实际" in _html(response)  # what was typed is kept
    assert not Objection.objects.exists()
    # a textarea keeps its line breaks
    with clock.frozen(APPROVED + timedelta(days=1)):
        ok = client.post(url, {**data, "text": "第一行\r\n第二行：实际未在职"})
    assert ok.status_code == 302 and Objection.objects.get().text.count("\n") == 1


@pytest.mark.usefixtures("media", "catalog")
def test_draft_certificate_number_with_bidi_and_future_date_are_refused(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    from rencai.catalog.models import TitleSeries

    series = TitleSeries.objects.get(code="hei_teacher")
    data = {
        "section": "details",
        "title_series": series.pk,
        "qualification_name": "讲师",
        "certificate_number": "1\u202e23",
        "certificate_date": "2099-05-01",
    }
    response = client.post(f"/cases/{case.number}/edit/", data)
    html = _html(response)
    assert response.status_code == 400
    assert "证书编号：含有不允许的控制字符或文字方向字符 U+202E" in html
    assert f"发证日期：不能晚于今天（{clock.today().isoformat()}）" in html
    case.refresh_from_db()
    assert case.certificate_number != "1\u202e23" and case.certificate_date is None
    response = client.post(
        f"/cases/{case.number}/edit/", {**data, "certificate_date": "2024-02-30"}
    )
    assert "发证日期：请输入有效的日期（如 2024-06-30）。" in _html(response)
    assert "输入一个有效的日期" not in _html(response)


def test_registration_email_with_nul_is_refused_naming_the_field(client, db):
    from tests.accounts.test_register import URL, form_data

    response = client.post(URL, form_data(email="a\x00b@example.com"))
    assert response.status_code == 400
    html = _html(response)
    assert "电子邮箱（选填）：含有不允许的控制字符或文字方向字符 U+0000（空字符）" in html
    assert "不允许是用空字符串" not in _html(response)
    assert not User.objects.exists()


def test_login_and_registration_errors_answer_400_like_every_other_form(client, db):
    from tests.accounts.test_register import URL

    login = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert login.status_code == 400 and "has-error" in _html(login)
    register = client.post(URL, {})
    assert register.status_code == 400
    assert client.get(reverse("accounts:login")).status_code == 200


def test_an_over_size_request_gets_a_page_naming_the_limit(client, db):
    body = "text=" + "x" * (3 * 1024 * 1024)
    response = client.post(
        reverse("accounts:login"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    html = _html(response)
    assert "2 MB" in html and "10 MB" in html and "返回" in html
    assert "请求无效" not in html


def test_an_over_size_api_request_is_413_in_the_api_error_shape(client, world):
    client.force_login(world.applicant)
    response = client.post(
        "/api/cases/",
        '{"note": "' + "x" * (3 * 1024 * 1024) + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large" and "2 MB" in response.json()["message"]
    assert not Case.objects.exists()


def test_file_inputs_carry_the_limit_for_the_browser_side_check(client, db):
    from django.conf import settings

    from rencai.cases.forms import UploadForm

    html = str(UploadForm(type_choices=[("id_card", "身份证")])["file"])
    assert f'data-max-bytes="{settings.RENCAI_UPLOAD_MAX_BYTES}"' in html
    assert "文件（JPEG、PNG 或 PDF，可一次选择多个）：文件不能超过 10 MB" in html
    page = _html(client.get(reverse("accounts:login")))
    assert "/static/rencai/upload-limit.js" in page
    assert page.index("upload-limit.js") < page.index("rencai/site.js")  # runs first
