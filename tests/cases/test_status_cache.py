"""Issue #15: the status page's body from the shared cache (rencai.cases.status_cache).
Each test views the page (now cached), changes one thing the page shows, and views it
again: the change shows at once. The reference-data tests of test_reference_cache run here
a second time with the cache on."""

from __future__ import annotations

import contextlib

import pytest
from django.core.cache import cache
from django.test import Client

from rencai.cases.selectors import case_status_text
from rencai.documents.models import Document
from tests.cases import test_reference_cache
from tests.cases.apply_helpers import catalog, csrf_client, form_token, media, png_file
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
    case = place(new_case(world), "awaiting_acceptance")
    client = csrf_client(world.applicant)
    _page(client, case)
    token = form_token(_page(client, case))  # from the cache
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
    token = form_token(page)
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


# --- writes that send no signal, names read live, a cache that is down -------------------


@pytest.fixture
def sources_down(settings):
    """Verification on, its gateway a closed port: every source answers "unavailable"."""
    from rencai.verification.sources import breakers_reset

    settings.RENCAI_VERIFICATION_GATEWAY_URL = "http://127.0.0.1:9"
    settings.RENCAI_VERIFICATION_RETRIES = 0
    breakers_reset()
    yield
    breakers_reset()


def test_a_verification_that_fails_for_good_shows_at_once(client, world, sources_down):
    from rencai.verification.models import VerificationRequest
    from rencai.verification.services import (
        MAX_ATTEMPTS,
        verification_enqueue,
        verifications_run,
    )

    case = place(new_case(world), "awaiting_acceptance")
    request = verification_enqueue(case=case, purpose="submission")
    verifications_run(batch=10)  # its checks are stored (once per source)
    request.refresh_from_db()
    assert request.status == "done" and request.checks.exists()
    # Queued again for its last attempt: storing the checks a second time fails
    # (verif_check_once), so the worker gives up with a bare update() (_retry_later).
    VerificationRequest.objects.filter(pk=request.pk).update(
        status="pending", attempts=MAX_ATTEMPTS - 1, decision="", reasons=[], finished_at=None
    )
    cache.clear()
    client.force_login(world.applicant)
    assert "数据核验进行中" in _page(client, case)
    assert verifications_run(batch=10) == 0
    page = _page(client, case)
    assert "系统核验出错，已转人工审核" in page and "数据核验进行中" not in page


def test_a_renamed_official_shows_at_once_in_the_history(client, world):
    from rencai.cases.services import case_transition

    case = new_case(world)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    official, acting_as = world.officials["district-440106"]
    case_transition(case=case, action="accept", actor=official, acting_as=acting_as)
    client.force_login(world.applicant)
    assert official.real_name in _page(client, case)
    official.refresh_from_db()
    official.last_login = None
    official.save(update_fields=["last_login"])  # not the name: nothing to outdate
    official.real_name = "改名后的经办人"
    official.save()
    page = _page(client, case)
    assert "改名后的经办人" in page and "办理记录" in page


_DEAD_REDIS = {  # Redis down: nothing listens on port 1
    "default": {
        "BACKEND": "rencai.core.redis_cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
_LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "status-cache-sessions"}}  # fmt: skip


def _client_with(settings, engine: str, caches: dict) -> Client:
    """A new client: its SessionMiddleware binds settings.SESSION_ENGINE when first used
    (the `client` fixture's did already, in `reviewed`)."""
    settings.SESSION_ENGINE = engine
    settings.CACHES = caches
    return Client()


SESSIONS = "rencai.accounts.sessions"  # as settings.py has it with REDIS_URL


def test_logged_in_pages_work_while_the_session_cache_is_down(world, reviewed, settings, caplog):
    client = _client_with(settings, SESSIONS, _DEAD_REDIS)
    client.force_login(world.applicant)  # a new session, written to the database only
    with caplog.at_level("WARNING", logger="rencai.accounts.sessions"):
        for _ in range(3):
            assert "审批第2步" in _page(client, reviewed)
    warnings = [r for r in caplog.records if r.name == "rencai.accounts.sessions"]
    assert len(warnings) == 1  # once per outage, not once per request
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get(f"/cases/{reviewed.number}/").status_code == 302  # to the login page


def test_a_logout_during_an_outage_is_not_undone_by_the_cache_coming_back(
    world, reviewed, settings
):
    client = _client_with(settings, SESSIONS, _LOCAL)
    client.force_login(world.applicant)
    _page(client, reviewed)  # the session has a copy in the cache now
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    settings.CACHES = _DEAD_REDIS  # the cache is cut off and keeps its copy
    assert client.post("/accounts/logout/").status_code == 302
    settings.CACHES = _LOCAL  # back, with the copy of the ended session
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert stale.get(f"/cases/{reviewed.number}/").status_code == 302
    world.applicant.refresh_from_db()  # its session generation moved on
    client.force_login(world.applicant)  # logging in again works
    assert "审批第2步" in _page(client, reviewed)


# --- the whole page (site frame too) -----------------------------------------------------


def test_the_frame_follows_the_viewers_name(client, world, reviewed):
    from rencai.accounts.models import User

    assert world.applicant.real_name in _page(client, reviewed)
    _page(client, reviewed)  # the whole page from the cache
    User.objects.filter(pk=world.applicant.pk).update(real_name="框架新名")  # no signal
    assert "框架新名" in _page(client, reviewed)  # the frame's name is part of its key


def test_a_message_on_the_frame_is_shown_once_and_never_stored(client, world):
    case = place(new_case(world), "awaiting_acceptance")
    client.force_login(world.applicant)
    _page(client, case)
    _page(client, case)  # cached
    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "withdraw", "expected_version": case.version, "reason": "材料有误"},
    )
    assert response.status_code == 302
    shown = _page(client, case)
    assert "已完成" in shown and 'class="messages"' in shown
    again = _page(client, case)
    assert "已完成" not in again and "已撤回" in again


def test_the_frame_follows_the_address_for_its_forms(client, world, reviewed):
    plain = _page(client, reviewed)
    url = f"/cases/{reviewed.number}/?from=sms"
    with_query = client.get(url).content.decode()
    assert f'value="{url}"' in with_query
    assert "?from=sms" not in plain and "?from=sms" not in _page(client, reviewed)
