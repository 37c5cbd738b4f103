"""Fixtures for the engine tests: a request of each process, and the people around it."""

from __future__ import annotations

import pytest

from rencai.changes.models import ChangeRequest
from rencai.changes.processes import CHANGE
from rencai.core import clock
from rencai.documents.services import folder_create
from rencai.orgs.approvers import data_centre
from rencai.orgs.models import Office
from rencai.process import engine
from rencai.rights.models import UnitAdminRequest
from rencai.rights.processes import UNIT_ADMIN
from tests.changes.conftest import make_unit, make_user, official  # noqa: F401, F811 (fixtures)


@pytest.fixture
def people(make_user, reference_data):  # noqa: F811
    return {
        "requester": make_user(real_name="申请人甲", mobile="13800001111"),
        "reviewer": official(make_user(real_name="审核员"), "data-centre"),
        "dept": official(make_user(real_name="教育局经办"), "dept-edu"),
        "stranger": make_user(real_name="路人"),
        "system": None,
    }


@pytest.fixture
def new_request(people, make_unit):  # noqa: F811
    """(process) -> a fresh request of that process, started by people["requester"]."""
    counter = iter(range(10**6))

    def make(process):
        n = next(counter)
        if process is CHANGE:
            obj = ChangeRequest(
                kind=ChangeRequest.Kind.INSTITUTION_NEW, requester=people["requester"],
                office=data_centre(), folder=folder_create(owner_kind="change_request"),
                name=f"测试理工学院{n}", level="本科", education_level="bachelor",
                submitted_at=clock.now(),
            )  # fmt: skip
            action = "submit"
        else:
            unit = make_unit(
                f"广州市某某研究院{n}", nature="institution", level="city", supervisory="dept-edu"
            )
            obj = UnitAdminRequest(
                applicant=people["requester"], unit=unit, office=Office.objects.get(code="dept-edu"),
                submitted_at=clock.now(),
            )  # fmt: skip
            action = "request"
        return engine.start(process=process, obj=obj, action=action, actor=people["requester"])

    return make


PROCESSES = {"change": CHANGE, "unit_admin": UNIT_ADMIN}
#: Who acts as the office in each process.
OFFICE_OF = {"change": "reviewer", "unit_admin": "dept"}
