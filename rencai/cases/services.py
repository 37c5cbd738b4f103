"""Writes on cases. `case_transition` is the only writer of a case's workflow columns."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.audit.services import audit_record
from rencai.cases import workflow
from rencai.cases.models import Case, CaseEvent, CaseNumberSequence
from rencai.cases.process import CASE, STALE, WORKFLOW_FIELDS  # noqa: F401 (STALE: re-export)
from rencai.cases.relations import acting_as_label, relation_of
from rencai.cases.selectors import case_status_text
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.orgs.models import Unit
from rencai.process import engine
from rencai.process.declare import NEW

log = logging.getLogger(__name__)
OPEN_CASE_CODE = "open_case_exists"
SYSTEM_REASONS = {
    "auto_accept": "系统自动受理（受理机构5个工作日内未查核或退案，第6个工作日自动受理）",
    "notice_pass": "系统确认：公示期满无异议",
    # The unit's clock (workflow.UNIT_CLOCK): the history says what the system did.
    "unit_review_remind": "单位管理员逾期未审核，系统已短信、邮件提醒单位管理员",
    "unit_review_escalate": "单位管理员提醒后仍逾期未审核，系统转主管部门审核",
    # The other clocks (workflow.DRAFT_CLOCK, CORRECTION_CLOCK, STEP_CLOCK).
    "draft_remind": "草稿逾期未送审，系统已短信提醒申请人",
    "draft_expire": "草稿提醒后仍未送审，系统撤回（已填内容保留，可重新填报）",
    "correction_remind": "退回后逾期未修改送审，系统已短信提醒申请人",
    "correction_expire": "提醒后仍未修改送审，视为撤回（已填内容保留，可重新填报）",
    "step_remind": "本环节逾期未审核，系统已短信、邮件提醒办理人员",
    "step_remind_again": "本环节仍逾期未审核，系统再次提醒办理人员",
}
#: Tests set this to observe (or kill the process) right after the status UPDATE.
_after_status_update: Callable[[Case], None] | None = None


def case_number_next(*, now: datetime | None = None) -> str:
    """RC2026-000123. Call inside a transaction: the year's row lock serialises callers."""
    year = (now or clock.now()).astimezone(clock.SHANGHAI).year
    with transaction.atomic():
        row = CaseNumberSequence.objects.select_for_update().filter(year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = CaseNumberSequence.objects.create(year=year, last=0)
            except IntegrityError:  # another transaction created it first
                row = CaseNumberSequence.objects.select_for_update().get(year=year)
        row.last += 1
        row.save(update_fields=["last"])
    return f"RC{year}-{row.last:06d}"


@transaction.atomic
def case_create(
    *, applicant, unit, category: str, created_by=None, unit_request=None, **form
) -> Case:
    """A new draft. `form` holds application fields (education_level, institution, …).
    `unit_request` instead of `unit`: the applicant's pending 新增单位 request (issue #11)."""
    from rencai.documents.services import folder_create

    if category not in Case.Category.values:
        raise DomainError(
            format_lazy(gettext_lazy("申报类别“{category}”无效"), category=category),
            field="category",
        )
    now = clock.now()
    case = Case(
        number=case_number_next(now=now),
        applicant=applicant,
        created_by=created_by or applicant,
        category=category,
        unit=unit,
        unit_request=unit_request,
        folder=folder_create(owner_kind="case"),
        created_at=now,
        **form,
    )
    # Constraints (one open case per person, one case per lift) are the database's to
    # judge: concurrent requests would pass a check made here (application_start maps
    # the IntegrityError to the guard's message).
    case.full_clean(exclude=["folder", "unit"], validate_constraints=False)
    _start_draft_clock(case, now)
    case.save()
    audit_record(event="case.create", actor=created_by or applicant, obj=case, detail=case.number)
    return case


def _start_draft_clock(case: Case, now: datetime) -> None:
    """The table's creation row (workflow: NEW --create--> draft) starts the draft's clock."""
    R = workflow.Role
    role = R.APPLICANT if case.created_by_id == case.applicant_id else R.UNIT_ADMIN
    (row,) = CASE.candidates(NEW, "create", role)
    engine.set_deadline(case, row, now)


# --- one open application per person (constraint case_one_open_per_applicant) ----------


def case_open_of(applicant, *, exclude_pk: int | None = None) -> Case | None:
    """The person's open application (any state but the workflow's terminal ones)."""
    qs = Case.objects.filter(applicant_id=applicant.pk, status__in=Case.OPEN_STATUSES)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("holding_office", "chain_step", "unit").order_by("id").first()


def _open_case_refusal(open_case: Case, *, actor=None) -> Conflict:
    """The guard's message, also for the IntegrityError of a concurrent request. The
    number is named to the applicant (and to the unit admin of that case's unit only)."""
    status = case_status_text(open_case)
    if (
        actor is None
        or actor.pk == open_case.applicant_id
        or (open_case.created_by_id == getattr(actor, "pk", None))
    ):
        message = format_lazy(
            gettext_lazy(
                "您已有一份进行中的入户申请{number}（{status}）：同一时间只能有一份进行中的申请。"
                "请继续办理该申请；如需改报，请在受理前撤回该申请后再新建。"
            ),
            number=open_case.number,
            status=status,
        )
    else:
        message = gettext_lazy(
            "该申请人已有一份进行中的入户申请，同一时间只能有一份，不能再代为发起。"
        )
    return Conflict(message, code=OPEN_CASE_CODE)


def _refuse_second_open(applicant, *, actor=None, exclude_pk: int | None = None) -> None:
    open_case = case_open_of(applicant, exclude_pk=exclude_pk)
    if open_case is not None:
        raise _open_case_refusal(open_case, actor=actor)


def case_transition(
    *,
    case: Case,
    action: str,
    actor,
    acting_as,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
    target_office=None,
    request=None,
) -> Case:
    """Move a case along the workflow table: rencai.process.engine.transition with the
    case process (rencai.cases.process). One transaction: lock, version, the table row
    whose guards pass, effects, deadline, CaseEvent, audit entry, SMS outbox rows. Anything
    refused raises (Conflict 409 / DomainError 400) and changes nothing. `acting_as` is an
    accounts.roles.ActingAs (None with actor=None: system)."""
    reason = (reason or "").strip() or ("" if actor else SYSTEM_REASONS.get(action, ""))
    engine.transition(
        process=CASE, obj=case, action=action, actor=actor, acting_as=acting_as, reason=reason,
        expected_version=expected_version, now=now, request=request, target_office=target_office,
    )  # fmt: skip
    return case


FORM_FIELDS = (
    "education_level", "institution", "institution_name", "major", "major_name",
    "graduation_date", "diploma_number", "degree_number", "title_series",
    "qualification_name", "qualification_level", "certificate_number", "certificate_date",
)  # fmt: skip


def case_editable(case: Case, role: str | None) -> bool:
    """May someone with `role` change the application's data (and attachments) now?

    The applicant: a draft or a returned case. The unit admin (FAQ 二.3, 二.4): a draft
    the unit started, a case under the unit's review (also after pulling it back within
    the hour), or one returned to the unit."""
    status = case.status
    if role == workflow.Role.APPLICANT:
        return status in (Case.Status.DRAFT, Case.Status.RETURNED)
    if role == workflow.Role.UNIT_ADMIN:
        if status == Case.Status.DRAFT:
            return case.created_by_id != case.applicant_id
        return status in (Case.Status.UNIT_REVIEW, Case.Status.RETURNED)
    return False


def _refuse_edit(case: Case) -> None:
    raise Conflict(
        format_lazy(
            gettext_lazy("当前状态「{case}」下不能修改申请资料"), case=case_status_text(case)
        ),
        code="not_editable",
    )


def case_unit_change_refusal(case: Case) -> str | None:
    """Why the employer may not be changed now (None: it may). FAQ 一.18: until the first
    submission, and after withdrawing only for the natures in the table entry."""
    if case.status != Case.Status.DRAFT:
        return gettext_lazy("已送审的申请不能更换引进单位；如需更换，请在受理前撤回后重新填报。")
    if not case.unit_changeable:
        natures = gettext_lazy("、").join(
            str(n.label) for n in Unit.Nature if n in workflow.UNIT_CHANGE_AFTER_WITHDRAW
        )
        return format_lazy(
            gettext_lazy(
                "撤回后仅{natures}的申请可更换引进单位（FAQ 一.18）；如需改由其他单位引进，请新建申请。"
            ),
            natures=natures,
        )
    return None


@transaction.atomic
def case_update(*, case: Case, actor, acting_as, fields: dict, unit=None, request=None) -> Case:
    """Save a section of the draft. Only FORM_FIELDS and the unit; nothing else moves."""
    from rencai.catalog.models import education_needs_catalogue_school

    locked = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
    role = relation_of(case=locked, actor=actor, acting_as=acting_as)
    if role is None:
        raise NotFound(gettext_lazy("申请不存在"))
    if not case_editable(locked, role):
        _refuse_edit(locked)
    unknown = set(fields) - set(FORM_FIELDS)
    if unknown:
        raise DomainError(
            format_lazy(gettext_lazy("字段“{unknown}”不能修改"), unknown=sorted(unknown)[0]),
            field=sorted(unknown)[0],
        )
    changed = []
    if unit is not None and not isinstance(unit, Unit) and _is_change_request(unit):
        changed += _draft_unit_request_set(locked, unit, role=role)
    elif unit is not None and (unit.pk != locked.unit_id or locked.unit_request_id):
        if not isinstance(unit, Unit):
            raise DomainError(gettext_lazy("引进单位：请通过搜索选择单位"), field="unit")
        if role != workflow.Role.APPLICANT:
            raise DomainError(gettext_lazy("引进单位：单位管理员不能更换引进单位"), field="unit")
        if (refusal := case_unit_change_refusal(locked)) is not None:
            raise DomainError(
                format_lazy(gettext_lazy("引进单位：{refusal}"), refusal=refusal), field="unit"
            )
        if not unit.is_active:
            raise DomainError(
                format_lazy(gettext_lazy("引进单位：所选单位“{name}”已注销"), name=unit.name),
                field="unit",
            )
        locked.unit, locked.unit_request = unit, None
        changed += ["unit", "unit_request"]
    for name, value in fields.items():
        if isinstance(value, str):
            value = " ".join(value.split())
        setattr(locked, name, value)
        changed.append(name)
    level = locked.education_level
    if "education_level" in fields or "institution" in fields or "institution_name" in fields:
        if level and education_needs_catalogue_school(level):
            # From 大专 up the school and the major come from the catalogue only (FAQ 一.8).
            locked.institution_name = locked.major_name = ""
        else:
            locked.institution = locked.major = None
        changed += ["institution", "institution_name", "major", "major_name"]
    locked.full_clean(exclude=["folder", "applicant", "created_by", "unit", "unit_request"])
    changed = sorted(set(changed))
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            event="case.update", actor=actor, obj=locked, request=request,
            acting_as=acting_as_label(actor, acting_as), detail=f"{locked.number} {','.join(changed)}",
        )  # fmt: skip
    case.refresh_from_db()
    return case


