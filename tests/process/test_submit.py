"""rencai.process.submit: a declared submission checks its fields in order and creates
through the given function; its service's signature lists the declared fields."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rencai.core.errors import DomainError
from rencai.process.submit import (
    REQUIRED,
    SimilarFound,
    Submission,
    choice,
    pattern,
    service,
    similar,
    squeeze,
    text,
)  # fmt: skip

CREATED: list[dict] = []


def _create(**values):
    CREATED.append(values)
    return values


DECLARED = Submission(
    kind="thing",
    fields={"name": REQUIRED, "colour": REQUIRED, "code": "", "confirm_new": False},
    steps=(
        text("name", limit=10, min_chars=2, message="名称：至少2个字。"),
        choice("colour", ("red", "blue"), "颜色：请选择。"),
        pattern("code", r"\d{3}", "代码：3位数字。", error_field="number", upper=True),
        similar(lambda v: ["已有"] if v["name"] == "相似名称" else [], "物品"),
    ),
    record=lambda v: {"name": v["name"], "colour": v["colour"], "code": v["code"]},
    required=lambda v: ("photo",) if v["colour"] == "red" else (),
)
SUBMIT = service(DECLARED, _create, {"requester": REQUIRED, "note": ""})


def test_the_signature_lists_the_declared_and_common_fields():
    parameters = inspect.signature(SUBMIT).parameters
    assert list(parameters) == ["name", "colour", "code", "confirm_new", "requester", "note"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert parameters["name"].default is REQUIRED and parameters["code"].default == ""


@pytest.mark.django_db
def test_checked_values_reach_create_with_kind_and_required_attachments():
    out = SUBMIT(name="  一个   物品 ", colour="red", code=" 123 ", requester="u")
    assert out == {
        "kind": "thing", "required": ("photo",), "requester": "u", "note": "",
        "name": "一个 物品", "colour": "red", "code": "123",
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "一", "colour": "x"}, "name", "名称：至少2个字。"),  # the first failing step
        ({"name": "一个", "colour": "x"}, "colour", "颜色：请选择。"),
        ({"name": "一个", "colour": "red", "code": "12a"}, "number", "代码：3位数字。"),
    ],
)
def test_steps_refuse_in_order_on_their_field(values, field, message):
    with pytest.raises(DomainError) as refused:
        SUBMIT(requester="u", **values)
    assert (refused.value.field, str(refused.value.message)) == (field, message)


@pytest.mark.django_db
def test_similar_records_are_offered_until_the_requester_confirms_none_fits():
    with pytest.raises(SimilarFound) as offered:
        SUBMIT(name="相似名称", colour="blue", requester="u")
    assert offered.value.candidates == ["已有"] and offered.value.field == "name"
    assert SUBMIT(name="相似名称", colour="blue", requester="u", confirm_new=True)["name"]


@pytest.mark.django_db
def test_missing_and_unknown_fields_are_programming_errors():
    with pytest.raises(TypeError, match="missing"):
        SUBMIT(name="一个", requester="u")
    with pytest.raises(TypeError, match="unexpected"):
        SUBMIT(name="一个", colour="red", requester="u", size=3)


@given(st.text(max_size=50), st.integers(min_value=0, max_value=60))
def test_squeeze_keeps_at_most_limit_characters_without_runs_of_space(value, limit):
    out = squeeze(value, limit=limit)
    assert len(out) <= limit and "  " not in out and out == out.lstrip()
    assert squeeze(out, limit=limit).strip() == out.strip()
