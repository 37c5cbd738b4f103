"""Verifiers as plugins (like rencai.notify.channels): one per data-sharing source.

Each is an HTTP adapter to the city's 政务数据共享 gateway (settings
RENCAI_VERIFICATION_GATEWAY_URL, RENCAI_VERIFICATION_KEY_ID / _SECRET): signed requests
(rencai.verification.signing), (connect, read) timeouts, retries with backoff on
connection errors and 5xx (urllib3 Retry), and one circuit breaker per source
(pybreaker) so a source that is down is not hammered. A source that cannot answer gives
outcome "unavailable", never an exception and never an empty "passed".

A verifier gets the plain facts it needs in `Subject` (built in the worker from the case;
the ID number only travels in the POST body) and returns `Result`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import pybreaker
import requests
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from rencai.verification.signing import sign

PASSED, FAILED, UNAVAILABLE = "passed", "failed", "unavailable"
_registry: dict[str, type[Verifier]] = {}


def register(name: str):
    def wrap(cls):
        cls.name = name
        _registry[name] = cls
        return cls

    return wrap


@dataclass(frozen=True)
class Subject:
    """What a verifier may ask about (no model objects: it runs in worker threads)."""

    category: str
    name: str
    id_number: str
    credit_code: str
    education_level: str = ""
    diploma_number: str = ""
    degree_number: str = ""
    certificate_number: str = ""
    qualification_level: str = ""


@dataclass
class Result:
    source: str
    outcome: str
    reason: str = ""
    answer: dict = field(default_factory=dict)
    evidence_ref: str = ""
    asked_at: float = 0.0
    elapsed_ms: int = 0


class Unavailable(Exception):
    """The source did not give a usable answer (timeout, 5xx, malformed, circuit open)."""


class Malformed(Unavailable):
    pass


_local = threading.local()
_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def session() -> requests.Session:
    """One pooled session per thread (requests' Session is not thread-safe)."""
    s = getattr(_local, "session", None)
    if s is None:
        retry = Retry(
            total=settings.RENCAI_VERIFICATION_RETRIES,
            connect=settings.RENCAI_VERIFICATION_RETRIES,
            read=1,
            status=settings.RENCAI_VERIFICATION_RETRIES,
            backoff_factor=settings.RENCAI_VERIFICATION_BACKOFF,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=frozenset({"POST"}),  # every call is a read-only lookup
            respect_retry_after_header=True,
        )
        s = requests.Session()
        s.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=4))
        s.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=4))
        _local.session = s
    return s


def breaker(source: str) -> pybreaker.CircuitBreaker:
    with _breakers_lock:
        if source not in _breakers:
            _breakers[source] = pybreaker.CircuitBreaker(
                fail_max=settings.RENCAI_VERIFICATION_BREAKER_FAILURES,
                reset_timeout=settings.RENCAI_VERIFICATION_BREAKER_RESET_SECONDS,
                exclude=[lambda exc: not isinstance(exc, Unavailable)],
                name=source,
            )
        return _breakers[source]


def breakers_reset() -> None:
    """Tests and the admin: forget every breaker's state (and the sessions' settings)."""
    with _breakers_lock:
        _breakers.clear()
    _local.__dict__.clear()


