"""Each verifier against the real development gateway process: pass, fail, timeout, 5xx,
malformed answer, circuit open, and a bad signature refused."""

from __future__ import annotations

import json

import pytest
import requests

from rencai.verification import sources
from rencai.verification.sources import Subject
from tests.verification.conftest import id_number

GRAD = id_number("44010620000101001")


def subject(body="44010620000101001", name="毕业生甲", **kw) -> Subject:
    base = dict(category="education", name=name, id_number=id_number(body), credit_code="X",
                education_level="bachelor", diploma_number="D2024000001",
                degree_number="X2024000001")  # fmt: skip
    base.update(kw)
    return Subject(**base)


def run(name: str, s: Subject) -> sources.Result:
    return sources._registry[name]().verify(s)


@pytest.mark.parametrize(
    ("source", "kw", "outcome", "words"),
    [
        ("identity", {}, "passed", "一致"),
        ("identity", {"name": "别人"}, "failed", "姓名与身份证号码不一致"),
        ("identity", {"body": "44010620000109999", "name": "无"}, "failed", "未查到"),
        ("education", {}, "passed", "一致"),
        ("education", {"diploma_number": "D0"}, "failed", "未查询到编号为D0的毕业证书"),
        ("education", {"education_level": "master"}, "failed", "学历层次不一致"),
        ("social_insurance", {}, "passed", "12个月"),
        ("credit", {}, "passed", "未被列入"),
        ("credit", {"body": "44010620000101003", "name": "失信丙"}, "failed", "失信被执行人"),
        (
            "qualification",
            {
                "body": "44010619800101007",
                "name": "职称庚",
                "category": "title",
                "certificate_number": "ZC2020000007",
                "qualification_level": "中级",
            },
            "passed",
            "一致",
        ),
        (
            "qualification",
            {
                "body": "44010619800101007",
                "name": "职称庚",
                "category": "title",
                "certificate_number": "ZC2020000007",
                "qualification_level": "副高级",
            },
            "failed",
            "证书级别不一致",
        ),
    ],
)
def test_answers_become_outcomes_with_reasons(verification_on, source, kw, outcome, words):
    result = run(source, subject(**kw))
    assert result.outcome == outcome, result
    assert words in result.reason
    if outcome != "unavailable":
        assert result.evidence_ref.startswith("GW-")
    assert GRAD not in json.dumps(result.answer)  # the answer never keeps an ID number


@pytest.mark.parametrize(
    ("body", "name", "words"),
    [
        ("44010620000101004", "慢丁", "超时"),
        ("44010620000101005", "错戊", "服务异常"),
        ("44010620000101006", "乱己", "格式不正确"),
    ],
)
def test_a_source_that_misbehaves_is_unavailable_not_passed(verification_on, body, name, words):
    for source in ("identity", "credit", "social_insurance"):
        result = run(source, subject(body, name))
        assert result.outcome == "unavailable"
        assert words in result.reason


def test_the_circuit_opens_after_repeated_failures_and_stops_calling(verification_on):
    stats = verification_on + "/_stats"
    before = requests.get(stats, timeout=2).json().get("/v1/credit/check", 0)
    for _ in range(3):  # RENCAI_VERIFICATION_BREAKER_FAILURES in the fixture
        assert run("credit", subject("44010620000101005", "错戊")).outcome == "unavailable"
    called = requests.get(stats, timeout=2).json().get("/v1/credit/check", 0)
    result = run("credit", subject())  # a good record, but the breaker is open
    assert result.outcome == "unavailable"
    assert "熔断" in result.reason
    assert requests.get(stats, timeout=2).json().get("/v1/credit/check", 0) == called > before
    assert run("identity", subject()).outcome == "passed"  # one breaker per source


def test_an_unsigned_or_wrongly_signed_request_is_refused(verification_on):
    body = json.dumps({"id_number": GRAD, "name": "毕业生甲"}).encode()
    answer = requests.post(verification_on + "/v1/credit/check", data=body, timeout=2)
    assert answer.status_code == 401
    from rencai.verification.signing import sign

    headers = sign(key_id="rencai-dev", secret="wrong", method="POST", path="/v1/credit/check",
                   body=body)  # fmt: skip
    answer = requests.post(
        verification_on + "/v1/credit/check", data=body, headers=headers, timeout=2
    )
    assert answer.status_code == 401
    assert answer.json()["detail"] == "bad signature"


def test_the_gateway_down_is_unavailable(settings, verification_on):
    settings.RENCAI_VERIFICATION_GATEWAY_URL = "http://127.0.0.1:9"  # nothing listens
    result = run("identity", subject())
    assert result.outcome == "unavailable"
    assert "无法连接" in result.reason


def test_the_gateway_answers_what_its_openapi_document_promises(verification_on):
    from pathlib import Path

    import yaml

    from rencai.verification.gateway.app import Gateway, Records

    doc = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "docs/verification-gateway.openapi.yaml").read_text()
    )
    assert set(doc["paths"]) == set(Gateway(Records([]), key_id="", secret="").routes)
    verifier = sources.Verifier()
    verifier.name = "contract"
    payload = {"id_number": GRAD, "name": "毕业生甲", "certificate_number": "D2024000001",
               "kind": "diploma", "credit_code": "X"}  # fmt: skip
    for path, item in doc["paths"].items():
        answer = verifier.post(dict(payload), path=path)
        schema = item["post"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(schema["required"]) <= set(answer), path
