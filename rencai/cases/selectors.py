"""Reads for the pages, the API and the officials' worklists (phase 2/3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import dateformat, translation
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from rencai.cases import workflow
from rencai.cases.models import Case, CaseEvent
from rencai.core.errors import NotFound
from rencai.core.prepared import PreparedLookup


def case_status_text(case: Case) -> str:
    """The status in the seed's wording, naming the office; never blank (FAQ 一.9)."""
    status = case.status
    office = case.holding_office
    if status == Case.Status.DEPT_REVIEW and case.chain_step_id:
        step = case.chain_step
        return gettext("主管部门审核中（第%(order)s步：%(step)s）") % {
            "order": step.order,
            "step": step.name,
        }
    if status == Case.Status.AWAITING_ACCEPTANCE and office:
        return gettext("未受理，等待（%(office)s受理）") % {"office": office.name}
    if status == Case.Status.UNDER_REVIEW and office:
        return gettext("已受理，%(office)s审批中") % {"office": office.name}
    if status == Case.Status.CARD_ISSUED and _card_revoked(case):
        return gettext("已出具的《广州市入户人员信息卡》已作废")
    return str(Case.Status(status).label)


def _card_revoked(case: Case) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return case.card.revoked_at is not None
    except ObjectDoesNotExist:
        return False


@dataclass(frozen=True)
class AvailableAction:
    action: str
    label: str
    reason_required: bool


def case_actions_for(*, case: Case, role: str) -> list[AvailableAction]:
    """Buttons for someone with `role` on `case` (guards are checked when pressed)."""
    seen: dict[str, AvailableAction] = {}
    for t in workflow.transitions_from(case.status):
        if t.role == role and t.action not in seen:
            seen[t.action] = AvailableAction(t.action, t.action_label, t.reason_required)
    return list(seen.values())


def case_history(*, case: Case) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case=case).select_related("actor", "office").order_by("at", "id")
    )


def case_history_for_page(*, case: Case) -> list[CaseEvent]:
    """The history as the status page shows it: `actor_name` joined in (not the whole user
    row), each row's office from the reference cache (rencai.core.refcache)."""
    from rencai.cases.routing import office_by_pk

    events = list(
        CaseEvent.objects.filter(case=case)
        .annotate(actor_name=models.F("actor__real_name"))
        .order_by("at", "id")
    )
    for e in events:
        if e.office_id is not None and (office := office_by_pk(e.office_id)) is not None:
            e.office = office
    return events


def case_get_for_applicant(*, number: str, user) -> Case:
    case = (
        Case.objects.select_related("unit", "holding_office", "chain_step")
        .filter(number=number, applicant=user)
        .first()
    )
    if case is None:
        raise NotFound(gettext_lazy("申请不存在"))
    return case


def case_list_for_office(*, office, status: str | None = None):
    """An office's worklist (phase 3 pages add the caller's grant check)."""
    qs = Case.objects.filter(holding_office=office).select_related("unit", "applicant")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "submitted_at")


#: The relations a case page reads, fetched with the case (issue #15); its offices and
#: chain step come from the shared reference cache (attach_reference), not from joins.
PAGE_RELATED = ("unit", "applicant", "card", "folder")


def attach_reference(case: Case) -> Case:
    """Fill the case's offices and chain step from the reference cache (rencai.core.refcache:
    read-only instances, invalidated on change) instead of joining four tables per page."""
    from rencai.cases.routing import chain_step_by_pk, office_by_pk

    for field in ("holding_office", "supervisory_office", "acceptance_office"):
        pk = getattr(case, f"{field}_id")
        office = office_by_pk(pk) if pk is not None else None
        if office is not None:
            setattr(case, field, office)
    if case.chain_step_id is not None and (step := chain_step_by_pk(case.chain_step_id)):
        case.chain_step = step
    return case


#: The pages' and the API's case lookup, compiled once per process (rencai.core.prepared).
_CASE_BY_NUMBER = PreparedLookup(
    Case, "number",
    lambda number: Case.objects.select_related(*PAGE_RELATED).filter(number=number).order_by("pk"),
)  # fmt: skip


