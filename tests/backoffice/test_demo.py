from __future__ import annotations

from django.urls import reverse

from rencai.accounts.models import User
from rencai.cases.models import Case, ChainStep
from rencai.core.demo import demo_load
from tests.backoffice.conftest import office_client


def test_demo_fills_the_worklists_and_is_idempotent(demo_data):
    assert Case.objects.filter(status="awaiting_acceptance").count() == 2
    assert Case.objects.filter(status="under_review").count() == 2
    assert Case.objects.filter(status="in_notice").count() == 1
    assert Case.objects.filter(status="dept_review").count() == 1
    steps, cases = ChainStep.objects.count(), Case.objects.count()
    demo_load()
    assert (ChainStep.objects.count(), Case.objects.count()) == (steps, cases)

    from rencai.accounts.roles import ActingAs

    tianhe = User.objects.get(login_name="demo_tianhe")
    client = office_client(tianhe, ActingAs(tianhe.role_grants.get()))
    page = client.get(reverse("backoffice:worklist", args=["acceptance"]))
    assert len(page.context["page"].rows) == 2
