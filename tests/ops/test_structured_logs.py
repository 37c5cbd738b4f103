"""Structured logs: one JSON line per request with its id, the user's id, view, status and
duration — and never a name, ID number, phone or code."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from rencai.core.logging import MaskPersonalNumbers, RequestContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    spec = dict(settings.LOGGING["formatters"]["json"])
    formatter = import_string(spec.pop("()"))(**spec)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.addFilter(RequestContext())
    handler.addFilter(MaskPersonalNumbers())
    logger = logging.getLogger("rencai.request")
    # other tests may reconfigure logging (dictConfig, logging.disable): undo it here
    level, disabled, floor = logger.level, logger.disabled, logging.root.manager.disable
    logger.level, logger.disabled = logging.INFO, False
    logging.disable(logging.NOTSET)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.level, logger.disabled = level, disabled
    logging.disable(floor)


def test_one_json_line_per_request(client, json_lines, reference_data):
    from tests.cases.apply_helpers import registered

    user, _number = registered("日志")
    client.force_login(user)
    response = client.get("/help/?q=44010619900307121X&m=13912345678")
    (line,) = json_lines()
    assert line["logger"] == "rencai.request" and line["message"] == "request"
    assert line["view"] == "helpdesk:index"
    assert line["status"] == response.status_code == 200
    assert line["user_id"] == str(user.pk)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]
    text = json.dumps(line, ensure_ascii=False)
    for secret in ("44010619900307121X", "13912345678", user.real_name, user.login_name):
        assert secret not in text


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(client, json_lines):
    client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c21"})
    client.get("/healthz", headers={"X-Request-ID": 'x"}\n{"level":"CRITICAL"'})
    first, second = json_lines()
    assert first["request_id"] == "edge-7f3a9c21"
    assert second["request_id"] != 'x"}\n{"level":"CRITICAL"' and len(second["request_id"]) == 32


def test_one_line_per_transition_with_the_case_number(
    reference_data, caplog, django_capture_on_commit_callbacks
):
    """Deadline sweep and case_transition alike (one writer of status, one log shape)."""
    from rencai.cases.services import case_transition
    from tests.cases.factories import build_world, new_case

    world = build_world()
    case = new_case(world)
    with (
        caplog.at_level(logging.INFO, logger="rencai.cases.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    (record,) = [r for r in caplog.records if r.getMessage() == "transition"]
    assert (record.case, record.action, record.to) == (case.number, "submit", case.status)
    assert record.actor_id == str(case.applicant.pk)
