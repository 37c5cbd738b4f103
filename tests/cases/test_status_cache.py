"""Issue #15: the status page's body from the shared cache (rencai.cases.status_cache).
Each test views the page (now cached), changes one thing the page shows, and views it
again: the change shows at once. The reference-data tests of test_reference_cache run here
a second time with the cache on."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.core.cache import cache
from django.test import Client

from rencai.cases.selectors import case_status_text
from rencai.documents.models import Document
from tests.cases import test_reference_cache
from tests.cases.apply_helpers import catalog, media, png_file
from tests.cases.factories import new_case, place
from tests.cases.test_reference_cache import (  # noqa: F401 (the same tests, cache on)
    test_a_cache_that_is_down_still_serves_the_page,
    test_attachment_type_follows_the_viewers_language,
    test_calendar_change_moves_the_deadline_at_once,
    test_each_person_sees_only_their_own_case,
    test_new_eligibility_rule_counts_at_once,
    test_renamed_attachment_type_shows_at_once,
    test_renamed_chain_step_shows_at_once,
    test_renamed_chain_step_shows_in_the_worklist_filter,
    test_renamed_office_shows_at_once,
)

pytestmark = pytest.mark.usefixtures("media", "catalog", "status_cache_on")
__all__ = ["catalog", "media"]
_page = test_reference_cache._page


@pytest.fixture
def status_cache_on(settings):
    settings.RENCAI_PAGE_CACHE = True
    cache.clear()
    yield
    with contextlib.suppress(Exception):  # a test may have pointed the cache at a dead Redis
        cache.clear()


@pytest.fixture
def reviewed(client, world):  # (overrides the imported one: the same, with the cache on)
    case = place(new_case(world), "under_review", step=world.review_steps[1])
    client.force_login(world.applicant)
    _page(client, case)
    return case


def test_the_second_view_comes_from_the_cache_and_a_saved_change_shows(client, world):
    case = new_case(world)
    client.force_login(world.applicant)
    doc = Document.objects.filter(folder=case.folder).first()
    assert doc.original_name in _page(client, case)
    Document.objects.filter(pk=doc.pk).update(original_name="新的文件名.png")  # no signal
    assert "新的文件名.png" not in _page(client, case)  # served from the cache
    doc.refresh_from_db()
    doc.save()  # a real write to a row of the case: its generation moves
    assert "新的文件名.png" in _page(client, case)


def test_a_bulk_write_to_the_case_row_shows_at_once(client, world, reviewed):
    before = case_status_text(reviewed)
    assert before in _page(client, reviewed)
    place(reviewed, "returned")  # Case.objects.update(): no signal, no version change
    after = case_status_text(reviewed)
    page = _page(client, reviewed)
    assert after != before and after in page and before not in page


def test_an_action_shows_at_once_and_its_form_token_works_from_the_cache(world):
    client = Client(enforce_csrf_checks=True)
    case = place(new_case(world), "awaiting_acceptance")
    client.force_login(world.applicant)
    _page(client, case)
    page = _page(client, case)  # from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "withdraw", "expected_version": case.version, "reason": "材料有误",
         "csrfmiddlewaretoken": token},
    )  # fmt: skip
    assert response.status_code == 302
    assert "已撤回" in _page(client, case)


def test_a_new_login_gets_a_body_with_its_own_token(world):
    client = Client(enforce_csrf_checks=True)
    case = place(new_case(world), "awaiting_acceptance")
    client.force_login(world.applicant)
    _page(client, case)
    client.logout()
    client.force_login(world.applicant)  # a new session and CSRF secret
    page = _page(client, case)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "withdraw", "expected_version": case.version, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_an_uploaded_document_shows_at_once(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    assert "尚未上传附件" in _page(client, case)
    client.post(f"/cases/{case.number}/attachments/", {"type_code": "id_card", "file": png_file()})
    assert Document.objects.filter(folder=case.folder).exists()
    assert "尚未上传附件" not in _page(client, case)


def test_the_applicants_and_the_units_new_names_show_at_once(client, world, reviewed):
    user = world.applicant
    user.real_name = "改名后"
    user.save(update_fields=["real_name"])
    assert "改名后" in _page(client, reviewed)
    unit = reviewed.unit
    unit.name = "改名后的单位"
    unit.save(update_fields=["name"])
    assert "改名后的单位" in _page(client, reviewed)


def test_a_refused_action_is_shown_once_and_not_cached(client, world, reviewed):
    response = client.post(
        f"/cases/{reviewed.number}/act/",
        {"action": "withdraw", "expected_version": reviewed.version},
        follow=True,
    )
    assert "不能执行" in response.content.decode()
    assert "不能执行" not in _page(client, reviewed)


def test_the_cached_body_is_not_escaped_and_follows_the_language(client, world, reviewed):
    page = _page(client, reviewed)
    assert '<section class="card' in page and "&lt;section" not in page
    english = client.get(f"/cases/{reviewed.number}/", HTTP_ACCEPT_LANGUAGE="en").content
    assert "Progress" in english.decode() or "Status" in english.decode()
    assert "办理记录" in _page(client, reviewed)
