"""Issue #11 pages: the dashboard says where the applicant stands and what waits for
unit admins and officials; the stepper follows the recorded route; a refused 送审 lands
on an error summary (post/redirect/get) listing every missing item as a link."""

from __future__ import annotations

import re

import pytest

from rencai.cases.models import Case
from tests.cases.apply_helpers import catalog, media
from tests.cases.factories import new_case, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]


def test_dashboard_without_an_application_offers_to_start_one(client, world):
    client.force_login(world.applicant)
    page = client.get("/accounts/").content.decode()
    assert "您还没有入户申请" in page and 'href="/cases/new/"' in page and "新建入户申请" in page


def test_dashboard_shows_the_open_application_holder_deadline_and_next_action(
    client, world, django_assert_max_num_queries
):
    case = place(new_case(world), "awaiting_acceptance", due_date=None)
    client.force_login(world.applicant)
    with django_assert_max_num_queries(25):
        page = client.get("/accounts/").content.decode()
    assert "未受理，等待（广州市天河区人力资源和社会保障局受理）" in page
    assert case.number in page and "本环节无办理时限" in page
    assert "等待办理机构处理，您暂时无需操作" in page
    assert 'class="office-name"' in page  # the holding office's contact
    assert 'href="/cases/new/"' not in page  # one open application per person


def test_dashboard_of_a_draft_leads_to_the_form(client, world):
    case = new_case(world)
    client.force_login(world.applicant)
    page = client.get("/accounts/").content.decode()
    assert f'href="/cases/{case.number}/edit/"' in page and "继续填写并送审" in page


def test_unit_admin_and_official_see_what_waits_for_them(client, world):
    place(new_case(world, unit=world.soe), "unit_review")
    place(new_case(world), "awaiting_acceptance")
    client.force_login(world.unit_admin)
    page = client.get("/accounts/").content.decode()
    assert re.search(
        r'href="/cases/unit/"><strong class="dash-count">1</strong> <span>待单位审核', page
    )
    from tests.backoffice.conftest import office_client

    page = office_client(*world.officials["district-440106"]).get("/accounts/").content.decode()
    assert re.search(
        r'href="/office/queue/acceptance/"><strong class="dash-count">1</strong> <span>待受理', page
    ), page


def test_stepper_from_the_recorded_route_and_history_rows_name_the_step(client, world):
    from rencai.cases.services import case_act

    case = place(new_case(world, unit=world.soe), "unit_review", route="via_unit")
    admin, acting = world.unit_admin, world.unit_acting
    case, _ = case_act(case=case, action="forward", actor=admin, acting_as=acting,
                       reason="", expected_version=case.version)  # fmt: skip
    dept_user, dept_acting = world.officials["dept-sasac"]
    case, _ = case_act(case=case, action="approve", actor=dept_user, acting_as=dept_acting,
                       reason="", expected_version=case.version)  # fmt: skip
    client.force_login(world.applicant)
    page = client.get(f"/cases/{case.number}/").content.decode()
    steps = re.findall(r'<li class="step step-(\w+)"', page)
    # submit, unit, 2 department steps, accept, 3 review steps? (city bureau has none here)
    assert steps[:4] == ["todo", "done", "done", "current"], steps
    assert 'aria-current="step"' in page and "主管部门第2步：分管领导审核" in page
    assert '<span class="muted history-step">主管部门第1步：处室初审</span>' in page
    assert '<span class="muted history-step">单位审核</span>' in page


def test_refused_submit_redirects_to_a_summary_of_every_missing_item(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    response = client.post(
        f"/cases/{case.number}/act/", {"action": "submit", "expected_version": case.version}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/edit/?refused=1#error-summary"
    page = client.get(response["Location"]).content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor in ("#id_title_series", "#id_qualification_name", "#id_certificate_number"):
        assert f'href="{anchor}"' in summary
    assert summary.count('href="#req-') >= 3  # every missing attachment, not only the first
    for anchor in re.findall(r'href="#(req-[\w-]+)"', summary):
        assert f'id="{anchor}"' in page  # each link has its target
    # a reload shows the summary again (recomputed) and posts nothing
    again = client.get(response["Location"]).content.decode()
    assert 'id="error-summary"' in again
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT and case.version == 1


def test_officials_case_page_names_types_numbers_and_weights_actions(world):
    from rencai.catalog.models import AttachmentType
    from tests.backoffice.conftest import office_client

    case = place(new_case(world, diploma_number="D-2020-1", degree_number="X-2020-9"),
                 "awaiting_acceptance", due_date=None)  # fmt: skip
    client = office_client(*world.officials["district-440106"])
    page = client.get(f"/office/cases/{case.number}/").content.decode()
    assert "D-2020-1" in page and "X-2020-9" in page and "学位证书编号" in page
    names = dict(AttachmentType.objects.values_list("code", "name"))
    types = re.findall(r'<span class="muted doc-type">([^·]+) ·', page)
    assert types and all(t.strip() in names.values() for t in types), types
    assert ">id_card<" not in page and " id_card " not in page
    assert re.search(r'class="btn">受理</button>', page)
    assert re.search(r'class="btn btn-quiet">改派受理机构</button>', page)
    assert re.search(r'class="btn btn-danger">退回修改</button>', page)
