"""Issue #15: the status page reads reference data (offices, chain steps, attachment types,
eligibility rules, the workday calendar) from the shared cache (rencai.core.refcache); a
change of any of them shows on the next page, in the viewer's language, and nothing of one
person reaches another."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rencai.catalog.models import AttachmentType
from rencai.core import clock, refcache
from rencai.orgs.models import Office
from rencai.verification.models import EligibilityRule
from rencai.workdays.models import WorkdayOverride
from tests.cases.apply_helpers import catalog, media
from tests.cases.factories import new_case, person, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]


def _page(client, case) -> str:
    r = client.get(f"/cases/{case.number}/")
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def reviewed(client, world):
    case = place(new_case(world), "under_review", step=world.review_steps[1])
    client.force_login(world.applicant)
    _page(client, case)  # the reference data is cached now
    return case


def test_renamed_chain_step_shows_at_once(client, world, reviewed):
    step = world.review_steps[1]
    assert f"审批第2步：{step.name}" in _page(client, reviewed)
    step.name = "复核（新）"
    step.save()
    assert "审批第2步：复核（新）" in _page(client, reviewed)


def test_renamed_office_shows_at_once(client, world, reviewed):
    office = Office.objects.get(pk=reviewed.holding_office_id)
    assert f"已受理，{office.name}审批中" in _page(client, reviewed)
    office.name = "天河区人才服务窗口（改名）"
    office.save()
    assert "已受理，天河区人才服务窗口（改名）审批中" in _page(client, reviewed)


def test_renamed_attachment_type_shows_at_once(client, world, reviewed):
    code = reviewed.folder.documents.first().type_code
    kind = AttachmentType.objects.get(code=code)
    assert kind.name in _page(client, reviewed)
    kind.name = "改名后的材料"
    kind.save()
    assert "改名后的材料" in _page(client, reviewed)


def test_attachment_type_follows_the_viewers_language(client, world, reviewed):
    code = reviewed.folder.documents.first().type_code
    kind = AttachmentType.objects.get(code=code)
    kind.name_en = "Renamed attachment (English)"
    kind.save()
    assert "Renamed attachment (English)" not in _page(client, reviewed)
    english = client.get(f"/cases/{reviewed.number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Renamed attachment (English)" in english.content.decode()
    assert "Renamed attachment (English)" not in _page(client, reviewed)  # Chinese again


def test_new_eligibility_rule_counts_at_once(client, world, reviewed):
    from rencai.verification.selectors import panel

    def names():  # as the status page's verification panel reads them
        return [r.name for r in panel(reviewed)["rules"]]

    assert "测试规则：年龄上限" not in names()
    EligibilityRule.objects.create(
        category=reviewed.category, kind="age_max", name="测试规则：年龄上限", value="99",
        legal_source="测试",
    )  # fmt: skip
    assert "测试规则：年龄上限" in names()
    EligibilityRule.objects.filter(name="测试规则：年龄上限").get().delete()
    assert "测试规则：年龄上限" not in names()


def test_calendar_change_moves_the_deadline_at_once(client, world):
    today = clock.today()
    due = today + timedelta(days=30)
    case = place(new_case(world), "awaiting_acceptance", due_date=due, due_action="auto_accept")
    client.force_login(world.applicant)
    before = _page(client, case)
    # a working day off in between: one working day fewer left
    day = next(
        today + timedelta(days=n) for n in range(1, 29) if (today + timedelta(days=n)).weekday() < 5
    )
    WorkdayOverride.objects.create(date=day, is_workday=False, note="测试")
    after = _page(client, case)
    assert before != after
    left = [int(s.split("剩余")[1].split("个")[0]) for s in (before, after)]
    assert left[1] == left[0] - 1


def test_each_person_sees_only_their_own_case(client, world, reviewed):
    other = person("另一申请人")
    theirs = place(new_case(world, applicant=other), "under_review")
    assert world.applicant.real_name in _page(client, reviewed)
    client.force_login(other)
    page = _page(client, theirs)
    assert other.real_name in page and world.applicant.real_name not in page
    assert client.get(f"/cases/{reviewed.number}/").status_code == 404


def test_a_cache_that_is_down_still_serves_the_page(client, world, reviewed, settings):
    settings.CACHES = {  # Redis down: nothing listens on port 1
        "default": {
            "BACKEND": "rencai.core.redis_cache.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert refcache.generation() is None
    assert "审批第2步" in _page(client, reviewed)


def test_renamed_chain_step_shows_in_the_worklist_filter(world):
    from tests.backoffice.conftest import office_client

    client = office_client(*world.officials["district-440106"])
    url = "/office/queue/review/"
    step = world.review_steps[0]
    page = client.get(url)
    assert page.status_code == 200 and step.name in page.content.decode()
    step.name = "经办（改名）"
    step.save()
    assert "经办（改名）" in client.get(url).content.decode()
