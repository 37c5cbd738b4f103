"""Issue #15: an office's worklist whole from the shared cache (rencai.backoffice.
worklist_cache). Each test views a queue (now cached), changes what it shows, and views it
again: the change shows at once. The worklist tests run here again with the cache on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rencai.accounts.models import User
from rencai.cases.models import Case
from rencai.cases.services import case_transition, deadlines_fire
from rencai.core import clock
from rencai.orgs.models import Office, Unit
from tests.backoffice import test_worklists
from tests.backoffice.test_case_actions import _act, _submitted
from tests.cases.factories import new_case, place
from tests.cases.test_status_cache import status_cache_on  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("status_cache_on")]

test_an_office_sees_only_its_cases_and_gets_404_for_others = (
    test_worklists.test_an_office_sees_only_its_cases_and_gets_404_for_others
)
test_paging_links_in_the_page = test_worklists.test_paging_links_in_the_page
test_filters_category_unit_and_dates = test_worklists.test_filters_category_unit_and_dates
test_queues_per_office_kind = test_worklists.test_queues_per_office_kind

ACCEPTANCE = reverse("backoffice:worklist", args=["acceptance"])
REVIEW = reverse("backoffice:worklist", args=["review"])


def _listed(page: str, case) -> bool:
    return f'href="/office/cases/{case.number}/"' in page


def _queue(client, url=ACCEPTANCE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_cached_worklist_reads_only_the_session_and_is_the_same_page(world, as_office):
    case = _submitted(world)
    client = as_office("district-440106")
    first = _queue(client)
    with CaptureQueriesContext(connection) as queries:
        again = _queue(client)
    assert again == first and _listed(again, case)
    tables = [q["sql"] for q in queries.captured_queries
              if "django_session" not in q["sql"] and "rencai_cache" not in q["sql"]]  # fmt: skip
    assert len(tables) == 2, tables  # the user and the grant: no case read


def test_a_new_arrival_and_a_colleagues_accept_show_at_once(world, as_office):
    client = as_office("district-440106")
    empty = _queue(client)
    case = _submitted(world)
    assert not _listed(empty, case) and _listed(_queue(client), case)  # submit bumped it
    colleague = as_office("district-440106")
    review_before = _queue(client, REVIEW)
    assert _act(colleague, case, "accept").status_code == 302
    assert not _listed(_queue(client), case)
    after = _queue(client, REVIEW)
    assert _listed(after, case) and after != review_before


def test_a_reroute_leaves_one_window_and_reaches_the_other(world, as_office):
    case = _submitted(world)
    tianhe, yuexiu = as_office("district-440106"), as_office("district-440104")
    assert _listed(_queue(tianhe), case) and not _listed(_queue(yuexiu), case)
    target = Office.objects.get(code="district-440104")
    assert _act(tianhe, case, "reroute", "在越秀区办公", target_office=target.pk).status_code == 302
    assert not _listed(_queue(tianhe), case)
    assert _listed(_queue(yuexiu), case)


def test_the_sweep_a_renamed_unit_and_a_renamed_applicant_show_at_once(world, as_office):
    case = _submitted(world)
    client = as_office("district-440106")
    assert _listed(_queue(client), case)
    unit = Unit.objects.get(pk=case.unit_id)
    unit.name = "工作台缓存改名有限公司"
    unit.save()
    assert "工作台缓存改名有限公司" in _queue(client)
    applicant = User.objects.get(pk=case.applicant_id)
    applicant.real_name = "改名申请人"
    applicant.save()
    assert "改名申请人" in _queue(client)
    Case.objects.filter(pk=case.pk).update(due_at=clock.now() - timedelta(minutes=1))
    assert deadlines_fire() == 1  # 逾期自动受理: the engine's transition, no page write
    case.refresh_from_db()
    assert case.status == "under_review"
    assert not _listed(_queue(client), case)


def test_the_page_after_an_action_shows_its_message_once_and_is_not_kept(world, as_office):
    case = _submitted(world)
    other = place(new_case(world), "awaiting_acceptance", holding="district-440106")
    client = as_office("district-440106")
    _queue(client)
    target = Office.objects.get(code="district-440104")
    response = _act(client, case, "reroute", "在越秀区办公", target_office=target.pk)
    assert response.status_code == 302
    landed = client.get(response.url, follow=True)  # the case left: back to the queue
    done = f"已办理：{case.number}"
    assert landed.request["PATH_INFO"] == ACCEPTANCE and done in landed.content.decode()
    again = _queue(client)
    assert _listed(again, other) and done not in again


def test_a_filtered_page_and_another_official_have_pages_of_their_own(world, as_office):
    case = _submitted(world)
    client = as_office("district-440106")
    plain = _queue(client)
    filtered = _queue(client, ACCEPTANCE + "?category=education")
    assert _listed(plain, case) and not _listed(filtered, case)
    stranger = as_office("district-440105")
    assert not _listed(_queue(stranger), case)
    case_transition(case=case, action="withdraw", actor=case.applicant, acting_as=None,
                    reason="填错了")  # fmt: skip
    assert not _listed(_queue(client), case)
