import pytest

from rencai.accounts.middleware import LOGIN_AT
from rencai.accounts.roles import SESSION_KEY
from rencai.backoffice.totp import SESSION_VERIFIED
from tests.backoffice.second_factor import mark_second_factor_passed
from tests.cases.factories import new_case

pytestmark = pytest.mark.urls("tests.cases.api_urls")


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_workflow_table_is_public(client):
    rows = client.get("/api/cases/workflow").json()
    assert {
        "source": "awaiting_acceptance",
        "action": "auto_accept",
        "role": "system",
    }.items() <= next(r for r in rows if r["action"] == "auto_accept").items()


def test_applicant_submits_and_office_accepts_via_api(client, world):
    case = new_case(world)
    client.force_login(world.applicant)
    data = client.get(f"/api/cases/{case.number}").json()
    assert data["status_text"] == "草稿" and [a["action"] for a in data["actions"]] == ["submit"]
    response = _post(
        client, f"/api/cases/{case.number}/transitions", {"action": "submit", "expected_version": 1}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status_text"] == "未受理，等待（广州市天河区人力资源和社会保障局受理）"
    stale = _post(
        client,
        f"/api/cases/{case.number}/transitions",
        {"action": "withdraw", "expected_version": 1},
    )
    assert (
        stale.status_code == 409 and stale.json()["message"] == "该申请已被他人处理，请刷新后重试"
    )

    user, acting_as = world.officials["district-440106"]
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = acting_as.grant.pk
    session.save()
    # Without the officials' second factor the API refuses, like the /office/ pages.
    accept = {"action": "accept", "expected_version": 2}
    refused = _post(client, f"/api/cases/{case.number}/transitions", accept)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client.get(f"/api/cases/{case.number}").status_code == 403
    session = client.session
    session[SESSION_VERIFIED] = session[LOGIN_AT]  # as totp.session_mark_verified does
    session.save()
    response = _post(client, f"/api/cases/{case.number}/transitions", accept)
    assert response.status_code == 200
    assert response.json()["status"] == "under_review"
    forbidden = _post(
        client,
        f"/api/cases/{case.number}/transitions",
        {"action": "notice_pass", "expected_version": 3},
    )
    assert forbidden.status_code == 409 and "不能执行" in forbidden.json()["message"]


def test_strangers_get_404(client, world):
    case = new_case(world)
    stranger, _acting = world.officials["stranger"]
    client.force_login(stranger)
    mark_second_factor_passed(client, stranger)  # past the second factor: then 404
    assert client.get(f"/api/cases/{case.number}").status_code == 404
    assert (
        _post(client, f"/api/cases/{case.number}/transitions", {"action": "submit"}).status_code
        == 404
    )
