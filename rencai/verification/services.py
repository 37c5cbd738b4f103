"""Verification writes: queue requests, the worker sweep that runs them, the decision
(系统秒批 or manual review with every reason), and the pre-check of a draft.

The sweep claims requests like deadlines (rencai.cases.services.deadlines_fire): one
short transaction marks a chunk `running` with a lease (SELECT … FOR UPDATE SKIP LOCKED
on PostgreSQL), the HTTP calls run in a thread pool outside any transaction, and each
request is finished in its own transaction that re-checks the lease under the row lock;
`verif_check_once` makes the stored answers exactly once per request. A worker killed
mid-chunk leaves rows whose lease expires; the next sweep takes them again.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rencai.audit.services import audit_record
from rencai.cases import status_cache
from rencai.cases.models import Case
from rencai.core import clock
from rencai.core.errors import DomainError
from rencai.verification import ocr, selectors, sources
from rencai.verification.models import CategoryPolicy, VerificationCheck, VerificationRequest

log = logging.getLogger(__name__)
Req = VerificationRequest
UNAVAILABLE_NOTICE = gettext_noop("数据核验暂不可用，已转人工审核")
CHUNK = 50  # per claim; small so the next chunk's HTTP overlaps this one's writes
LEASE_SECONDS = 300
MAX_ATTEMPTS = 5


def enabled() -> bool:
    return bool(settings.RENCAI_VERIFICATION_GATEWAY_URL)


def verification_enqueue(
    *, case: Case, purpose: str, key: str | None = None, requested_by=None, now=None
) -> VerificationRequest:
    """Queue a request (idempotent by `key`); the worker runs it."""
    now = now or clock.now()
    request, _created = Req.objects.get_or_create(
        key=key or f"{purpose}:{case.pk}:{uuid.uuid4().hex}",
        defaults={
            "case": case, "purpose": purpose, "run_after": now, "created_at": now,
            "requested_by": requested_by,
        },
    )  # fmt: skip
    return request


def precheck_enqueue(*, case: Case) -> VerificationRequest | None:
    """A draft changed: ask the sources again, unless a pre-check is already waiting."""
    if not enabled():
        return None
    waiting = Req.objects.filter(case=case, purpose=Req.Purpose.PRECHECK, status=Req.Status.PENDING)
    return waiting.first() or verification_enqueue(case=case, purpose=Req.Purpose.PRECHECK)


@transaction.atomic
def verification_rerun(*, case: Case, actor, request=None) -> VerificationRequest:
    """An official's 重新核验 button: a new request (a double click queues one)."""
    pending = Req.objects.filter(case=case, purpose=Req.Purpose.RERUN, status=Req.Status.PENDING)
    found = pending.first()
    if found is not None:
        return found
    queued = verification_enqueue(case=case, purpose=Req.Purpose.RERUN, requested_by=actor)
    audit_record(event="verification.rerun", actor=actor, obj=case, request=request,
                 detail=case.number)  # fmt: skip
    return queued


# --- the worker sweep ------------------------------------------------------------------


def verifications_run(*, batch: int = 500) -> int:
    """Worker sweep: run queued verification requests. Returns how many were finished.

    Pipelined: while this thread stores the answers of one chunk (database work), the
    pool already asks the sources for the next claimed chunk (network waits)."""
    if not enabled():
        return 0
    done, left = 0, batch
    threads = max(1, settings.RENCAI_VERIFICATION_THREADS)
    with ThreadPoolExecutor(threads, thread_name_prefix="verify") as pool:
        current = None
        while True:
            claimed = _claim(clock.now(), min(left, CHUNK)) if left > 0 else []
            left -= len(claimed)
            upcoming = _ask(pool, claimed) if claimed else None
            if current is not None:
                done += _store(*current)
            if upcoming is None:
                break
            current = upcoming
    return done


def _ask(pool, claimed):
    subjects = [selectors.subject_for(r.case) for r in claimed]
    return claimed, [pool.submit(sources.verify_all, s) for s in subjects]


def _claim(now: datetime, limit: int) -> list[VerificationRequest]:
    from django.db.models import Q

    due = Req.objects.filter(run_after__lte=now).filter(
        Q(status=Req.Status.PENDING) | Q(status=Req.Status.RUNNING, lease_until__lt=now)
    ).order_by("run_after", "pk")  # fmt: skip
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:limit])
        if not rows:
            return []
        lease = now + timedelta(seconds=LEASE_SECONDS)
        # No status-page bump (status_cache.case_changed): pending and running look alike.
        Req.objects.filter(pk__in=[r.pk for r in rows]).update(status=Req.Status.RUNNING,
                                                               lease_until=lease)  # fmt: skip
        for r in rows:
            r.status, r.lease_until = Req.Status.RUNNING, lease
    return list(
        Req.objects.filter(pk__in=[r.pk for r in rows])
        .select_related("case", "case__applicant", "case__unit")
        .order_by("pk")
    )


def _run_claimed(claimed: list[VerificationRequest]) -> int:
    """Ask and store one claimed chunk (tests; the sweep pipelines chunks)."""
    with ThreadPoolExecutor(settings.RENCAI_VERIFICATION_THREADS) as pool:
        return _store(*_ask(pool, claimed))


def _store(claimed: list[VerificationRequest], futures) -> int:
    finished = 0
    with translation.override(settings.LANGUAGE_CODE):  # records in the site language
        for request, future in zip(claimed, futures, strict=True):
            try:
                finished += _finish(request, future.result())
            except Exception:  # one bad request must not stop the chunk: retried later
                log.exception("verification request %s failed", request.pk)
                _retry_later(request)
    return finished


