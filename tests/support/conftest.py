"""A world with one submitted case waiting at the 天河 window (the wrong one, per the
person), the officials around it, and clients for each side."""

from __future__ import annotations

import pytest
from django.test import Client

from rencai.cases.services import case_transition
from rencai.orgs.models import Office
from rencai.support import services
from rencai.support.selectors import context_for_case
from tests.backoffice.conftest import office_client
from tests.cases.factories import build_world, new_case, person


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def case(world):
    """Submitted, waiting for acceptance at district-440106 (天河)."""
    return case_transition(
        case=new_case(world), action="submit", actor=world.applicant, acting_as=None
    )


@pytest.fixture
def window(world):
    return world.officials["district-440106"]  # (user, ActingAs)


@pytest.fixture
def right_window(db):
    return Office.objects.get(code="district-440104")


@pytest.fixture
def applicant_client(world):
    client = Client()
    client.force_login(world.applicant)
    return client


@pytest.fixture
def window_client(window):
    return office_client(*window)


@pytest.fixture
def open_ticket(world, case):
    def make(body="我的申请被分到了天河区，单位实际在越秀区。", topic="wrong_office"):
        ctx = context_for_case(number=case.number, user=world.applicant, acting_as=None)
        return services.ticket_open(user=world.applicant, topic=topic, body=body, context=ctx)

    return make


@pytest.fixture
def stranger(db):
    return person("路人")
