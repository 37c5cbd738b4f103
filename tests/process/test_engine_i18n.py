"""The engine's refusals render in the viewer's language; its records stay Chinese."""

from __future__ import annotations

import pytest
from django.utils import translation

from rencai.changes.processes import CHANGE
from rencai.core.errors import Conflict
from rencai.process import engine
from rencai.process.selectors import history
from tests.changes.conftest import make_unit, make_user  # noqa: F401 (fixtures)
from tests.process.conftest import new_request, people  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_an_engine_refusal_is_shown_in_english_to_an_english_viewer(people, new_request):  # noqa: F811
    change = new_request(CHANGE)
    with pytest.raises(Conflict) as refused:
        engine.transition(process=CHANGE, obj=change, action="submit", actor=people["requester"])
    with translation.override("en"):
        english = refused.value.message
    with translation.override("zh-hans"):
        chinese = refused.value.message
    assert english == '"Submit request" is not possible in the current status "Pending review"'
    assert chinese == "当前状态「待审核」下不能执行「提交申请」"
    with translation.override("en"):
        engine.transition(process=CHANGE, obj=change, action="reject", actor=people["reviewer"],
                          reason="材料不清晰")  # fmt: skip
    assert history(process=CHANGE, obj=change)[-1].status_text == "审核不通过"