def _is_change_request(value) -> bool:
    from rencai.changes.models import ChangeRequest

    return isinstance(value, ChangeRequest)


def _draft_unit_request_set(locked: Case, change, *, role: str) -> list[str]:
    """Name the applicant's pending 新增单位 request instead of a unit (issue #11)."""
    from rencai.cases.services_draft_unit import pending_unit_request_for

    if role != workflow.Role.APPLICANT:
        raise DomainError(gettext_lazy("引进单位：单位管理员不能更换引进单位"), field="unit")
    if locked.status != Case.Status.DRAFT:
        raise DomainError(
            gettext_lazy("引进单位：已送审过的申请只能选择已登记的单位。"), field="unit"
        )
    if (refusal := case_unit_change_refusal(locked)) is not None:
        raise DomainError(
            format_lazy(gettext_lazy("引进单位：{refusal}"), refusal=refusal), field="unit"
        )
    if locked.unit_request_id == change.pk:
        return []
    change = pending_unit_request_for(locked.applicant, change.number, lock=True)
    locked.unit, locked.unit_request = None, change
    return ["unit", "unit_request"]


def case_attachment_upload(*, case: Case, actor, acting_as, type_code: str, file, request=None):
    """Upload (or replace: the old one is kept as history) an attachment of an editable case."""
    from rencai.documents.services import document_upload

    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        role = relation_of(case=locked, actor=actor, acting_as=acting_as)
        if role is None:
            raise NotFound(gettext_lazy("申请不存在"))
        if not case_editable(locked, role):
            _refuse_edit(locked)
        document = document_upload(
            folder=locked.folder, type_code=type_code, file=file, uploaded_by=actor
        )
        audit_record(
            event="case.attachment", actor=actor, obj=locked, request=request,
            detail=f"{locked.number} {type_code} {document.public_id}",
        )  # fmt: skip
    return document


