"""The draft's details save as the applicant types (site.js): leave the page without
pressing Save and nothing typed is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typed_details_survive_leaving_without_save(page, live_server):
    from rencai.cases.models import Case
    from rencai.catalog.reference import _load_simple
    from tests.cases.factories import build_world, new_case

    _load_simple()
    world = build_world()
    world.applicant.set_password(PASSWORD)
    world.applicant.save()
    case = new_case(world, attach=False)

    base = live_server.url
    login(page, base, world.applicant.login_name)
    page.goto(f"{base}/cases/{case.number}/edit/")
    page.select_option("#id_title_series", label="工程技术人员")
    page.fill("#id_qualification_name", "高级工程师")
    page.fill("#id_certificate_number", "GC-AUTO-1")
    expect(page.locator("#details .autosave-status")).to_contain_text("已自动保存")
    # Leave for another page without pressing 保存, then come back.
    page.goto(f"{base}/cases/{case.number}/")
    page.goto(f"{base}/cases/{case.number}/edit/")
    expect(page.locator("#id_qualification_name")).to_have_value("高级工程师")
    expect(page.locator("#id_certificate_number")).to_have_value("GC-AUTO-1")
    case.refresh_from_db()
    assert case.title_series.name == "工程技术人员" and case.certificate_number == "GC-AUTO-1"
    assert Case.objects.get(pk=case.pk).version == 1  # saving a draft is not a transition
