from datetime import datetime

import pytest

from rencai.cases.services import case_transition
from rencai.core import clock
from rencai.core.clock import SHANGHAI
from tests.cases.factories import build_world, new_case, person, place

#: Approval on Monday 2026-03-02: the notice runs Tue 03-03 … Mon 03-09 (5 working days)
#: and the card is issued from 00:00 on Tuesday 03-10.
APPROVED = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world(db):
    world = build_world()
    world.applicant.real_name = "欧阳明华"
    world.applicant.save()
    return world


def approve(world, applicant=None):
    """A case of `applicant` approved at APPROVED (now in its public notice)."""
    case = new_case(world)
    if applicant is not None:
        from rencai.cases.models import Case

        Case.objects.filter(pk=case.pk).update(applicant=applicant, created_by=applicant)
        case.refresh_from_db()
    case = place(case, "under_review", step=world.review_steps[2])
    user, acting_as = world.officials["district-440106"]
    with clock.frozen(APPROVED):
        case_transition(case=case, action="approve", actor=user, acting_as=acting_as)
    return case


@pytest.fixture
def noticed(world):
    return approve(world)


__all__ = ["APPROVED", "approve", "person"]