def _retry_later(request: VerificationRequest) -> None:
    attempts = request.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        Req.objects.filter(pk=request.pk).update(
            status=Req.Status.DONE, attempts=attempts, finished_at=clock.now(),
            decision=Req.Decision.MANUAL, reasons=[_("系统核验出错，已转人工审核")],
        )  # fmt: skip
    else:
        Req.objects.filter(pk=request.pk).update(
            status=Req.Status.PENDING, attempts=attempts, lease_until=None,
            run_after=clock.now() + timedelta(seconds=30 * 2**attempts),
        )  # fmt: skip
    status_cache.case_changed(request.case_id)  # update() sends no signal


@transaction.atomic
def _finish(request: VerificationRequest, results: list[sources.Result]) -> int:
    locked = Req.objects.select_for_update().filter(pk=request.pk).first()
    if (
        locked is None
        or locked.status != Req.Status.RUNNING
        or locked.lease_until != request.lease_until
    ):
        return 0  # another worker took it over after our lease ran out
    now = clock.now()
    tz = now.tzinfo
    VerificationCheck.objects.bulk_create(
        [
            VerificationCheck(
                request=locked, case_id=locked.case_id, source=r.source,
                asked_at=datetime.fromtimestamp(r.asked_at, tz), outcome=r.outcome,
                reason=r.reason[:300], answer=r.answer, evidence_ref=r.evidence_ref,
                elapsed_ms=r.elapsed_ms,
            )
            for r in results
        ]
    )  # fmt: skip
    case = Case.objects.select_related("unit", "applicant").get(pk=locked.case_id)
    rules = selectors.rule_results(case, checks=results)
    locked.ocr_findings = ocr.findings(case)
    locked.rules = [r.as_json() for r in rules]
    locked.status, locked.finished_at, locked.attempts = Req.Status.DONE, now, locked.attempts + 1
    if locked.purpose == Req.Purpose.PRECHECK:
        locked.decision = Req.Decision.INFO
        locked.reasons = [r.reason for r in results if r.outcome != sources.PASSED]
        locked.save()
        return 1
    decision, reasons = decide(case, results, rules)
    if locked.ocr_findings and decision == Req.Decision.APPROVED:
        decision = Req.Decision.MANUAL
    reasons += [_("附件预审：%(doc)s %(p)s") % {"doc": f["document"], "p": f["problem"]}
                for f in locked.ocr_findings]  # fmt: skip
    locked.decision, locked.reasons = decision, reasons
    locked.save()
    summary = "；".join(f"{sources.source_label(r.source)}：{r.reason}" for r in results)
    if decision == Req.Decision.APPROVED:
        _instant_approve(case, locked, results, rules)
    else:
        audit_record(
            event="verification.manual", obj=case,
            detail=f"{case.number} 转人工审核：{'；'.join(reasons)} ｜ {summary}"[:2000],
        )  # fmt: skip
    return 1


def _sampled(case: Case, percent: int) -> bool:
    """Deterministic per submission: a re-run does not draw again."""
    if percent <= 0:
        return False
    seed = f"{case.pk}:{case.submitted_at.isoformat() if case.submitted_at else ''}"
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 100 < percent


def decide(case: Case, results, rules) -> tuple[str, list[str]]:
    """(decision, every reason for manual review). Approved only when all is clear."""
    reasons: list[str] = []
    if case.status != Case.Status.AWAITING_ACCEPTANCE:
        return Req.Decision.INFO, [_("申请已由工作人员办理，系统不再自动审批")]
    if any(r.outcome == sources.UNAVAILABLE for r in results):
        reasons.append(_(UNAVAILABLE_NOTICE))
    for r in results:
        if r.outcome == sources.FAILED:
            reasons.append(f"{sources.source_label(r.source)}：{r.reason}")
    for rule in rules:
        if rule.status == "not_met":
            reasons.append(
                _("不符合申报条件「%(name)s」：%(why)s") % {"name": rule.name, "why": rule.reason}
            )
        elif rule.status == "unknown":
            reasons.append(
                _("无法判断申报条件「%(name)s」：%(why)s") % {"name": rule.name, "why": rule.reason}
            )
    policy = CategoryPolicy.objects.filter(category=case.category).first()
    if policy is None or not policy.instant_approval:
        reasons.append(_("该申报类别未开通系统秒批"))
    elif not reasons and _sampled(case, policy.sample_percent):
        reasons.append(_("随机抽查（%(p)s%%的申请转人工审核）") % {"p": policy.sample_percent})
    if not results:
        reasons.append(_("未配置任何数据核验来源"))
    return (Req.Decision.MANUAL if reasons else Req.Decision.APPROVED), reasons


def _instant_approve(case, request, results, rules) -> None:
    from rencai.cases.services import case_transition

    checks = "；".join(f"{sources.source_label(r.source)}：{r.reason}" for r in results)
    reason = _("系统秒批：数据核验全部通过（%(checks)s）；申报条件%(n)s项全部符合") % {
        "checks": checks, "n": len(rules)}  # fmt: skip
    try:
        with transaction.atomic():
            case_transition(case=case, action="instant_approve", actor=None, acting_as=None,
                            reason=reason)  # fmt: skip
    except DomainError as exc:  # the table refused (e.g. the case moved on): manual
        request.decision = Req.Decision.MANUAL
        request.reasons = [_("系统秒批未执行：%(why)s") % {"why": exc.message}]
        request.save(update_fields=["decision", "reasons"])
