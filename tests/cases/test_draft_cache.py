"""Issue #15: the draft page whole from the shared cache (rencai.cases.draft_cache). Each
test views the draft (now cached), changes one thing it shows, and views it again: the
change shows at once. The draft tests of issue #11 run here again with the cache on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rencai.accounts.models import RoleGrant
from rencai.cases.models import Case
from rencai.catalog.models import TitleSeries
from rencai.documents.models import Document
from tests.cases import test_draft_unit_request
from tests.cases.apply_helpers import catalog, csrf_client, form_token, media, png_file
from tests.cases.factories import new_case
from tests.cases.test_draft_unit_request import applicant, reviewer  # noqa: F401 (fixtures)
from tests.cases.test_status_cache import status_cache_on  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "catalog", "status_cache_on")]
__all__ = ["catalog", "media"]

# Issue #11 with the cache on: the pending 新增单位 request, its approval and rejection.
test_pending_request_is_a_choice_and_the_draft_waits_for_it = (
    test_draft_unit_request.test_pending_request_is_a_choice_and_the_draft_waits_for_it
)
test_rejected_request_keeps_the_draft_and_says_what_to_do = (
    test_draft_unit_request.test_rejected_request_keeps_the_draft_and_says_what_to_do
)
test_a_draft_switches_between_a_unit_and_its_pending_request = (
    test_draft_unit_request.test_a_draft_switches_between_a_unit_and_its_pending_request
)


def _edit(client, case, query: str = "") -> str:
    response = client.get(f"/cases/{case.number}/edit/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _application_tables(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if "django_session" not in q["sql"] and "rencai_cache" not in q["sql"]]  # fmt: skip


def test_a_cached_draft_costs_two_queries_and_is_the_same_page(client, world):
    case = new_case(world)
    client.force_login(case.applicant)
    first = _edit(client, case)
    with CaptureQueriesContext(connection) as queries:
        again = _edit(client, case)
    assert again == first and case.number in again
    assert len(_application_tables(queries)) == 2  # the user, the case: nothing else read
    # What the cache holds is the page: the ID number in it is the masked one only.
    full = case.applicant.reveal_id_number()
    assert full not in again and case.applicant.id_number_masked in again


def test_an_upload_a_saved_section_and_a_bulk_update_show_at_once(client, world):
    case = new_case(world, attach=False)
    client.force_login(case.applicant)
    _edit(client, case)
    response = client.post(
        f"/cases/{case.number}/attachments/",
        {"type_code": "id_card", "file": png_file("身份证正面.png")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "身份证正面.png" in _edit(client, case)
    Document.objects.filter(folder=case.folder).delete()  # a bulk delete: signals per row
    assert "身份证正面.png" not in _edit(client, case)
    Case.objects.filter(pk=case.pk).update(qualification_name="高级经济师")  # no signal
    assert "高级经济师" in _edit(client, case)


def test_a_new_unit_admin_and_a_renamed_title_series_show_at_once(client, world):
    case = new_case(world, unit=world.soe)
    client.force_login(case.applicant)
    RoleGrant.objects.filter(unit=world.soe).delete()
    assert "还没有单位系统管理员" in _edit(client, case)
    RoleGrant.objects.create(user=world.unit_admin, role=RoleGrant.Role.UNIT_ADMIN, unit=world.soe)
    assert "还没有单位系统管理员" not in _edit(client, case)
    series = case.title_series
    series.name = "草稿缓存测试系列"
    series.save()
    assert "草稿缓存测试系列" in _edit(client, case)
    assert TitleSeries.objects.filter(name="草稿缓存测试系列").count() == 1


def test_a_refused_submit_summary_is_shown_once_and_never_kept(client, world):
    case = new_case(world, attach=False)
    client.force_login(case.applicant)
    plain = _edit(client, case)
    response = client.post(
        f"/cases/{case.number}/act/", {"action": "submit", "expected_version": case.version}
    )
    assert response.status_code == 302 and "refused=1" in response["Location"]
    refused = _edit(client, case, "?refused=1")
    assert 'id="error-summary"' in refused and 'id="error-summary"' not in plain
    again = _edit(client, case)
    assert 'id="error-summary"' not in again


def test_another_person_and_a_stranger_get_404_not_the_cached_page(client, world):
    case = new_case(world)
    client.force_login(case.applicant)
    _edit(client, case)
    from tests.cases.factories import person

    client.force_login(person("旁人"))
    assert client.get(f"/cases/{case.number}/edit/").status_code == 404


def test_a_form_from_the_cached_draft_saves_with_its_token(world):
    case = new_case(world)
    client = csrf_client(case.applicant)
    _edit(client, case)
    cached = _edit(client, case)
    response = client.post(
        f"/cases/{case.number}/edit/",
        {"section": "details", "title_series": case.title_series_id,
         "qualification_name": "高级工程师", "certificate_number": "GC2020001",
         "csrfmiddlewaretoken": form_token(cached)},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:1000]
    case.refresh_from_db()
    assert case.qualification_name == "高级工程师" and "高级工程师" in _edit(client, case)
