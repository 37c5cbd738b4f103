"""Schemathesis against the real API in-process (WSGI), as an applicant and as an official
with a verified second factor: 0 server errors, 0 schema violations (status codes, content
types, response bodies). Bounded: a few examples per operation, positive and negative data,
each operation also with a real case / request number so the bodies reach the services.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.backoffice.second_factor import mark_second_factor_passed
from tests.cases.apply_helpers import act_as
from tests.cases.factories import build_world, new_case, place

pytestmark = [
    pytest.mark.django_db(transaction=True),  # a server error must not poison a test transaction
    pytest.mark.usefixtures("media", "catalog"),
]

EXAMPLES = 12  # per operation × data mode × path variant (about 10 s per role)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _credentials(client: Client) -> dict:
    """The logged-in session's cookies and the CSRF header, for every request."""
    client.get("/api/docs")  # sets the CSRF cookie
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: csrf,
    }
    return {"cookies": cookies, "headers": {"X-CSRFToken": csrf}}


def _run(credentials: dict, numbers: list[str], unit: str) -> dict:
    from rencai.api.urls import api

    app = WSGIHandler()
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
    statuses: dict[int, int] = {}
    stats = {"operations": 0, "examples": 0, "failures": [], "statuses": statuses}
    for result in schema.get_all_operations():
        operation = result.ok()
        stats["operations"] += 1
        variants = [None]
        if "{number}" in operation.path:
            variants += [{"number": n} for n in numbers]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in variants:
                strategy = operation.as_strategy(
                    generation_mode=mode, path_parameters=path_parameters
                )

                @given(case=strategy)
                @hypothesis_settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                def call(case):
                    stats["examples"] += 1
                    if (
                        isinstance(case.body, dict)
                        and "unit" in case.body
                        and stats["examples"] % 2
                    ):
                        # Every other body names a real unit (and category), so it gets past
                        # the reference checks and reaches the services.
                        case.body["unit"] = unit
                        if "category" in case.body:
                            case.body["category"] = "title"
                    try:
                        response = case.call(app=app, **credentials)
                        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                        case.validate_response(response, checks=CHECKS)
                    except AssertionError as exc:  # schemathesis Failure(s)
                        stats["failures"].append(f"{operation.label} [{mode}]: {exc}"[:1500])
                    except BaseExceptionGroup as group:
                        for exc in group.exceptions:
                            stats["failures"].append(f"{operation.label} [{mode}]: {exc}"[:1500])

                try:
                    call()
                except Unsatisfiable:
                    # No invalid data exists for this operation (no parameters, or a free
                    # string path parameter): nothing to send in negative mode.
                    if mode != GenerationMode.NEGATIVE:
                        raise
                except Exception as exc:  # e.g. an unsatisfiable strategy: report, not hide
                    stats["failures"].append(f"{operation.label} [{mode}]: {exc!r}"[:1500])
    return stats


def _report(role: str, stats: dict) -> None:
    print(
        f"\nschemathesis as {role}: {stats['operations']} operations, "
        f"{stats['examples']} examples, {len(stats['failures'])} failures; "
        f"statuses {dict(sorted(stats['statuses'].items()))}"
    )
    # The session and CSRF token were sent: nothing was refused as anonymous, and real
    # answers (not only errors) came back.
    assert 401 not in stats["statuses"] and stats["statuses"].get(200, 0) > 20
    assert stats["failures"] == [], "\n\n".join(stats["failures"][:20])


def test_schemathesis_as_an_applicant(world_factory):
    world = world_factory()
    draft = new_case(world, attach=False)
    submitted = place(new_case(world), "unit_review")
    client = Client()
    client.force_login(world.applicant)
    _report(
        "applicant",
        _run(_credentials(client), [draft.number, submitted.number], world.private.code),
    )


def test_schemathesis_as_an_official_with_second_factor(world_factory):
    world = world_factory()
    case = place(new_case(world, unit=world.soe), "dept_review", holding="dept-sasac")
    user, acting = world.officials["dept-sasac"]
    client = Client()
    client.force_login(user)
    act_as(client, acting.grant)
    mark_second_factor_passed(client, user)
    _report("official", _run(_credentials(client), [case.number], world.soe.code))


def test_schemathesis_as_a_unit_admin(world_factory):
    world = world_factory()
    case = place(new_case(world, unit=world.soe), "unit_review")
    client = Client()
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    _report("unit admin", _run(_credentials(client), [case.number], world.soe.code))


@pytest.fixture
def world_factory():
    return build_world
