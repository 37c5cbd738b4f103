"""好差评: one rating per step (DB constraint), a poor one opens a work order that the
office answers; ratings per office and step on the statistics page and in the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rencai.cases.services import case_transition
from rencai.core import clock
from rencai.core.errors import DomainError
from rencai.support import services
from rencai.support.models import Rating, WorkOrder
from rencai.support.selectors import steps_for_case
from tests.backoffice.conftest import office_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(case, window):
    return case_transition(case=case, action="accept", actor=window[0], acting_as=window[1])


def _step(world, case):
    return steps_for_case(case=case, user=world.applicant)[0]


def test_status_page_offers_the_office_step_to_rate(applicant_client, accepted, world):
    step = _step(world, accepted)
    page = applicant_client.get(reverse("cases:detail", args=[accepted.number])).content.decode()
    assert reverse("support:rate", args=[step.key]) in page and step.label == "受理"


def test_a_good_rating_is_recorded_once(applicant_client, accepted, world):
    url = reverse("support:rate", args=[_step(world, accepted).key])
    data = {"score": "5", "tags": ["fast", "polite"], "comment": "很快"}
    assert applicant_client.post(url, data).status_code == 302
    assert applicant_client.post(url, data).status_code == 302  # double submit: one rating
    rating = Rating.objects.get()
    assert (rating.score, rating.tags, rating.office.code) == (
        5,
        ["fast", "polite"],
        "district-440106",
    )
    assert not WorkOrder.objects.exists()
    assert "已评价" in applicant_client.get(url).content.decode()


def test_the_constraint_refuses_a_second_rating_of_a_step(accepted, world):
    step = _step(world, accepted)
    services.rating_submit(user=world.applicant, step=step, score=4, tags=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            rater=world.applicant, office=step.office, case_event_id=step.case_event_id,
            step="受理", number=accepted.number, score=3, created_at=clock.now(),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():  # rates no step at all
        Rating.objects.create(
            rater=world.applicant, office=step.office, process_event_id=None, case_event_id=None,
            step="受理", number=accepted.number, score=3, created_at=clock.now(),
        )  # fmt: skip


def test_only_the_applicant_may_rate(accepted, world, stranger):
    url = reverse("support:rate", args=[_step(world, accepted).key])
    other = Client()
    other.force_login(stranger)
    assert other.get(url).status_code == 404
    assert other.post(url, {"score": "1"}).status_code == 404
    assert other.get(reverse("support:rate", args=["c999999"])).status_code == 404
    assert not Rating.objects.exists()


def test_a_poor_rating_opens_a_work_order_the_office_answers(
    applicant_client, accepted, world, window, window_client
):
    url = reverse("support:rate", args=[_step(world, accepted).key])
    applicant_client.post(url, {"score": "2", "tags": ["slow"], "comment": "等了很久"})
    order = WorkOrder.objects.get()
    assert order.office.code == "district-440106" and order.status == "open"
    assert order.number.startswith("GD") and order.due_date is not None
    index = window_client.get(reverse("support:office")).content.decode()
    assert order.number in index
    others = office_client(*world.officials["district-440104"])
    assert others.get(reverse("support:office_order", args=[order.number])).status_code == 404
    page = reverse("support:office_order", args=[order.number])
    data = {"expected_version": 1, "reason": "已加派人手，今后两个工作日内受理"}
    assert window_client.post(page, data).status_code == 302
    assert window_client.post(page, data).status_code == 302  # double submit: once
    order.refresh_from_db()
    assert order.status == "answered" and order.answered_by == window[0]
    assert order.version == 2


def test_ratings_in_statistics_page_and_csv(applicant_client, accepted, world):
    applicant_client.post(
        reverse("support:rate", args=[_step(world, accepted).key]), {"score": "1"}
    )
    city = office_client(*world.officials["city-hrss"])
    page = city.get(reverse("backoffice:stats")).content.decode()
    assert "服务评价（好差评）" in page and "天河区" in page
    rows = list(
        csv.reader(
            io.StringIO(city.get(reverse("backoffice:stats_csv")).content.decode("utf-8-sig"))
        )
    )
    rating_rows = [r for r in rows if r and r[0] == "好差评" and r[1] != "机构"]
    assert rating_rows == [
        ["好差评", world.office("district-440106").name, "受理", "1", "1.0", "1"]
    ]
    other = office_client(*world.officials["district-440104"])
    assert "统计期内暂无评价" in other.get(reverse("backoffice:stats")).content.decode()


class _Undo(Exception):
    """Rolls one example back so the next one rates the same step afresh."""


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(score=st.integers(min_value=-3, max_value=9))
def test_work_order_exactly_for_poor_scores(score, accepted, world):
    """Property: a work order exists iff 1 <= score <= 2; outside 1–5 nothing is stored."""
    try:
        with transaction.atomic():
            try:
                services.rating_submit(
                    user=world.applicant, step=_step(world, accepted), score=score, tags=[]
                )
            except DomainError:
                assert not 1 <= score <= 5 and not Rating.objects.exists()
            else:
                assert 1 <= score <= 5
                assert WorkOrder.objects.exists() == (score <= 2)
            raise _Undo
    except _Undo:
        pass
    assert not Rating.objects.exists()


def test_an_id_number_in_the_comment_is_refused_and_kept(applicant_client, accepted, world):
    from tests.cases.factories import id_number

    comment = f"我的号码{id_number()}"
    url = reverse("support:rate", args=[_step(world, accepted).key])
    response = applicant_client.post(url, {"score": "4", "comment": comment})
    assert response.status_code == 400 and comment in response.content.decode()
    assert "评价内容：请不要填写身份证号码" in response.content.decode()
    assert not Rating.objects.exists()


def test_the_status_page_box_costs_two_queries(accepted, world, rf):
    """The include on every case page: the office steps and their ratings, nothing per row."""
    from django.db import connection
    from django.template import Context, Template
    from django.test.utils import CaptureQueriesContext

    request = rf.get("/")
    request.user = world.applicant
    template = Template("{% load support %}{% support_box case %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"request": request, "case": accepted}))
    assert "support-rate" in html and len(queries) == 2