def case_get_for_actor(*, number: str, user, acting_as) -> tuple[Case, str]:
    """The case and the caller's role on it; NotFound unless the caller has one."""
    from rencai.cases.relations import relation_of

    # One query for what the status and draft pages read (issue #15): the route's offices
    # (progress), the applicant's name and the card (status text) come with the case.
    case = _CASE_BY_NUMBER.first(number)
    if case is not None:
        attach_reference(case)
    role = relation_of(case=case, actor=user, acting_as=acting_as) if case else None
    if case is None or role is None:
        raise NotFound(gettext_lazy("申请不存在"))
    return case, role


# --- the applicant's and the unit admin's pages (phase 2) ------------------------------


@dataclass(frozen=True)
class CheckItem:
    key: str  # personal / details / unit / attachments
    label: str
    done: bool
    detail: str = ""


def _pending_catalogue_requests(case: Case) -> list:
    from rencai.changes.models import ChangeRequest

    return list(
        ChangeRequest.objects.filter(
            requester_id__in={case.applicant_id, case.created_by_id},
            kind__in=[ChangeRequest.Kind.INSTITUTION_NEW, ChangeRequest.Kind.MAJOR_NEW],
            status=ChangeRequest.Status.PENDING,
        ).order_by("submitted_at")
    )


def case_catalogue_requests(case: Case) -> list:
    """The applicant's 增加院校/增加专业 requests (pending first): the draft waits for them."""
    from rencai.changes.models import ChangeRequest

    return list(
        ChangeRequest.objects.filter(
            requester_id__in={case.applicant_id, case.created_by_id},
            kind__in=[ChangeRequest.Kind.INSTITUTION_NEW, ChangeRequest.Kind.MAJOR_NEW],
        ).order_by("status", "-submitted_at")[:10]
    )


def details_missing_fields(case: Case) -> list[tuple[str, str]]:
    """(form field name, label) of what the category section still lacks."""
    from rencai.catalog.models import education_needs_catalogue_school

    missing = []
    if case.category == Case.Category.EDUCATION:
        level = case.education_level
        if not level:
            return [("education_level", gettext("最高学历"))]
        if education_needs_catalogue_school(level):
            if case.institution_id is None:
                missing.append(("institution", gettext("毕业院校（从院校库选择）")))
            if case.major_id is None:
                missing.append(("major", gettext("专业（从专业库选择）")))
        elif not case.institution_name:
            missing.append(("institution_name", gettext("毕业院校")))
        if case.graduation_date is None:
            missing.append(("graduation_date", gettext("毕业时间")))
        if not case.diploma_number:
            missing.append(("diploma_number", gettext("毕业证书编号")))
    elif case.category == Case.Category.TITLE:
        if case.title_series_id is None:
            missing.append(("title_series", gettext("职称系列")))
        if not case.qualification_name:
            missing.append(("qualification_name", gettext("资格名称")))
        if not case.certificate_number:
            missing.append(("certificate_number", gettext("证书编号")))
    else:
        if not case.qualification_name:
            missing.append(("qualification_name", gettext("职业（工种）名称")))
        if not case.qualification_level:
            missing.append(("qualification_level", gettext("等级")))
        if not case.certificate_number:
            missing.append(("certificate_number", gettext("证书编号")))
    return missing


def _details_missing(case: Case) -> list[str]:
    return [label for _field, label in details_missing_fields(case)]


def _enumerate(items) -> str:
    # Translators: the separator of an inline list (Chinese 、), e.g. ", " in English.
    return pgettext("list separator", "、").join(str(i) for i in items)


