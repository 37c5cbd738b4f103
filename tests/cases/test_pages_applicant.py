"""The applicant's pages: start, draft sections, attachments, checklist, route, submit,
status page, withdrawal, permissions."""

from __future__ import annotations

import pytest

from rencai.cases import workflow
from rencai.cases.models import Case, CaseEvent
from rencai.documents.models import Document
from rencai.notify.models import OutboxMessage
from tests.cases.apply_helpers import catalog, media, png_file, upload_required
from tests.cases.factories import new_case, person, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]
TIANHE = "广州市天河区人力资源和社会保障局"


def test_full_draft_flow_route_before_submit_and_idempotent_submit(client, world):
    client.force_login(world.applicant)
    assert client.get("/cases/new/").status_code == 200
    # A free-typed unit name is refused: nothing is created.
    response = client.post("/cases/new/", {"category": "title", "unit": "某某随便写的公司"})
    assert response.status_code == 400 and "不能手动填写单位名称" in response.content.decode()
    assert not Case.objects.exists()
    response = client.post("/cases/new/", {"category": "title", "unit": world.private.code})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/edit/"
    assert case.applicant == world.applicant and case.unit == world.private

    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert world.applicant.real_name in page and world.applicant.id_number_masked in page
    assert "未上传" in page and "送审前检查" in page
    # 资格名称: suggestions to pick from, any name may still be typed (FAQ 一.14).
    assert 'list="id_qualification_name-suggestions"' in page
    assert '<datalist id="id_qualification_name-suggestions">' in page
    assert '<option value="正高级工程师">' in page
    # The route is visible before submission.
    assert f"{TIANHE}受理" in page and "第6个工作日自动受理" in page

    from rencai.catalog.models import TitleSeries

    series = TitleSeries.objects.get(code="hei_teacher")
    response = client.post(
        f"/cases/{case.number}/edit/",
        {
            "section": "details",
            "title_series": series.pk,
            "qualification_name": "自定义资格名称（列表中没有）",
            "qualification_level": "中级",
            "certificate_number": "Z-001",
            "certificate_date": "2020-05-01",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title_series == series and case.qualification_name == "自定义资格名称（列表中没有）"

    # Submitting with attachments missing: refused, the checklist says what is missing.
    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "submit", "expected_version": case.version},
        follow=True,
    )
    # post/redirect/get: the draft opens with the error summary, every item a link.
    assert response.redirect_chain == [(f"/cases/{case.number}/edit/?refused=1#error-summary", 302)]
    assert (
        "身份证" in response.content.decode() and 'id="error-summary"' in response.content.decode()
    )
    upload_required(client, case)
    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert page.count("case-thumb") == 4 and "未上传</span>" not in page
    document = Document.objects.filter(folder=case.folder).first()
    preview = client.get(f"/files/{document.public_id}/preview/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"

    # A double click: two POSTs with the same version submit once.
    for _ in range(2):
        response = client.post(
            f"/cases/{case.number}/act/", {"action": "submit", "expected_version": 1}
        )
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_acceptance" and case.version == 2
    assert CaseEvent.objects.filter(case=case, action="submit").count() == 1
    sms = OutboxMessage.objects.filter(recipient=world.applicant.mobile)
    assert sms.count() == 1 and case.number in sms.get().body
    assert world.applicant.reveal_id_number() not in sms.get().body

    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f"未受理，等待（{TIANHE}受理）" in page
    assert 'href="tel:02038470847"' in page and "广州市天河区海欣街22号" in page
    from rencai.core import clock
    from rencai.workdays.calendar import remaining_workdays

    remaining = remaining_workdays(case.due_date, clock.today())
    assert 1 <= remaining <= 5
    assert f"{case.due_date:%Y年%m月%d日}，剩余{remaining}个工作日" in page
    assert "撤回申请" in page


def test_reupload_replaces_and_keeps_history(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    for color in ((1, 2, 3), (4, 5, 6)):
        client.post(
            f"/cases/{case.number}/attachments/",
            {"type_code": "id_card", "file": png_file(color=color)},
        )
    docs = Document.objects.filter(folder=case.folder, type_code="id_card")
    assert docs.count() == 2 and docs.filter(superseded_at__isnull=True).count() == 1
    assert "已替换的旧版本" in client.get(f"/cases/{case.number}/edit/").content.decode()


def test_upload_sniffs_type_and_shows_error_next_to_field(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("scan.pdf", b"not really a pdf" * 10, content_type="application/pdf")
    response = client.post(
        f"/cases/{case.number}/attachments/", {"type_code": "id_card", "file": fake}
    )
    assert response.status_code == 400
    assert (
        "has-error" in response.content.decode() and "附件格式不支持" in response.content.decode()
    )


@pytest.mark.parametrize("state", workflow.STATES)
def test_status_page_is_never_blank(client, world, state):
    case = place(new_case(world, unit=world.soe), state)
    client.force_login(world.applicant)
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    import re

    status = re.search(r'<strong class="case-status">(.*?)</strong>', html).group(1)
    office = re.search(r'<dd class="office-name">(.*?)</dd>', html).group(1)
    holder = re.search(r'<dd class="case-holder">(.*?)</dd>', html).group(1)
    assert status.strip() and office.strip() and holder.strip()
    assert "办公时间" in html


def test_pages_of_another_person_are_404(client, world):
    case = new_case(world)
    other = person("别人")
    client.force_login(other)
    document = Document.objects.filter(folder=case.folder).first()
    for url in (f"/cases/{case.number}/", f"/cases/{case.number}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{case.number}/act/", {"action": "withdraw"}).status_code == 404
    response = client.post(
        f"/cases/{case.number}/attachments/", {"type_code": "id_card", "file": png_file()}
    )
    assert response.status_code == 404
    assert client.get(f"/files/{document.public_id}/preview/").status_code == 404
    assert client.get("/cases/RC2099-999999/").status_code == 404
    client.logout()
    assert client.get(f"/cases/{case.number}/").status_code == 302  # to the login page


def test_unit_admin_does_not_see_the_applicants_own_draft(client, world):
    from tests.cases.apply_helpers import act_as

    case = new_case(world, unit=world.soe)
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    assert client.get(f"/cases/{case.number}/").status_code == 404


def test_free_typed_unit_by_hand_made_post_on_the_draft(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    for value in ("广州市随便有限公司", "99999999", ""):
        response = client.post(f"/cases/{case.number}/edit/", {"section": "unit", "unit": value})
        assert response.status_code == 400
    case.refresh_from_db()
    assert case.unit == world.private
    response = client.post(f"/cases/{case.number}/edit/", {"section": "unit", "unit": world.soe.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit == world.soe


def test_withdraw_reopen_resubmit_and_employer_change_only_for_the_natures_in_the_table(
    client, world
):
    client.force_login(world.applicant)
    # Private company: withdraw before acceptance, reopen and resubmit — same employer.
    private = place(new_case(world), "awaiting_acceptance")
    response = client.post(
        f"/cases/{private.number}/act/",
        {"action": "withdraw", "expected_version": private.version, "reason": "材料有误"},
    )
    assert response.status_code == 302
    private.refresh_from_db()
    assert private.status == "withdrawn"
    response = client.post(
        f"/cases/{private.number}/act/", {"action": "reopen", "expected_version": private.version}
    )
    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    private.refresh_from_db()
    assert private.status == "draft" and not private.unit_changeable
    response = client.post(
        f"/cases/{private.number}/edit/", {"section": "unit", "unit": world.soe.pk}
    )
    page = response.content.decode()
    assert "撤回后仅事业单位、市属国有企业的申请可更换引进单位" in page
    private.refresh_from_db()
    assert private.unit == world.private
    response = client.post(
        f"/cases/{private.number}/act/", {"action": "submit", "expected_version": private.version}
    )
    assert response.status_code == 302
    private.refresh_from_db()
    assert private.status == "awaiting_acceptance"
    # City SOE: reopen, then change the employer.
    # (world.applicant's first case is open again: one open case each, so another person)
    soe = place(new_case(world, unit=world.soe), "unit_review")
    client.force_login(soe.applicant)
    client.post(f"/cases/{soe.number}/act/", {"action": "withdraw", "expected_version": 1})
    soe.refresh_from_db()
    response = client.post(
        f"/cases/{soe.number}/act/", {"action": "reopen", "expected_version": soe.version}
    )
    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    response = client.post(
        f"/cases/{soe.number}/edit/", {"section": "unit", "unit": world.private.pk}
    )
    assert response.status_code == 302
    soe.refresh_from_db()
    assert soe.status == "draft" and soe.unit == world.private
    sms = OutboxMessage.objects.filter(body__contains="已撤回")
    assert sms.count() == 2


def test_accepted_case_cannot_be_withdrawn_by_a_hand_made_post(client, world):
    case = place(new_case(world), "under_review")
    client.force_login(world.applicant)
    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "withdraw", "expected_version": case.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/cases/{case.number}/#actions-h"
    assert "不能执行" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "under_review"


def test_education_catalogue_and_pending_request(client, world):
    from rencai.catalog.models import Institution, Major
    from rencai.changes.models import ChangeRequest
    from rencai.core import clock
    from rencai.documents.services import folder_create
    from rencai.orgs.models import Office

    school = Institution.objects.create(moe_code="4144010001", name="测试理工大学", level="本科")
    major = Major.objects.create(
        code="080901", name="计算机科学与技术", discipline_code="08", discipline="工学",
        category_code="0809", category="计算机类", level="undergraduate",
    )  # fmt: skip
    case = new_case(world, attach=False)
    Case.objects.filter(pk=case.pk).update(category="education")
    client.force_login(world.applicant)
    # The search works without JavaScript: the button re-renders with radio choices.
    page = client.post(
        f"/cases/{case.number}/edit/",
        {"section": "details", "institution_q": "测试理工", "institution_search": "1"},
    ).content.decode()
    assert f'value="{school.pk}"' in page and "测试理工大学" in page
    response = client.post(
        f"/cases/{case.number}/edit/",
        {
            "section": "details", "education_level": "bachelor", "institution": school.pk,
            "major": major.pk, "institution_name": "手填的被忽略", "graduation_date": "2015-07-01",
            "diploma_number": "D1",
        },
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.institution == school and case.major == major and case.institution_name == ""
    # Below 大专: free text, catalogue choices dropped.
    client.post(
        f"/cases/{case.number}/edit/",
        {"section": "details", "education_level": "senior", "institution_name": "某某中专"},
    )
    case.refresh_from_db()
    assert case.institution is None and case.institution_name == "某某中专"
    # A pending 增加院校 request: shown, and the checklist says the draft waits for it.
    client.post(f"/cases/{case.number}/edit/", {"section": "details", "education_level": "master"})
    ChangeRequest.objects.create(
        number="BG2026-000001", kind="institution_new", requester=world.applicant,
        office=Office.objects.get(code="data-centre"), folder=folder_create(owner_kind="change"),
        name="新设大学", submitted_at=clock.now(), due_date=clock.today(), due_at=clock.now(),
    )  # fmt: skip
    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert "BG2026-000001" in page and "待审核" in page
    assert "等待“增加院校”申请BG2026-000001审核" in page


def test_officials_use_the_back_office_not_these_pages(client, world):
    from tests.backoffice.second_factor import mark_second_factor_passed
    from tests.cases.apply_helpers import act_as

    case = place(new_case(world), "awaiting_acceptance")
    user, acting = world.officials["district-440106"]
    client.force_login(user)
    act_as(client, acting.grant)
    mark_second_factor_passed(client, user)
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 302 and response["Location"].startswith("/office/cases/")
    response = client.post(
        f"/cases/{case.number}/act/", {"action": "accept", "expected_version": case.version}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "awaiting_acceptance"


def test_status_page_shows_the_history_with_reasons_and_the_provisional_badge(client, world):
    from rencai.cases.services import case_transition

    case = new_case(world)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    office, office_as = world.officials["district-440106"]
    case_transition(
        case=case, action="return", actor=office, acting_as=office_as,
        reason="劳动合同页码不全，请补充第3页",
    )  # fmt: skip
    client.force_login(world.applicant)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "劳动合同页码不全，请补充第3页" in page  # the reason, in the history
    assert page.count("<tr") >= 3 and "退回修改" in page and "送审" in page
    assert TIANHE in page  # who returned it
    # A deadline computed on a provisional calendar carries the badge and its reason.
    case.refresh_from_db()
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    Case.objects.filter(pk=case.pk).update(due_provisional=True)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "badge-warn" in page and "暂定" in page and "节假日安排尚未公布" in page


def test_details_autosave_answers_json_and_keeps_what_was_typed(client, world):
    from rencai.catalog.models import TitleSeries

    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    page = client.get(f"/cases/{case.number}/edit/").content.decode()
    assert f'data-autosave="/cases/{case.number}/edit/"' in page
    series = TitleSeries.objects.get(code="engineer")
    header = {"HTTP_X_RENCAI_AUTOSAVE": "1"}
    body = {"section": "details", "title_series": series.pk, "qualification_name": "高级工程师"}
    response = client.post(f"/cases/{case.number}/edit/", body, **header)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert "已自动保存" in response.json()["message"]
    case.refresh_from_db()
    assert case.title_series == series and case.qualification_name == "高级工程师"
    # A half-typed date is not saved over what is stored; the answer names the field.
    response = client.post(
        f"/cases/{case.number}/edit/", {**body, "certificate_date": "2020-13"}, **header
    )
    data = response.json()
    assert response.status_code == 400 and data["ok"] is False
    assert "尚未保存" in data["message"] and "certificate_date" in data["errors"]
    case.refresh_from_db()
    assert case.qualification_name == "高级工程师" and case.version == 1
    # Someone else's case: 404, not JSON.
    other = new_case(world, attach=False)
    client.force_login(person("路人"))
    assert client.post(f"/cases/{other.number}/edit/", body, **header).status_code == 404
