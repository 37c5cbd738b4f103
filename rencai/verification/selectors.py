"""Verification reads: the facts of a case, its rules' answers, its latest checks, the
panels and the statistics (the caller has already been allowed to see the case)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db.models import Count, Q
from stdnum.cn import ric

from rencai.cases.models import Case
from rencai.core import clock
from rencai.verification import rules as R
from rencai.verification import sources
from rencai.verification.models import EligibilityRule, VerificationCheck, VerificationRequest

Req = VerificationRequest


@dataclass(frozen=True)
class RuleAnswer:
    rule_id: int
    name: str
    kind: str
    hard: bool
    status: str  # met / not_met / unknown
    reason: str
    legal_source: str
    example: bool
    version: int

    def as_json(self) -> dict:
        return asdict(self)


def subject_for(case: Case) -> sources.Subject:
    applicant = case.applicant
    return sources.Subject(
        category=case.category, name=applicant.real_name, id_number=applicant.reveal_id_number(),
        credit_code=case.unit.code, education_level=case.education_level,
        diploma_number=case.diploma_number, degree_number=case.degree_number,
        certificate_number=case.certificate_number, qualification_level=case.qualification_level,
    )  # fmt: skip


def _birth_date(case: Case):
    try:
        return ric.get_birth_date(case.applicant.reveal_id_number())
    except Exception:  # noqa: BLE001 - no or odd ID number: the age rule cannot tell
        return None


def _si_months(checks) -> int | None:
    for c in checks:
        if c.source == "social_insurance" and c.outcome != sources.UNAVAILABLE:
            return int((c.answer or {}).get("months", 0))
    return None


def facts_for(case: Case, checks=()) -> R.Facts:
    on = (case.submitted_at or clock.now()).astimezone(clock.SHANGHAI).date()
    return R.Facts(
        education_level=case.education_level, birth_date=_birth_date(case), on=on,
        qualification_level=case.qualification_level, si_months=_si_months(checks),
        unit_nature=case.unit.nature if case.unit_id else "",
    )  # fmt: skip


def rules_for(category: str) -> list[EligibilityRule]:
    """The category's active rules, from the shared reference cache (rencai.core.refcache,
    bumped by every save or delete of a rule; read-only instances)."""
    from rencai.core import refcache

    return list(refcache.get(f"rules:{category}", lambda: _active_rules(category)))


def _active_rules(category: str) -> list[EligibilityRule]:
    return list(EligibilityRule.objects.filter(category=category, is_active=True))


def rule_results(case: Case, *, checks=None) -> list[RuleAnswer]:
    checks = latest_checks(case) if checks is None else checks
    facts = facts_for(case, checks)
    out = []
    for rule in rules_for(case.category):
        answer = R.evaluate(rule.kind, rule.value, facts)
        out.append(
            RuleAnswer(rule.pk, rule.name, rule.kind, rule.hard, answer.status, answer.reason,
                       rule.legal_source, rule.is_example, rule.version)
        )  # fmt: skip
    return out


def latest_request(case: Case, *, done: bool = True) -> VerificationRequest | None:
    qs = Req.objects.filter(case=case)
    if done:
        qs = qs.filter(status=Req.Status.DONE)
    return qs.order_by("-finished_at", "-pk").first() if done else qs.order_by("-pk").first()


def latest_checks(case: Case) -> list[VerificationCheck]:
    request = latest_request(case)
    return list(request.checks.all()) if request else []


def hard_failures(case: Case) -> list[RuleAnswer]:
    return [r for r in rule_results(case) if r.hard and r.status == R.NOT_MET]


def pending(case: Case) -> bool:
    return Req.objects.filter(case=case).exclude(status=Req.Status.DONE).exists()


def panel(case: Case) -> dict:
    """Everything the applicant's and the official's panels show: the case's requests and
    the category's rules read once each (issue #15), the rest worked out from them."""
    requests = list(Req.objects.filter(case=case).order_by("-pk"))
    done = [r for r in requests if r.status == Req.Status.DONE]
    # newest finished first, as latest_request and the history order them
    done.sort(key=lambda r: (r.finished_at is not None, r.finished_at or 0, r.pk), reverse=True)
    request = done[0] if done else None
    checks = list(request.checks.all()) if request else []
    for c in checks:
        c.source_label = sources.source_label(c.source)
    rules = rules_for(case.category)
    facts = facts_for(case, checks)
    answers = []
    for rule in rules:
        answer = R.evaluate(rule.kind, rule.value, facts)
        answers.append(
            RuleAnswer(rule.pk, rule.name, rule.kind, rule.hard, answer.status, answer.reason,
                       rule.legal_source, rule.is_example, rule.version)
        )  # fmt: skip
    return {
        "latest": request, "checks": checks, "rules": answers,
        "pending": any(r.status != Req.Status.DONE for r in requests),
        "unavailable": any(c.outcome == "unavailable" for c in checks),
        "example_rules": any(rule.legal_source == "" for rule in rules),
        "history": [r for r in done if r.purpose != Req.Purpose.PRECHECK][:10],
    }  # fmt: skip


def return_reasons(case: Case) -> str:
    """Every failed check and rule in one text (the official's 退回 / 不予通过 reason)."""
    data = panel(case)
    lines = [f"{c.source_label}：{c.reason}" for c in data["checks"] if c.outcome == "failed"]
    lines += [f"「{r.name}」：{r.reason}" for r in data["rules"] if r.status == R.NOT_MET]
    return "；".join(f"{n}. {text}" for n, text in enumerate(lines, 1))


#: FAQ 二.5 / Shenzhen: 受理 5 + 审批 ≥ 5 working days that an instant decision saves.
WORKDAYS_SAVED_PER_CASE = 10


def stats() -> dict:
    decided = Req.objects.filter(status=Req.Status.DONE).exclude(purpose=Req.Purpose.PRECHECK)
    counts = decided.aggregate(
        total=Count("case", distinct=True),
        approved=Count("case", filter=Q(decision=Req.Decision.APPROVED), distinct=True),
        manual=Count("case", filter=Q(decision=Req.Decision.MANUAL), distinct=True),
    )
    reasons: dict[str, int] = {}
    for row in decided.filter(decision=Req.Decision.MANUAL).values_list("reasons", flat=True):
        for reason in row or []:
            key = reason.split("：")[0] if "：" in reason else reason
            reasons[key] = reasons.get(key, 0) + 1
    total = counts["total"] or 0
    return {
        **counts,
        "share": round(100 * counts["approved"] / total, 1) if total else 0,
        "workdays_saved": counts["approved"] * WORKDAYS_SAVED_PER_CASE,
        "reasons": sorted(reasons.items(), key=lambda kv: -kv[1])[:20],
    }