class Verifier:
    name = ""
    label = gettext_lazy("")
    path = ""

    def applies(self, subject: Subject) -> bool:
        return True

    def verify(self, subject: Subject) -> Result:
        started = time.time()
        try:
            result = self.check(subject)
        except pybreaker.CircuitBreakerError:
            result = Result(self.name, UNAVAILABLE, _("数据来源暂时熔断（连续失败），稍后自动恢复"))
        except Unavailable as exc:
            result = Result(self.name, UNAVAILABLE, str(exc))
        result.asked_at = started
        result.elapsed_ms = int((time.time() - started) * 1000)
        return result

    def check(self, subject: Subject) -> Result:  # pragma: no cover - interface
        raise NotImplementedError

    def post(self, payload: dict, *, path: str | None = None) -> dict:
        """Signed POST through the breaker; the decoded answer or Unavailable."""
        return breaker(self.name).call(self._post, path or self.path, payload)

    def _post(self, path: str, payload: dict) -> dict:
        base = settings.RENCAI_VERIFICATION_GATEWAY_URL.rstrip("/")
        if not base:
            raise Unavailable(_("未配置数据共享网关"))
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = sign(
            key_id=settings.RENCAI_VERIFICATION_KEY_ID, secret=settings.RENCAI_VERIFICATION_SECRET,
            method="POST", path=path, body=body,
        )  # fmt: skip
        headers["Content-Type"] = "application/json"
        try:
            response = session().post(
                base + path, data=body, headers=headers,
                timeout=(settings.RENCAI_VERIFICATION_CONNECT_TIMEOUT,
                         settings.RENCAI_VERIFICATION_READ_TIMEOUT),
            )  # fmt: skip
        except requests.Timeout as exc:
            raise Unavailable(_("数据来源响应超时")) from exc
        except requests.exceptions.RetryError as exc:
            raise Unavailable(_("数据来源服务异常（多次重试仍失败）")) from exc
        except requests.RequestException as exc:
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            if isinstance(reason, ReadTimeoutError):  # retries exhausted on read timeouts
                raise Unavailable(_("数据来源响应超时")) from exc
            raise Unavailable(_("无法连接数据来源")) from exc
        if response.status_code >= 500:
            raise Unavailable(
                _("数据来源服务异常（HTTP %(code)s）") % {"code": response.status_code}
            )
        if response.status_code != 200:
            raise Unavailable(
                _("数据来源拒绝请求（HTTP %(code)s）") % {"code": response.status_code}
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise Malformed(_("数据来源返回的数据格式不正确")) from exc
        if not isinstance(data, dict):
            raise Malformed(_("数据来源返回的数据格式不正确"))
        return data


def _need(data: dict, key: str, kind: type | tuple[type, ...]):
    if key not in data or not isinstance(data[key], kind):
        raise Malformed(_("数据来源返回的数据格式不正确（缺少%(key)s）") % {"key": key})
    return data[key]


def _evidence(data: dict) -> str:
    return str(data.get("record_ref") or data.get("request_id") or "")[:80]


@register("identity")
class IdentityVerifier(Verifier):
    label = gettext_lazy("身份与户籍（公安）")
    path = "/v1/identity/verify"

    def check(self, s: Subject) -> Result:
        data = self.post({"id_number": s.id_number, "name": s.name})
        match = _need(data, "match", bool)
        answer = {"match": match, "hukou_region": str(data.get("hukou_region", ""))}
        if match:
            return Result(self.name, PASSED, _("姓名与身份证号码一致，户籍地：%(r)s") % {
                "r": answer["hukou_region"] or "—"}, answer, _evidence(data))  # fmt: skip
        why = {"name_mismatch": _("姓名与身份证号码不一致")}.get(
            data.get("reason"), _("公安人口库中未查到该身份证号码")
        )
        return Result(self.name, FAILED, why, answer, _evidence(data))


@register("education")
class EducationVerifier(Verifier):
    label = gettext_lazy("学历学位（学信网）")
    path = "/v1/education/verify"

    def applies(self, s: Subject) -> bool:
        return s.category == "education"

    def check(self, s: Subject) -> Result:
        from rencai.catalog.models import EducationLevel

        if not s.diploma_number:
            return Result(self.name, FAILED, _("未填写毕业证书编号，无法核验学历"))
        asks = [("diploma", s.diploma_number)]
        if s.degree_number:
            asks.append(("degree", s.degree_number))
        answer, refs, problems = {}, [], []
        for kind, number in asks:
            data = self.post(
                {"id_number": s.id_number, "name": s.name, "certificate_number": number,
                 "kind": kind}
            )  # fmt: skip
            found = _need(data, "found", bool)
            what = _("毕业证书") if kind == "diploma" else _("学位证书")
            if not found:
                problems.append(_("未查询到编号为%(n)s的%(what)s") % {"n": number, "what": what})
                continue
            if not _need(data, "match", bool):
                problems.append(_("%(what)s持有人姓名与申请人不一致") % {"what": what})
                continue
            level = str(_need(data, "level", str))
            answer[kind] = {"level": level, "institution": str(data.get("institution", ""))}
            refs.append(_evidence(data))
            if kind == "diploma" and s.education_level and level != s.education_level:
                labels = dict(EducationLevel.choices)
                problems.append(
                    _("学历层次不一致：学历库记录为%(db)s，申请填写为%(form)s")
                    % {"db": labels.get(level, level), "form": labels.get(s.education_level)}
                )
        if "diploma" in answer:
            answer["level"] = answer["diploma"]["level"]
        evidence = ";".join(refs)[:80]
        if problems:
            return Result(self.name, FAILED, "；".join(problems), answer, evidence)
        return Result(self.name, PASSED, _("学历学位信息与学历库一致"), answer, evidence)


@register("social_insurance")
class SocialInsuranceVerifier(Verifier):
    label = gettext_lazy("社会保险（人社）")
    path = "/v1/social-insurance/months"

    def check(self, s: Subject) -> Result:
        data = self.post({"id_number": s.id_number, "credit_code": s.credit_code})
        found = _need(data, "found", bool)
        months = _need(data, "months", int)
        answer = {"found": found, "months": months}
        if not found:
            return Result(
                self.name, FAILED, _("未查询到在引进单位的社会保险缴费记录"), answer,
                _evidence(data),
            )  # fmt: skip
        return Result(
            self.name, PASSED, _("在引进单位连续缴纳社会保险%(m)s个月") % {"m": months}, answer,
            _evidence(data),
        )  # fmt: skip


@register("qualification")
class QualificationVerifier(Verifier):
    label = gettext_lazy("职称与职业资格（人社）")
    path = "/v1/qualification/verify"

    def applies(self, s: Subject) -> bool:
        return s.category in ("title", "skill")

    def check(self, s: Subject) -> Result:
        if not s.certificate_number:
            return Result(self.name, FAILED, _("未填写证书编号，无法核验"))
        data = self.post(
            {"id_number": s.id_number, "name": s.name, "certificate_number": s.certificate_number,
             "kind": s.category}
        )  # fmt: skip
        if not _need(data, "found", bool):
            return Result(
                self.name, FAILED,
                _("未查询到编号为%(n)s的证书") % {"n": s.certificate_number}, {}, _evidence(data),
            )  # fmt: skip
        if not _need(data, "match", bool):
            return Result(self.name, FAILED, _("证书持有人姓名与申请人不一致"), {}, _evidence(data))
        level = str(_need(data, "level", str))
        answer = {"level": level, "title": str(data.get("title", ""))}
        if s.qualification_level and level and level != s.qualification_level:
            return Result(
                self.name, FAILED,
                _("证书级别不一致：证书库记录为%(db)s，申请填写为%(form)s")
                % {"db": level, "form": s.qualification_level}, answer, _evidence(data),
            )  # fmt: skip
        return Result(self.name, PASSED, _("证书信息与证书库一致"), answer, _evidence(data))


@register("credit")
class CreditVerifier(Verifier):
    label = gettext_lazy("信用（失信被执行人名单）")
    path = "/v1/credit/check"

    def check(self, s: Subject) -> Result:
        data = self.post({"id_number": s.id_number, "name": s.name})
        listed = _need(data, "listed", bool)
        answer = {"listed": listed, "case_ref": str(data.get("case_ref", ""))}
        if listed:
            return Result(
                self.name, FAILED,
                _("被列入失信被执行人名单（%(ref)s），须到窗口人工核查")
                % {"ref": answer["case_ref"] or "—"}, answer, _evidence(data),
            )  # fmt: skip
        return Result(self.name, PASSED, _("未被列入失信被执行人名单"), answer, _evidence(data))


def verifiers() -> list[Verifier]:
    names = settings.RENCAI_VERIFICATION_SOURCES
    unknown = set(names) - set(_registry)
    if unknown:
        raise LookupError(
            f"unknown verification sources {sorted(unknown)}; known {sorted(_registry)}"
        )
    return [_registry[n]() for n in names]


def source_label(name: str) -> str:
    cls = _registry.get(name)
    return str(cls.label) if cls else name


def verify_all(subject: Subject) -> list[Result]:
    return [v.verify(subject) for v in verifiers() if v.applies(subject)]
