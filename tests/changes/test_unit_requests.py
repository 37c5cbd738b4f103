"""新增/修改单位信息 end to end through HTTP, the FAQ 一.6 code rules, duplicates, drafts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.changes.models import ChangeRequest
from rencai.documents.models import Document
from rencai.notify.models import OutboxMessage
from rencai.orgs.models import Unit, UnitNameHistory
from rencai.orgs.selectors import unit_search
from tests.changes.conftest import client_for, make_code, png, uscc_for

pytestmark = pytest.mark.django_db


def _unit_new_data(tianhe, **over):
    data = {
        "name": "广州市星河云算科技有限公司",
        "code": make_code(),
        "nature": Unit.Nature.PRIVATE,
        "level": Unit.Level.DISTRICT,
        "district": tianhe.pk,
        "phone": "020-38000000",
        "address": "广州市天河区某路1号",
        "note": "",
    }
    data.update(over)
    return data


def _approve(reviewer, number):
    return client_for(reviewer).post(
        reverse("changes:decide", args=[number]), {"action": "approve"}
    )


def test_unit_new_end_to_end(requester, reviewer, tianhe):
    client = client_for(requester)
    assert client.get(reverse("changes:unit_new") + "?q=星河云算").status_code == 200
    data = _unit_new_data(tianhe, business_licence=png())
    response = client.post(reverse("changes:unit_new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = ChangeRequest.objects.get()
    assert change.number.startswith("BG") and change.number[2:6].isdigit()
    assert response.url == reverse("changes:detail", args=[change.number])
    page = client.get(response.url).content.decode()
    assert "待审核" in page and "数据服务中心" in page and "hrssgz@gz.gov.cn" in page
    assert Document.objects.filter(folder=change.folder, type_code="business_licence").count() == 1

    worklist = client_for(reviewer).get(reverse("changes:worklist")).content.decode()
    assert change.number in worklist
    assert _approve(reviewer, change.number).status_code == 302

    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == reviewer
    unit = Unit.objects.get(code=data["code"])
    assert change.unit == unit and unit.name_pinyin_initials  # search keys via the orgs service
    assert [r.unit.pk for r in unit_search(q="星河云算").results] == [unit.pk]
    sms = OutboxMessage.objects.get(channel="sms", recipient="13800001111")
    assert change.number in sms.body and "审核通过" in sms.body
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"change.submit", "change.approve", "unit.create"} <= events
    # The requester sees the result on the progress page.
    index = client.get(reverse("changes:index")).content.decode()
    assert change.number in index and "审核通过" in index


def test_reject_needs_reason_and_is_shown(requester, reviewer, tianhe):
    client = client_for(requester)
    client.post(reverse("changes:unit_new"), _unit_new_data(tianhe, business_licence=png()))
    change = ChangeRequest.objects.get()
    r = client_for(reviewer).post(
        reverse("changes:decide", args=[change.number]), {"action": "reject", "reason": ""}
    )
    assert r.status_code == 400 and "必须填写原因" in r.content.decode()
    r = client_for(reviewer).post(
        reverse("changes:decide", args=[change.number]),
        {"action": "reject", "reason": "营业执照不清晰"},
    )
    assert r.status_code == 302
    change.refresh_from_db()
    assert change.status == "rejected" and not Unit.objects.filter(code=change.code).exists()
    assert "营业执照不清晰" in OutboxMessage.objects.get(channel="sms").body
    assert "营业执照不清晰" in client.get(reverse("changes:index")).content.decode()
    assert AuditEvent.objects.filter(event="change.reject").exists()
    # Decided: a second decision is refused.
    again = _approve(reviewer, change.number)
    assert again.status_code == 400 and "已被他人处理" in again.content.decode()


def test_wrong_check_character_names_length_and_format(requester, tianhe):
    code = make_code()
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    r = client_for(requester).post(
        reverse("changes:unit_new"), _unit_new_data(tianhe, code=wrong, business_licence=png())
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert (
        "统一社会信用代码校验位错误" in body
        and "应为18位统一社会信用代码" in body
        and "9位组织机构代码" in body
    )
    assert "广州市星河云算科技有限公司" in body  # nothing typed is lost
    assert not ChangeRequest.objects.exists()


def test_nothing_lost_attachment_kept_in_draft(requester, tianhe):
    client = client_for(requester)
    data = _unit_new_data(tianhe, code="123", business_licence=png("执照.png"))
    r = client.post(reverse("changes:unit_new"), data)
    body = r.content.decode()
    assert r.status_code == 400 and "执照.png" in body and "无需重新选择" in body
    import re

    token = re.search(r'name="draft" value="([^"]+)"', body).group(1)
    data = _unit_new_data(tianhe, draft=token)  # no file this time
    r = client.post(reverse("changes:unit_new"), data)
    assert r.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.folder.owner_kind == "change_request"
    assert change.folder.documents.get().original_name == "执照.png"


def test_draft_of_someone_else_is_ignored(requester, make_user, tianhe):
    import re

    r = client_for(requester).post(
        reverse("changes:unit_new"), _unit_new_data(tianhe, code="1", business_licence=png())
    )
    token = re.search(r'name="draft" value="([^"]+)"', r.content.decode()).group(1)
    other = make_user()
    r = client_for(other).post(reverse("changes:unit_new"), _unit_new_data(tianhe, draft=token))
    assert r.status_code == 400 and "请上传营业执照" in r.content.decode()


def test_existing_code_links_to_unit(requester, make_unit, tianhe):
    unit = make_unit("广州市已登记有限公司")
    r = client_for(requester).post(
        reverse("changes:unit_new"),
        _unit_new_data(tianhe, code=unit.code.lower(), business_licence=png()),
    )
    body = r.content.decode()
    assert r.status_code == 400 and "已登记" in body
    assert reverse("orgs:detail", args=[unit.pk]) in body
    assert not ChangeRequest.objects.exists()


def test_uscc_of_a_unit_registered_with_its_9_character_code(requester, make_unit, tianhe):
    """FAQ 一.6: 提示该单位已存在9位的机构法人码 — link to it and explain the rule."""
    legacy = make_code(legacy=True)
    unit = make_unit("广州市老代码有限公司", code=legacy)
    r = client_for(requester).post(
        reverse("changes:unit_new"),
        _unit_new_data(tianhe, code=uscc_for(legacy), business_licence=png()),
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "不修改为18位代码也可以办理业务" in body
    assert reverse("changes:unit_change") + f"?unit={unit.pk}" in body


def test_similar_names_offered_then_confirmed(requester, make_unit, tianhe):
    make_unit("广州市星河云算科技有限公司")
    client = client_for(requester)
    data = _unit_new_data(tianhe, name="广州星河云算科技有限公司", business_licence=png())
    r = client.post(reverse("changes:unit_new"), data)
    body = r.content.decode()
    assert (
        r.status_code == 400 and "是否是以下单位？" in body and "广州市星河云算科技有限公司" in body
    )
    assert not ChangeRequest.objects.exists()
    data.pop("business_licence")
    import re

    data["draft"] = re.search(r'name="draft" value="([^"]+)"', body).group(1)
    data["confirm_new"] = "on"
    assert client.post(reverse("changes:unit_new"), data).status_code == 302


def test_missing_licence_refused(requester, tianhe):
    r = client_for(requester).post(reverse("changes:unit_new"), _unit_new_data(tianhe))
    assert r.status_code == 400 and "请上传营业执照" in r.content.decode()


def test_wrong_file_type_and_size_refused(requester, tianhe, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SimpleUploadedFile("licence.png", b"hello, not an image" * 10, content_type="image/png")
    r = client_for(requester).post(
        reverse("changes:unit_new"), _unit_new_data(tianhe, business_licence=text)
    )
    assert r.status_code == 400 and "只能上传 JPEG、PNG、PDF" in r.content.decode()
    settings.RENCAI_UPLOAD_MAX_BYTES = 40
    r = client_for(requester).post(
        reverse("changes:unit_new"), _unit_new_data(tianhe, business_licence=png())
    )
    body = r.content.decode()
    assert r.status_code == 400 and "不能超过" in body and "MB" in body
    assert not ChangeRequest.objects.exists()


# --- 修改单位信息 (FAQ 一.6) -------------------------------------------------------------------


def test_rename_keeping_9_character_code(requester, reviewer, make_unit):
    legacy = make_code(legacy=True)
    unit = make_unit("广州市旧名称有限公司", code=legacy)
    client = client_for(requester)
    data = {
        "unit": unit.pk,
        "new_name": "广州市新名称有限公司",
        "new_code": "",
        "business_licence": png(),
    }
    r = client.post(reverse("changes:unit_change"), data)
    assert (
        r.status_code == 400 and "准予变更" in r.content.decode()
    )  # the change notice is required
    assert not ChangeRequest.objects.exists()
    data = {
        "unit": unit.pk,
        "new_name": "广州市新名称有限公司",
        "business_licence": png(),
        "change_notice": png("n.png"),
    }
    assert client.post(reverse("changes:unit_change"), data).status_code == 302
    change = ChangeRequest.objects.get()
    assert change.code == legacy and change.before == {
        "name": "广州市旧名称有限公司",
        "code": legacy,
    }
    assert _approve(reviewer, change.number).status_code == 302
    unit.refresh_from_db()
    assert unit.name == "广州市新名称有限公司" and unit.code == legacy  # one identity
    assert UnitNameHistory.objects.filter(unit=unit, name="广州市旧名称有限公司").exists()
    assert [r.unit.pk for r in unit_search(q="旧名称").results] == [unit.pk]


def test_code_9_to_18_needs_licence_and_notice_and_takes_3_workdays(requester, reviewer, make_unit):
    from rencai.workdays.calendar import deadline_for

    legacy = make_code(legacy=True)
    unit = make_unit("广州市升级代码有限公司", code=legacy)
    client = client_for(requester)
    new = uscc_for(legacy)
    r = client.post(
        reverse("changes:unit_change"), {"unit": unit.pk, "new_code": new, "change_notice": png()}
    )
    assert r.status_code == 400 and "营业执照" in r.content.decode()
    r = client.post(
        reverse("changes:unit_change"),
        {"unit": unit.pk, "new_code": new, "business_licence": png(), "change_notice": png()},
    )
    assert r.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.due_date == deadline_for(change.submitted_at, 3).due_date
    _approve(reviewer, change.number)
    unit.refresh_from_db()
    assert unit.code == new and unit.name == "广州市升级代码有限公司"
    assert [r.unit.pk for r in unit_search(q=legacy).results] == [unit.pk]
    assert AuditEvent.objects.filter(event="unit.code", object_id=str(unit.pk)).exists()


def test_no_change_and_18_to_9_refused(requester, make_unit):
    unit = make_unit("广州市不变有限公司")
    client = client_for(requester)
    r = client.post(
        reverse("changes:unit_change"), {"unit": unit.pk, "new_name": "", "new_code": ""}
    )
    assert r.status_code == 400 and "无需申请" in r.content.decode()
    r = client.post(
        reverse("changes:unit_change"),
        {
            "unit": unit.pk,
            "new_code": make_code(legacy=True),
            "business_licence": png(),
            "change_notice": png(),
        },
    )
    assert r.status_code == 400 and "不能把18位统一社会信用代码改回9位" in r.content.decode()


def test_new_code_of_another_unit_links_to_it(requester, make_unit):
    unit = make_unit("广州市甲有限公司", code=make_code(legacy=True))
    other = make_unit("广州市乙有限公司")
    r = client_for(requester).post(
        reverse("changes:unit_change"),
        {
            "unit": unit.pk,
            "new_code": other.code,
            "business_licence": png(),
            "change_notice": png(),
        },
    )
    assert r.status_code == 400 and reverse("orgs:detail", args=[other.pk]) in r.content.decode()


def test_picker_search_submit_does_not_submit(requester, make_unit):
    make_unit("广州市选择测试有限公司")
    r = client_for(requester).post(
        reverse("changes:unit_change"),
        {"unit_q": "选择测试", "unit_search": "1", "new_name": "新名"},
    )
    body = r.content.decode()
    assert (
        r.status_code == 200
        and "广州市选择测试有限公司" in body
        and not ChangeRequest.objects.exists()
    )
    assert "请修改以下内容" not in body