def case_form_problems(case: Case) -> list[str]:
    """What the applicant still has to fill in (not attachments or route: guards check those).

    For the Chinese message of the form_complete guard, so in the site language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [i.label + "：" + i.detail for i in _form_items(case) if not i.done]


def _form_items(case: Case) -> list[CheckItem]:
    """The checklist's first items: the personal data and the category's section."""
    applicant = case.applicant
    personal_ok = bool(applicant.real_name and applicant.id_number_index)
    items = [
        CheckItem(
            "personal",
            gettext("个人信息"),
            personal_ok,
            "" if personal_ok else gettext("账号缺少姓名或身份证号码，请联系技术支持补登"),
        )
    ]
    missing = _details_missing(case)
    detail = _enumerate(missing)
    if missing and case.category == Case.Category.EDUCATION:
        pending = _pending_catalogue_requests(case)
        if pending:
            detail += gettext("（等待%(requests)s）") % {
                "requests": _enumerate(
                    gettext("“%(kind)s”申请%(number)s审核")
                    % {"kind": p.get_kind_display(), "number": p.number}
                    for p in pending
                )
            }
    category = str(Case.Category(case.category).label)
    items.append(
        CheckItem(
            "details", gettext("%(category)s信息") % {"category": category}, not missing, detail
        )
    )
    return items


def case_checklist(case: Case) -> list[CheckItem]:
    """What is still missing before submission, in the order of the form."""
    from rencai.cases.requirements import missing_attachments
    from rencai.cases.routing import route_check
    from rencai.core.errors import DomainError

    items = _form_items(case)
    unit_label = gettext("引进单位及报送路径")
    try:
        route_check(case.unit)
        items.append(CheckItem("unit", unit_label, True))
    except DomainError as exc:
        items.append(CheckItem("unit", unit_label, False, exc.message))
    absent = missing_attachments(case)
    items.append(
        CheckItem(
            "attachments", gettext("必备材料"), not absent, _enumerate(r.name for r in absent)
        )
    )
    return items


@dataclass(frozen=True)
class Holder:
    """Who has the case now and whom to contact: never blank (FAQ 一.9)."""

    who: str  # the office, the unit, or the applicant
    office: object  # the Office to contact (address, phones, hours)
    unit: object = None  # unit review: the unit (its phone)
    note: str = ""


def case_contact_office(case: Case):
    """The office that holds the case, or will receive it, or last held it."""
    from rencai.cases.routing import route_for
    from rencai.core.errors import DomainError

    if case.holding_office_id:
        return case.holding_office
    if case.status in (Case.Status.UNIT_REVIEW,) and case.supervisory_office_id:
        return case.supervisory_office
    if case.acceptance_office_id:
        return case.acceptance_office
    try:
        return route_for(case.unit).acceptance_office
    except DomainError:
        from rencai.orgs.models import Office

        return Office.objects.filter(code="data-centre").first()


def case_holder(case: Case) -> Holder:
    status = case.status
    office = case_contact_office(case)
    if case.holding_office_id:
        return Holder(case.holding_office.name, office)
    if status == Case.Status.UNIT_REVIEW:
        return Holder(
            gettext("引进单位“%(unit)s”（单位管理员审核）") % {"unit": case.unit.name},
            office,
            unit=case.unit,
            note=gettext("单位审核通过后送主管部门"),
        )
    if status == Case.Status.DRAFT:
        return Holder(gettext("申请人（尚未送审）"), office, note=gettext("送审后由下列机构受理"))
    if status == Case.Status.RETURNED:
        return Holder(gettext("申请人（退回修改）"), office, note=gettext("修改后重新送审"))
    return Holder(gettext("申请人（已撤回）"), office, note=gettext("如有疑问请联系"))


@dataclass(frozen=True)
class DeadlineView:
    due_date: object
    remaining: int | None
    provisional: bool
    text: str


#: What the case's clock is, by the action it fires (workflow.py's DeadlineRules).
DEADLINE_NAMES = {
    "auto_accept": gettext_lazy("受理期限"),
    "notice_pass": gettext_lazy("公示期"),
    "unit_review_remind": gettext_lazy("单位审核期限"),
    "unit_review_escalate": gettext_lazy("单位审核期限（已提醒，逾期转主管部门审核）"),
    "draft_remind": gettext_lazy("草稿送审期限"),
    "draft_expire": gettext_lazy("草稿送审期限（已提醒，逾期系统撤回草稿）"),
    "correction_remind": gettext_lazy("修改送审期限"),
    "correction_expire": gettext_lazy("修改送审期限（已提醒，逾期视为撤回）"),
    "step_remind": gettext_lazy("本环节审核时限"),
    "step_remind_again": gettext_lazy("本环节审核时限"),
    "": gettext_lazy("期限"),
}


def case_deadline(case: Case) -> DeadlineView:
    from rencai.core import clock
    from rencai.workdays.calendar import remaining_workdays

    if case.due_date is None:
        return DeadlineView(None, None, False, gettext("本环节无办理时限"))
    remaining = remaining_workdays(case.due_date, clock.today())
    what = str(DEADLINE_NAMES.get(case.due_action, DEADLINE_NAMES[""]))
    # Translators: a date in Django's date format syntax (Y年m月d日 = 2026年03月05日).
    date = dateformat.format(case.due_date, pgettext("deadline date", "Y年m月d日"))
    values = {"what": what, "date": date, "remaining": remaining}
    if remaining > 0:
        text = ngettext(
            "%(what)s至%(date)s，剩余%(remaining)s个工作日",
            "%(what)s至%(date)s，剩余%(remaining)s个工作日",
            remaining,
        )
    elif remaining == 0:
        text = gettext("%(what)s至今天（%(date)s）")
    else:
        text = gettext("%(what)s已于%(date)s届满")
    text %= values
    if case.due_action == "auto_accept":
        text += gettext("；期满未受理或退案的，下一个工作日系统自动受理")
    elif case.due_action == "step_remind_again":  # workflow.STEP_CLOCK_AGAIN keeps the date
        text += gettext("；系统已提醒办理人员，逾期期间每%(days)s个工作日再次提醒") % {
            "days": workflow.STEP_CLOCK_AGAIN.workdays
        }
    return DeadlineView(case.due_date, remaining, case.due_provisional, text)


def case_list_mine(*, user):
    return (
        Case.objects.filter(applicant=user)
        .select_related("unit", "holding_office", "chain_step")
        .order_by("-created_at", "-id")
    )


def case_get_for_page(*, number: str, user, acting_as) -> tuple[Case, str]:
    """The pages' lookup: the same as the API's (an applicant's own draft is private to
    them: relations.relation_of)."""
    return case_get_for_actor(number=number, user=user, acting_as=acting_as)


def unit_worklist(*, unit) -> dict[str, list[Case]]:
    """A unit admin's cases: to review, drafts the unit started, forwarded, returned."""
    qs = Case.objects.filter(unit=unit).select_related(
        "applicant", "holding_office", "chain_step", "created_by"
    )
    return {
        "review": list(qs.filter(status=Case.Status.UNIT_REVIEW).order_by("submitted_at")),
        "drafts": list(
            qs.filter(status=Case.Status.DRAFT)
            .exclude(created_by_id=models.F("applicant_id"))
            .order_by("-created_at")
        ),
        "forwarded": list(qs.filter(status=Case.Status.DEPT_REVIEW).order_by("-forwarded_at")[:50]),
        "returned": list(qs.filter(status=Case.Status.RETURNED).order_by("-updated_at")[:50]),
    }


