"""The case page: actions the table allows now, reasons, conflicts, audited reveal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.cases.models import Case, CaseEvent, ChainStep
from rencai.cases.services import STALE, case_transition, deadlines_fire
from rencai.core import clock
from rencai.notify.models import OutboxMessage
from tests.cases.factories import new_case, place


def _submitted(world) -> Case:
    case = new_case(world)
    return case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)


def _act(client, case, action, reason="", version=None, **extra):
    case.refresh_from_db()
    data = {
        "action": action,
        f"{action}-action": action,
        f"{action}-expected_version": version if version is not None else case.version,
        f"{action}-reason": reason,
        **extra,
    }
    return client.post(reverse("backoffice:case_act", args=[case.number]), data)


def _buttons(client, case) -> list[str]:
    response = client.get(reverse("backoffice:case", args=[case.number]))
    assert response.status_code == 200
    return [a.label for a, _form in response.context["action_forms"]]


def test_accept_then_review_chain_to_public_notice(world, as_office):
    case = _submitted(world)
    client = as_office("district-440106")
    assert _buttons(client, case) == ["受理", "退回修改", "改派受理机构"]
    response = _act(client, case, "accept")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "under_review" and case.chain_step == world.review_steps[0]
    # Step 1 (经办): no 「退回上一步」 yet; the last step's approve reads 「审批通过」.
    assert _buttons(client, case) == ["审核通过", "退回修改", "不予通过"]
    assert _act(client, case, "approve", "材料齐全").status_code == 302
    assert "退回上一步" in _buttons(client, case)
    assert _act(client, case, "approve").status_code == 302
    case.refresh_from_db()
    assert case.chain_step == world.review_steps[2]
    assert _buttons(client, case)[0] == "审批通过"
    assert _act(client, case, "approve").status_code == 302
    case.refresh_from_db()
    assert case.status == "in_notice"
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["submit", "accept", "approve", "approve", "approve"]
    assert AuditEvent.objects.filter(event="case.approve", object_id=str(case.pk)).count() == 3


def test_send_back_a_step_needs_a_reason(world, as_office):
    case = place(_submitted(world), "under_review", step=world.review_steps[1])
    client = as_office("district-440106")
    refused = _act(client, case, "send_back_step")
    assert refused.status_code == 400
    assert "「退回上一步」须填写意见或原因" in refused.content.decode()
    case.refresh_from_db()
    assert case.chain_step == world.review_steps[1]
    assert _act(client, case, "send_back_step", "复核：学历证明不清晰").status_code == 302
    case.refresh_from_db()
    assert case.chain_step == world.review_steps[0]
    assert CaseEvent.objects.filter(case=case, reason="复核：学历证明不清晰").exists()


def test_reject_without_reason_is_refused_then_with_reason_decides(world, as_office):
    case = place(_submitted(world), "under_review", step=world.review_steps[0])
    client = as_office("district-440106")
    refused = _act(client, case, "reject", "   ")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "「不予通过」须填写意见或原因" in html and "has-error" in html
    case.refresh_from_db()
    assert case.status == "under_review"
    assert _act(client, case, "reject", "不符合引进条件").status_code == 302
    case.refresh_from_db()
    assert case.status == "rejected" and case.decided_at is not None
    sms = OutboxMessage.objects.filter(body__contains="不符合引进条件")
    assert sms.exists()


def test_return_goes_back_to_the_applicant_and_resubmission_restarts_the_clock(world, as_office):
    start = clock.now()
    case = _submitted(world)
    first_due = case.due_at
    client = as_office("district-440106")
    assert _act(client, case, "return").status_code == 400
    response = _act(client, case, "return", "劳动合同缺少签章页")
    assert response.status_code == 302 and response.url == reverse("backoffice:index")
    case.refresh_from_db()
    assert case.status == "returned" and case.holding_office is None
    assert case.due_action == "correction_remind"  # the applicant's correction clock
    assert OutboxMessage.objects.filter(body__contains="劳动合同缺少签章页").exists()
    assert client.get(reverse("backoffice:case", args=[case.number])).status_code == 404

    clock.advance(timedelta(days=10))
    case = case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert case.status == "awaiting_acceptance"
    assert case.submitted_at >= start + timedelta(days=10)
    from rencai.workdays.calendar import deadline_for

    assert case.due_at == deadline_for(case.submitted_at, 5).fires_at > first_due


def test_two_officials_at_once_the_second_gets_a_conflict(world, as_office):
    case = _submitted(world)
    first = as_office("district-440106")
    from rencai.accounts.models import RoleGrant
    from rencai.accounts.roles import ActingAs
    from tests.backoffice.conftest import office_client
    from tests.cases.factories import person

    colleague = person("同事")
    grant = RoleGrant.objects.create(user=colleague, role="official", office=case.holding_office)
    second = office_client(colleague, ActingAs(grant))
    version = case.version
    assert _act(first, case, "accept", version=version).status_code == 302
    response = _act(second, case, "return", "材料不全", version=version)
    assert response.status_code == 409
    assert str(STALE) in response.content.decode()
    case.refresh_from_db()
    assert case.status == "under_review"
    assert not CaseEvent.objects.filter(case=case, action="return").exists()


def test_full_id_number_is_a_deliberate_audited_post(world, as_office):
    case = _submitted(world)
    client = as_office("district-440106")
    full = world.applicant.reveal_id_number()
    page = client.get(reverse("backoffice:case", args=[case.number]))
    html = page.content.decode()
    assert full not in html and world.applicant.id_number_masked in html
    assert "查看完整身份证号" in html
    assert AuditEvent.objects.filter(event="pii.case_view", object_id=str(case.pk)).count() == 1
    assert client.get(reverse("backoffice:case_reveal", args=[case.number])).status_code == 405
    revealed = client.post(reverse("backoffice:case_reveal", args=[case.number]))
    assert revealed.status_code == 200 and full in revealed.content.decode()
    assert revealed["Cache-Control"] == "no-store"
    user, _acting = world.officials["district-440106"]
    event = AuditEvent.objects.get(event="pii.reveal_id_number")
    assert event.actor == user and event.object_id == str(case.pk)
    assert full not in event.detail


def test_system_acceptance_shows_in_history(world, as_office):
    case = _submitted(world)
    clock.advance(timedelta(days=12))
    assert deadlines_fire(batch=10) == 1
    client = as_office("district-440106")
    html = client.get(reverse("backoffice:case", args=[case.number])).content.decode()
    assert "系统自动受理" in html


def test_step_assigned_to_others_shows_why_and_no_buttons(world, as_office):
    step = world.review_steps[0]
    ChainStep.objects.filter(pk=step.pk).update(any_staff=False)
    case = place(_submitted(world), "under_review", step=step)
    client = as_office("district-440106")
    response = client.get(reverse("backoffice:case", args=[case.number]))
    assert response.context["action_forms"] == []
    assert "由指定人员办理" in response.content.decode()
    assert _act(client, case, "approve").status_code == 409


@pytest.fixture
def files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "test.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (tmp_path / "previews").mkdir()
    (tmp_path / "previews" / "p.jpg").write_bytes(b"\xff\xd8\xffjpeg")
    return tmp_path


def test_attachments_with_previews_are_served_to_the_holding_office_and_audited(
    world, as_office, files
):
    case = _submitted(world)
    document = case.folder.documents.first()
    type(document).objects.filter(pk=document.pk).update(preview="previews/p.jpg")
    client = as_office("district-440106")
    page = client.get(reverse("backoffice:case", args=[case.number])).content.decode()
    preview_url = reverse(
        "backoffice:case_document", args=[case.number, document.public_id, "preview"]
    )
    assert preview_url in page
    response = client.get(preview_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert AuditEvent.objects.filter(event="pii.document_view").count() == 1
    other = as_office("district-440105")
    assert other.get(preview_url).status_code == 404


def test_reroute_a_misfiled_case_to_another_district_through_the_case_page(world, as_office):
    from rencai.orgs.models import Office

    case = _submitted(world)  # 天河区 window (the unit's registered district)
    yuexiu = Office.objects.get(code="district-440104")
    client = as_office("district-440106")
    refused = _act(client, case, "reroute", "", target_office=yuexiu.pk)
    assert refused.status_code == 400 and "须填写意见或原因" in refused.content.decode()
    case.refresh_from_db()
    assert case.holding_office.code == "district-440106"
    response = _act(client, case, "reroute", "单位实际办公地在越秀区", target_office=yuexiu.pk)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_acceptance" and case.holding_office == yuexiu
    assert case.acceptance_office == yuexiu and case.due_action == "auto_accept"
    event = CaseEvent.objects.get(case=case, action="reroute")
    assert event.reason == "单位实际办公地在越秀区"
    audit = AuditEvent.objects.filter(event="case.reroute", object_id=str(case.pk)).get()
    assert "单位实际办公地在越秀区" in audit.detail
    sms = OutboxMessage.objects.filter(recipient=world.applicant.mobile, body__contains="已改由")
    assert sms.count() == 1 and yuexiu.name in sms.get().body
    # The old window no longer holds it: its page is a 404 now; the new one sees it.
    assert client.get(reverse("backoffice:case", args=[case.number])).status_code == 404
    assert (
        as_office("district-440104").get(reverse("backoffice:case", args=[case.number])).status_code
        == 200
    )