def case_act(
    *,
    case: Case,
    action: str,
    actor,
    acting_as,
    reason: str = "",
    expected_version: int | None = None,
    request=None,
) -> tuple[Case, bool]:
    """A transition pressed by a person (page or API). Returns (case, replayed).

    Idempotent with `expected_version`: when the version has moved on because *this*
    action by *this* person already happened at exactly that version (a double click, a
    retried request), the earlier result is returned instead of a 409. Completeness of
    the form is a guard of the table (form_complete), the same for pages and API."""
    try:
        return (
            case_transition(
                case=case,
                action=action,
                actor=actor,
                acting_as=acting_as,
                reason=reason,
                expected_version=expected_version,
                request=request,
            ),  # fmt: skip
            False,
        )
    except Conflict as exc:
        if exc.code != "stale" or expected_version is None or actor is None:
            raise
        done = CaseEvent.objects.filter(
            case_id=case.pk, version=expected_version + 1, action=action, actor=actor
        ).exists()
        if not done:
            raise
        case.refresh_from_db()
        return case, True


@transaction.atomic
def application_start(*, applicant, unit, category: str, created_by=None, request=None) -> Case:
    """A person (or a unit admin for them) starts a new application: the entry point of
    the pages and the API. Refuses a second open application (one at a time; the
    database index case_one_open_per_applicant decides between concurrent starts),
    a person under 「已禁止再报」 (FAQ 一.3), and consumes a lift (开通再次申报权限) —
    one lift, one application."""
    from rencai.cases.reapply import reapply_check, reapply_lift_consume

    actor = created_by or applicant
    unit_request = None
    if unit is not None and _is_change_request(unit):
        # Issue #11: the employer is not registered yet; the person's own pending request.
        from rencai.cases.services_draft_unit import pending_unit_request_for

        if created_by is not None and created_by != applicant:
            raise DomainError(gettext_lazy("引进单位：请选择已登记的单位"), field="unit")
        unit, unit_request = None, pending_unit_request_for(applicant, unit.number, lock=True)
    elif unit is None:
        raise DomainError(gettext_lazy("引进单位：请通过搜索选择单位"), field="unit")
    _refuse_second_open(applicant, actor=actor)
    lift = reapply_check(applicant)
    try:
        with transaction.atomic():
            case = case_create(
                applicant=applicant, unit=unit, category=category, created_by=created_by,
                reapply_lift=lift, unit_request=unit_request,
            )  # fmt: skip
    except IntegrityError as exc:
        other = case_open_of(applicant)
        if other is not None:
            raise _open_case_refusal(other, actor=actor) from exc
        if lift is not None and Case.objects.filter(reapply_lift=lift).exists():
            raise Conflict(
                gettext_lazy("再次申报权限已被另一份申请使用（每次开通仅限一次申报）"),
                code="reapply_blocked",
            ) from exc
        raise
    if lift is not None:
        reapply_lift_consume(lift=lift, case=case)
    return case


# The deadline worker (bulk, in its own module; `rencai.cases.services.deadlines_fire` is
# the name settings.RENCAI_WORKER_SWEEPS and callers use).
from rencai.cases.sweep import deadlines_fire  # noqa: E402, F401
