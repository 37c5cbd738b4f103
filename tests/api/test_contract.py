"""The API contract (issue #10, finding 8): the model's limits on every input, one error
shape for every error, unique schema names, declared error answers, the committed OpenAPI
document, and Swagger UI from our own files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from rencai.cases.models import Case
from tests.cases.factories import new_case

pytestmark = pytest.mark.usefixtures("media", "catalog")

SHAPE = {"code", "message", "field", "errors"}


def _json(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def _assert_shape(response, status, *, field=None):
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) >= SHAPE, body
    assert re.match(r"[\u4e00-\u9fff]", body["message"]), body  # Chinese first
    assert body["errors"] and all(set(e) == {"field", "message"} for e in body["errors"])
    if field:
        assert body["field"] == field and field in body["message"] or body["field"] == field
        assert any(e["field"] == field for e in body["errors"])
    return body


def test_over_long_patch_fields_are_422_naming_the_field(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    url = f"/api/cases/{case.number}"
    body = _assert_shape(
        _json(client, "patch", url, {"qualification_name": "名" * 61}), 422,
        field="qualification_name",
    )  # fmt: skip
    assert "最多 60 个字符" in body["message"] and "资格（工种）名称" in body["message"]
    _assert_shape(
        _json(client, "patch", url, {"qualification_level": "级" * 30}), 422,
        field="qualification_level",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.qualification_name != "名" * 61


def test_over_long_create_is_422_and_creates_nothing(client, world):
    client.force_login(world.applicant)
    response = _json(
        client, "post", "/api/cases/",
        {"category": "title", "unit": world.private.code, "certificate_number": "1" * 500},
    )  # fmt: skip
    body = _assert_shape(response, 422, field="certificate_number")
    assert "证书编号" in body["message"] and "最多 40 个字符" in body["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("char", ["\u202e", "\x00", "\u2066", "\x85"])
def test_control_and_bidi_characters_are_refused_naming_the_field(client, world, char):
    client.force_login(world.applicant)
    response = _json(
        client, "post", "/api/cases/",
        {"category": "title", "unit": world.private.code, "certificate_number": f"1{char}23"},
    )  # fmt: skip
    body = _assert_shape(response, 422, field="certificate_number")
    assert f"U+{ord(char):04X}" in body["message"] and "证书编号" in body["message"]
    assert not Case.objects.exists()


def test_future_certificate_and_graduation_dates_are_refused(client, world):
    case = new_case(world, attach=False)
    client.force_login(world.applicant)
    for name in ("certificate_date", "graduation_date"):
        response = _json(client, "patch", f"/api/cases/{case.number}", {name: "2099-01-01"})
        body = _assert_shape(response, 422, field=name)
        assert "不能晚于今天" in body["message"]
    ok = _json(client, "patch", f"/api/cases/{case.number}", {"certificate_date": "2020-06-30"})
    assert ok.status_code == 200, ok.json()


def test_one_error_shape_for_json_404_409_422_400_401(client, world):
    case = new_case(world, attach=False)
    anonymous = _json(client, "get", "/api/cases/")
    _assert_shape(anonymous, 401)
    client.force_login(world.applicant)
    malformed = client.post("/api/cases/", "{not json", content_type="application/json")
    body = _assert_shape(malformed, 400)
    assert body["code"] == "malformed_json" and "JSON" in body["message"]
    _assert_shape(_json(client, "get", "/api/cases/NOPE-1/status"), 404)
    conflict = _json(client, "post", f"/api/cases/{case.number}/withdraw", {"expected_version": 1})
    assert _assert_shape(conflict, 409)["code"] == "forbidden_transition"
    missing = _json(client, "post", "/api/cases/", {"unit": world.private.code})
    assert _assert_shape(missing, 422, field="category")["message"] == "字段“category”：必填。"
    wrong_type = _json(client, "patch", f"/api/cases/{case.number}", {"institution": "x"})
    _assert_shape(wrong_type, 422, field="institution")
    domain = _json(client, "post", "/api/cases/", {"category": "title", "unit": "随便公司"})
    _assert_shape(domain, 400, field="unit")
    huge = _json(client, "patch", f"/api/cases/{case.number}", {"institution": 10**30})
    _assert_shape(huge, 422, field="institution")


def _resolve(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_schema_names_are_unique_and_the_right_ones_are_used(client):
    schema = client.get("/api/openapi.json").json()
    change = schema["paths"]["/api/changes/requests/{number}"]["get"]["responses"]["200"]
    change_out = _resolve(schema, change["content"]["application/json"]["schema"]["$ref"])
    office = _resolve(schema, change_out["properties"]["office"]["$ref"])
    assert set(office["properties"]) == {"code", "name", "phones", "email", "address"}
    documents = change_out["properties"]["documents"]["items"]
    assert set(_resolve(schema, documents["$ref"])["properties"]) == {
        "type_code", "original_name", "size", "url",
    }  # fmt: skip
    status = schema["paths"]["/api/cases/{number}/status"]["get"]["responses"]["200"]
    detail = _resolve(schema, status["content"]["application/json"]["schema"]["$ref"])
    attachments = detail["properties"]["attachments"]["items"]
    assert "preview_url" in _resolve(schema, attachments["$ref"])["properties"]


def test_every_operation_declares_its_error_answers(client):
    schema = client.get("/api/openapi.json").json()
    operations = [
        (path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
    ]
    assert len(operations) >= 20
    for path, method, op in operations:
        for status in ("400", "401", "403", "404", "409", "422"):
            assert status in op["responses"], (method, path, status)
            ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith(("/Error", "/SimilarFoundError")), (method, path, status)


def test_inputs_carry_the_model_limits_in_the_schema(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]

    def limit(model, name):
        prop = schema[model]["properties"][name]
        options = prop.get("anyOf", [prop])
        return next(o["maxLength"] for o in options if o.get("type") == "string")

    assert limit("DraftPatch", "qualification_name") == 60
    assert limit("DraftPatch", "qualification_level") == 20
    assert limit("DraftIn", "certificate_number") == 40
    assert limit("ChangeIn", "note") == 1000
    assert limit("TransitionIn", "reason") == 1000


def test_committed_openapi_document_is_current():
    call_command("openapi_docs", "--check")


def test_swagger_ui_is_served_from_our_static_files_under_the_csp(client):
    response = client.get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "cdn" not in html.lower() and "//" not in html.replace("<!DOCTYPE html>", "")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, content in scripts:  # no inline script: only src= or a JSON data block
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        if "src=" in attrs:
            assert not content.strip()
    static = Path(settings.BASE_DIR) / "rencai" / "static" / "rencai" / "swagger"
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js"):
        assert f"/static/rencai/swagger/{name}" in html
        assert (static / name).stat().st_size > 0


def _models_in(annotation, found: dict) -> None:
    """Every pydantic model reachable from a type annotation, by name."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.setdefault(annotation.__name__, set()):
            return
        found[annotation.__name__].add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def test_no_two_schemas_share_a_name():
    """ninja names components by class name and silently keeps one of two namesakes."""
    from rencai.api.urls import api

    found: dict[str, set] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    _models_in(model, found)
                for model in operation.models:
                    _models_in(model, found)
    ignored = {"NinjaResponseSchema", "FormParams", "BodyParams", "QueryParams", "PathParams"}
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in found.items()
        if len(classes) > 1 and name not in ignored and not name.endswith("Params")
    }
    assert len(found) > 20 and clashes == {}
