"""Labels built in Python (workflow actions and roles, deadlines, route, acting-as) follow
the viewer's language; the records written meanwhile (history, audit, SMS) and
docs/workflow.md stay Chinese."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from rencai.audit.models import AuditEvent
from rencai.cases import workflow
from rencai.cases.models import Case, CaseEvent
from rencai.cases.selectors import case_actions_for, case_deadline
from rencai.core import clock
from rencai.notify.models import OutboxMessage
from tests.cases.apply_helpers import act_as, catalog, fill_title, media
from tests.cases.factories import new_case, place
from tests.cases.test_deadlines import MONDAY

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]
TIANHE = "广州市天河区人力资源和社会保障局"
WAITING_ZH = f"未受理，等待（{TIANHE}受理）"


def _english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_status_page_in_english_and_the_history_written_meanwhile_stays_chinese(client, world):
    case = new_case(world)  # a private company: straight to the Tianhe district window
    fill_title(case)
    client.force_login(world.applicant)
    _english(client)
    with clock.frozen(MONDAY):
        response = client.post(
            f"/cases/{case.number}/act/", {"action": "submit", "expected_version": case.version}
        )
        assert response.status_code == 302
        page = client.get(f"/cases/{case.number}/").content.decode()

    assert '<html lang="en">' in page
    # the button, the deadline, the status, the acting-as label: English
    assert ">Withdraw application</button>" in page and "撤回申请" not in page
    assert (
        "Acceptance deadline: until 9 March 2026 (5 working days left); if not accepted or "
        "returned by then, the system accepts it on the next working day" in page
    )
    assert "剩余" not in page and "工作日" not in page
    assert f"Not yet accepted, waiting for ({TIANHE}) to accept" in page
    assert "Current role: <strong>Individual</strong>" in page  # acting as: personal
    # the history row: the action label is shown in English, its stored text as written
    assert ">Submit</td>" in page
    assert WAITING_ZH in page

    # The records written during the English request are Chinese.
    event = CaseEvent.objects.get(case=case, action="submit")
    assert event.status_text == WAITING_ZH and event.acting_as == "个人"
    audit = AuditEvent.objects.get(event="case.submit", object_id=str(case.pk))
    assert audit.acting_as == "个人"
    sms = OutboxMessage.objects.get(recipient=world.applicant.mobile)
    assert "受理" in sms.body and "accept" not in sms.body.lower()


def test_switching_role_in_english_records_chinese(client, world):
    client.force_login(world.unit_admin)
    _english(client)
    response = client.post("/accounts/switch/", {"grant": "personal"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Switched to: Individual" in page and "Current role: <strong>Individual</strong>" in page
    audit = AuditEvent.objects.filter(event="role.switch").latest("id")
    assert audit.acting_as == "个人" and audit.detail == "to=个人"
    assert client.session["acting_as_label"] == "个人"


def test_unit_admin_forwarding_in_english_keeps_the_history_chinese(client, world):
    case = new_case(world, unit=world.soe)
    fill_title(case)
    place(case, "unit_review")
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    _english(client)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert ">Approve and submit as employer</button>" in page
    assert ">Return for changes</button>" in page
    case.refresh_from_db()
    response = client.post(
        f"/cases/{case.number}/act/", {"action": "forward", "expected_version": case.version}
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, action="forward")
    assert event.acting_as == world.soe.name
    assert event.status_text.startswith("主管部门审核中（第1步：")


def test_action_labels_in_both_languages(world):
    case = place(new_case(world), "awaiting_acceptance")
    with translation.override("en"):
        labels = {a.action: a.label for a in case_actions_for(case=case, role="office")}
        roles = {key: str(label) for key, label in workflow.Role.LABELS.items()}
    assert labels == {
        "accept": "Accept",  # the action; the status word 受理 stays "Accepted"
        "return": "Return for changes",
        "reroute": "Reassign accepting office",
    }
    assert roles == {
        "applicant": "Applicant",
        "unit_admin": "Employer administrator",
        "office": "Office staff",
        "system": "System",
    }
    with translation.override("zh-hans"):
        labels = {a.action: a.label for a in case_actions_for(case=case, role="office")}
    assert labels == {"accept": "受理", "return": "退回修改", "reroute": "改派受理机构"}
    with translation.override("en"):
        assert str(workflow.ACTION_LABELS["reject"]) == "Reject"
        assert str(Case.Status("rejected").label) == "Rejected"
        final = [t for t in workflow.TRANSITIONS if t.label]
        assert [t.action_label for t in final] == ["Give final approval"]
    for label in (*workflow.ACTION_LABELS.values(), *workflow.Role.LABELS.values()):
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        assert english != chinese and english.isascii(), chinese


@pytest.mark.parametrize(
    ("days", "english", "chinese"),
    [
        (
            0,
            "Notice period: until 9 March 2026 (5 working days left)",
            "公示期至2026年03月09日，剩余5个工作日",
        ),
        (
            4,
            "Notice period: until 9 March 2026 (1 working day left)",
            "公示期至2026年03月09日，剩余1个工作日",
        ),
        (7, "Notice period: until today (9 March 2026)", "公示期至今天（2026年03月09日）"),
        (8, "Notice period: ended on 9 March 2026", "公示期已于2026年03月09日届满"),
    ],
)
def test_deadline_phrase(world, days, english, chinese):
    case = place(new_case(world), "in_notice", due_action="notice_pass")
    case.due_date = MONDAY.date() + timedelta(days=7)
    with clock.frozen(MONDAY + timedelta(days=days)):
        with translation.override("en"):
            assert case_deadline(case).text == english
        with translation.override("zh-hans"):
            assert case_deadline(case).text == chinese


def test_no_deadline_and_route_in_english(world):
    from rencai.cases.routing import route_describe

    # A case paused by an objection waits on the objection's clock, not its own.
    case = place(new_case(world), "objection", due_at=None, due_date=None, due_action="")
    with translation.override("en"):
        assert case_deadline(case).text == "No time limit at this step"
        direct = route_describe(world.private)
        via = route_describe(world.soe)
    assert direct[0] == "Application filled in and submitted by the applicant"
    assert direct[1].startswith(f"Acceptance by {TIANHE} (")
    assert direct[1].endswith("accepted automatically on the 6th working day")
    assert "step 1: 处室初审, step 2: 分管领导审核" in via[2]
    assert all("工作日" not in line for line in direct + via)


def test_the_workflow_doc_stays_chinese_when_generated_in_english():
    from rencai.cases.docs import workflow_markdown

    committed = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
    with translation.override("en"):
        assert workflow_markdown() == committed
    assert "| `awaiting_acceptance` | `accept` 受理 | 办理机构工作人员 |" in committed