# --- officials: the person's other applications (issue #9) -----------------------------


@dataclass(frozen=True)
class OtherCase:
    number: str
    status: str
    status_text: str
    office: str  # the office holding it now ("" when none: a draft, a closed case)
    created_at: object
    open: bool
    here: bool  # held by the asking official's office: the number links to it


def case_other_cases(*, case: Case, user, acting_as) -> list[OtherCase]:
    """The applicant's other applications, any state, for staff of the office holding
    `case` (nobody else gets any): a duplicate or an earlier case is visible to them."""
    from rencai.cases.relations import relation_of

    office = getattr(acting_as, "office", None)
    role = relation_of(case=case, actor=user, acting_as=acting_as) if office else None
    if role != workflow.Role.OFFICE:
        return []
    others = (
        Case.objects.filter(applicant_id=case.applicant_id)
        .exclude(pk=case.pk)
        .select_related("holding_office", "chain_step")
        .order_by("-created_at", "-id")[:20]
    )
    return [
        OtherCase(
            number=o.number,
            status=o.status,
            status_text=case_status_text(o),
            office=o.holding_office.name if o.holding_office_id else "",
            created_at=o.created_at,
            open=o.status in Case.OPEN_STATUSES,
            here=o.holding_office_id == office.pk,
        )
        for o in others
    ]
