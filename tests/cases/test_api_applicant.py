"""The applicant's and the unit admin's JSON API (mounted at /api/cases)."""

from __future__ import annotations

import pytest

from rencai.cases.models import Case, CaseEvent
from rencai.core import clock
from tests.cases.apply_helpers import act_as, catalog, media, png_file, registered
from tests.cases.factories import new_case, person, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]


def _json(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_draft_upload_submit_status_withdraw(client, world):
    client.force_login(world.applicant)
    # A typed name is not a unit reference.
    response = _json(client, "post", "/api/cases/", {"category": "title", "unit": "随便公司"})
    assert response.status_code == 400 and response.json()["field"] == "unit"
    assert not Case.objects.exists()
    response = _json(
        client, "post", "/api/cases/",
        {"category": "title", "unit": world.private.code, "title_series": "hei_teacher",
         "qualification_name": "讲师", "certificate_number": "C-1"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    data = response.json()
    number = data["number"]
    assert data["status_text"] == "草稿" and data["fields"]["title_series"] == "hei_teacher"
    assert data["office"]["name"] == "广州市天河区人力资源和社会保障局"
    assert any("天河区" in step for step in data["route"])
    assert {c["key"]: c["done"] for c in data["checklist"]} == {
        "personal": True, "details": True, "unit": True, "attachments": False,
    }  # fmt: skip
    response = _json(client, "patch", f"/api/cases/{number}", {"unit": "某某公司"})
    assert response.status_code == 400 and response.json()["field"] == "unit"
    response = _json(client, "patch", f"/api/cases/{number}", {"qualification_level": "中级"})
    assert (
        response.status_code == 200 and response.json()["fields"]["qualification_level"] == "中级"
    )

    case = Case.objects.get(number=number)
    for code in ("id_card", "title_cert", "labour_contract", "selfie"):
        response = client.post(
            f"/api/cases/{number}/attachments", {"type_code": code, "file": png_file()}
        )
        assert response.status_code == 201, response.json()
    listed = client.get(f"/api/cases/{number}/attachments").json()
    assert len(listed) == 4 and client.get(listed[0]["preview_url"]).status_code == 200

    first = _json(client, "post", f"/api/cases/{number}/submit", {"expected_version": 1})
    again = _json(client, "post", f"/api/cases/{number}/submit", {"expected_version": 1})
    assert first.status_code == again.status_code == 200
    assert first.json()["replayed"] is False and again.json()["replayed"] is True
    assert CaseEvent.objects.filter(case=case, action="submit").count() == 1
    status = client.get(f"/api/cases/{number}/status").json()
    assert status["status_text"] == "未受理，等待（广州市天河区人力资源和社会保障局受理）"
    assert (
        status["due_remaining_workdays"] is not None and status["history"][0]["action"] == "submit"
    )
    assert [a["action"] for a in status["actions"]] == ["withdraw"]
    assert client.get("/api/cases/").json()[0]["number"] == number

    # Another person: 404 for the case and its attachments.
    client.force_login(person("别人"))
    assert client.get(f"/api/cases/{number}/status").status_code == 404
    assert client.get(listed[0]["preview_url"]).status_code == 404
    assert _json(client, "post", f"/api/cases/{number}/withdraw", {}).status_code == 404

    client.force_login(world.applicant)
    response = _json(
        client,
        "post",
        f"/api/cases/{number}/withdraw",
        {"reason": "单位选错", "expected_version": 2},
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_forbidden_transition_is_409_and_changes_nothing(client, world):
    case = place(new_case(world), "under_review")
    client.force_login(world.applicant)
    response = _json(client, "post", f"/api/cases/{case.number}/withdraw", {"expected_version": 1})
    assert response.status_code == 409 and "不能执行" in response.json()["message"]
    response = _json(
        client, "post", f"/api/cases/{case.number}/transitions",
        {"action": "accept", "expected_version": 1},
    )  # fmt: skip
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == "under_review" and case.version == 1
    response = _json(client, "patch", f"/api/cases/{case.number}", {"certificate_number": "X"})
    assert response.status_code == 409


def test_blocked_person_gets_409_with_the_seed_wording(client, world):
    from rencai.accounts.models import id_number_index
    from rencai.cases.models import HistoricalSettlement

    user, number = registered()
    HistoricalSettlement.objects.create(
        id_number_index=id_number_index(number), year=2015, source="legacy", recorded_at=clock.now()
    )
    client.force_login(user)
    response = _json(client, "post", "/api/cases/", {"category": "title", "unit": world.private.pk})
    assert response.status_code == 409 and response.json()["message"].startswith(
        "已禁止再报，2015年"
    )


def test_unit_admin_api(client, world):
    employee, number = registered()
    client.force_login(world.unit_admin)
    assert _json(client, "post", "/api/cases/unit/lookup", {"id_number": number}).status_code == 400
    act_as(client, world.unit_acting.grant)
    data = _json(client, "post", "/api/cases/unit/lookup", {"id_number": number}).json()
    assert data == {"result": "not_applied", "message": "该人尚未申报",
                    "real_name": None, "cases": []}  # fmt: skip
    response = _json(
        client, "post", "/api/cases/unit/start", {"id_number": number, "category": "skill"}
    )
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert not Case.objects.filter(applicant=employee).exists()
    from rencai.cases.models import UnitInvitation
    from rencai.cases.unit_access import invitation_accept

    started = invitation_accept(person=employee, invitation_id=UnitInvitation.objects.get().pk)
    assert started.created_by == world.unit_admin
    review = place(new_case(world, unit=world.soe), "unit_review")
    worklist = client.get("/api/cases/unit/worklist").json()
    assert [c["number"] for c in worklist["review"]] == [review.number]
    assert [c["number"] for c in worklist["drafts"]] == [started.number]
    response = _json(
        client, "post", f"/api/cases/{review.number}/transitions",
        {"action": "return", "reason": "请补充", "expected_version": review.version},
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "returned"


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/cases/", "/api/cases/{number}", "/api/cases/{number}/status",
                 "/api/cases/{number}/attachments", "/api/cases/{number}/submit",
                 "/api/cases/{number}/withdraw", "/api/cases/unit/lookup",
                 "/api/cases/unit/start", "/api/cases/unit/worklist"):  # fmt: skip
        assert path in paths


def test_the_generic_transitions_endpoint_checks_the_form_like_submit(client, world):
    """The form is a guard of the table: /transitions cannot skip it (project API, CSRF on)."""
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    for url, body in (
        (f"/api/cases/{case.number}/transitions", {"action": "submit", "expected_version": 1}),
        (f"/api/cases/{case.number}/submit", {"expected_version": 1}),
    ):
        response = _json(client, "post", url, body)
        assert response.status_code == 409, response.json()
        assert "职称系列、资格名称、证书编号" in response.json()["message"]
    case.refresh_from_db()
    assert case.status == "draft" and case.version == 1


def test_unit_admin_cannot_read_the_applicants_private_draft_through_any_endpoint(client, world):
    case = new_case(world, unit=world.soe)
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    assert client.get(f"/api/cases/{case.number}").status_code == 404
    assert client.get(f"/api/cases/{case.number}/status").status_code == 404
    response = _json(client, "post", f"/api/cases/{case.number}/transitions", {"action": "forward"})
    assert response.status_code == 404
    # Once the applicant submits it, the unit sees it.
    place(case, "unit_review")
    assert client.get(f"/api/cases/{case.number}").status_code == 200
