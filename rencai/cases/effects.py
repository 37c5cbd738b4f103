"""Effects named in the workflow table: field changes a transition makes besides the
status (who holds the case, which step, timestamps). Most only set attributes on the
locked case; `case_transition` saves them in the same UPDATE as the status. A few write
rows of their own in the same transaction, the same on both deadline paths (one by one
and in bulk): the card, objection outcomes, and messages to the people who must act
(unit admins, department staff), whose outbox keys carry the case's version."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from rencai.cases import routing, workflow
from rencai.cases.context import TransitionContext
from rencai.cases.models import ChainStep, HistoricalSettlement
from rencai.core.clock import SHANGHAI

Effect = Callable[[TransitionContext], None]
EFFECTS: dict[str, Effect] = {}
DESCRIPTIONS: dict[str, str] = {}


def effect(name: str, description: str):
    def register(fn: Effect) -> Effect:
        EFFECTS[name] = fn
        DESCRIPTIONS[name] = description
        return fn

    return register


@effect("route_record", "按单位登记信息记录报送路径")
def route_record(ctx):
    route = ctx.chosen_route()
    ctx.case.route = route.kind
    ctx.case.supervisory_office = route.supervisory_office
    ctx.case.acceptance_office = route.acceptance_office


@effect("submitted", "记录送审时间")
def submitted(ctx):
    ctx.case.submitted_at = ctx.now
    ctx.case.unit_changeable = False


@effect("forwarded", "记录单位送审时间（1小时内可撤回）")
def forwarded(ctx):
    ctx.case.forwarded_at = ctx.now


@effect("to_unit", "转单位管理员")
def to_unit(ctx):
    ctx.case.holding_office = None
    ctx.case.chain_step = None


@effect("to_department", "转主管部门内流程第1步")
def to_department(ctx):
    dept = ctx.case.supervisory_office
    ctx.case.holding_office = dept
    ctx.case.chain_step = routing.department_steps(dept).first()


@effect("to_acceptance", "转受理机构")
def to_acceptance(ctx):
    ctx.case.holding_office = ctx.case.acceptance_office
    ctx.case.chain_step = None


@effect("leave_offices", "退回申请人，机构不再持有")
def leave_offices(ctx):
    ctx.case.holding_office = None
    ctx.case.chain_step = None


#: The deadline sweep fires thousands of cases per batch; within `batch_memo()` the first
#: review step of each office is looked up once instead of once per case.
_memo: ContextVar[dict | None] = ContextVar("rencai_effects_memo", default=None)


@contextlib.contextmanager
def batch_memo() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _first_review_step(office) -> ChainStep | None:
    memo = _memo.get()
    if memo is None:
        return routing.review_steps(office).first()
    key = ("review_first", getattr(office, "pk", None))
    if key not in memo:
        memo[key] = routing.review_steps(office).first()
    return memo[key]


@effect("accepted", "记录受理时间，进入审批第1步")
def accepted(ctx):
    ctx.case.accepted_at = ctx.now
    ctx.case.chain_step = _first_review_step(ctx.case.holding_office)


def _neighbour(ctx, offset: int) -> ChainStep:
    step = ctx.case.chain_step
    steps = list(
        ChainStep.objects.filter(
            office_id=step.office_id, purpose=step.purpose, is_active=True
        ).order_by("order")
    )
    ids = [s.pk for s in steps]
    return steps[ids.index(step.pk) + offset]


@effect("chain_next", "进入下一步")
def chain_next(ctx):
    ctx.case.chain_step = _neighbour(ctx, +1)


@effect("chain_prev", "退回上一步")
def chain_prev(ctx):
    ctx.case.chain_step = _neighbour(ctx, -1)


@effect("decided", "记录审批时间")
def decided(ctx):
    ctx.case.decided_at = ctx.now
    ctx.case.chain_step = None


@effect("closed", "记录办结时间")
def closed(ctx):
    ctx.case.closed_at = ctx.now


@effect("reopened", "重新打开为草稿（事业单位、市属国企的申请可更换引进单位）")
def reopened(ctx):
    case = ctx.case
    case.unit_changeable = case.unit.nature in workflow.UNIT_CHANGE_AFTER_WITHDRAW
    case.closed_at = case.submitted_at = case.forwarded_at = None
    case.holding_office = case.chain_step = None


@effect("record_settlement", "登记入户记录（用于“禁止再报”）")
def record_settlement(ctx):
    from rencai.core import clock

    applicant = ctx.case.applicant
    if applicant.id_number_index:
        HistoricalSettlement.objects.get_or_create(
            case=ctx.case,
            defaults={
                "id_number_index": applicant.id_number_index,
                "year": ctx.now.astimezone(clock.SHANGHAI).year,
                "source": HistoricalSettlement.Source.RENCAI,
                "recorded_at": ctx.now,
            },
        )


def card_category_label(case) -> str:
    """引进类别 as printed on the card: the category with its level or series."""
    category = str(case.get_category_display())
    if case.category == case.Category.EDUCATION:
        detail = case.get_education_level_display() if case.education_level else ""
    elif case.category == case.Category.TITLE:
        series = case.title_series.name if case.title_series_id else ""
        detail = "·".join(p for p in (series, case.qualification_level) if p)
    else:
        detail = "·".join(p for p in (case.qualification_name, case.qualification_level) if p)
    return f"{category}（{detail}）" if detail else category


@effect("issue_card", "出具《广州市入户人员信息卡》（生成一次并保存，重复执行不重复出卡）")
def issue_card(ctx):
    from rencai.cards.services import card_issue

    case = ctx.case
    office = case.holding_office or case.acceptance_office
    card_issue(
        case=case,
        holder_name=case.applicant.real_name,
        id_number_masked=case.applicant.id_number_masked,
        employer=case.unit.name,
        category=card_category_label(case),
        issuing_office=office.name if office else "",
        issued_on=ctx.now.astimezone(SHANGHAI).date(),
    )


@effect("back_to_review", "异议成立：退回受理机构审批第1步，重新审批")
def back_to_review(ctx):
    ctx.case.decided_at = None
    ctx.case.chain_step = _first_review_step(ctx.case.holding_office)


def _objections_close(ctx, *, upheld: bool) -> None:
    """Each open objection moves on its own process ("notice", by key: no import of it)."""
    from django.apps import apps

    from rencai.process import engine

    Objection = apps.get_model("notice", "Objection")
    action = "objection_upheld" if upheld else "objection_dismissed"
    for objection in Objection.objects.filter(case=ctx.case, status="open").order_by("pk"):
        engine.transition(
            process="notice", obj=objection, action=action, actor=ctx.actor,
            acting_as=ctx.acting_as, reason=ctx.reason, now=ctx.now, request=ctx.request,
        )  # fmt: skip


@effect("objections_dismissed", "公示异议记为“不成立”（附处理意见）")
def objections_dismissed(ctx):
    _objections_close(ctx, upheld=False)


@effect("objections_upheld", "公示异议记为“成立”（附处理意见）")
def objections_upheld(ctx):
    _objections_close(ctx, upheld=True)


# --- the unit's clock: reminder and escalation (workflow.UNIT_CLOCK) ------------------


def _tell(ctx, *, people, extra_email: str = "", tag: str, subject: str, body: str) -> None:
    """SMS and e-mail to the people who must act, in the transition's transaction.

    Keys carry the case's version before the move, so both deadline paths (one by one
    and in bulk) write the same rows and a retry writes none."""
    from rencai.notify.services import outbox_enqueue, sms_enqueue

    base = f"case:{ctx.case.pk}:v{ctx.case.version}:{tag}"
    emails = set()
    for person in people:
        if person.mobile:
            sms_enqueue(mobile=person.mobile, body=body, key=f"{base}:{person.pk}:sms")
        if person.email and person.email not in emails:
            emails.add(person.email)
            outbox_enqueue(
                channel="email", recipient=person.email, subject=subject, body=body,
                key=f"{base}:{person.pk}:email",
            )  # fmt: skip
    if extra_email and extra_email not in emails:
        outbox_enqueue(
            channel="email", recipient=extra_email, subject=subject, body=body,
            key=f"{base}:office:email",
        )  # fmt: skip


@effect("remind_unit_admins", "短信、邮件提醒单位管理员尽快审核（逾期将转主管部门）")
def remind_unit_admins(ctx):
    from rencai.cases.notifications import UNIT_ADMIN_REMINDER, message_render
    from rencai.workdays.calendar import deadline_for

    case = ctx.case
    dept = case.supervisory_office
    due = deadline_for(ctx.now, workflow.UNIT_CLOCK_LATE.workdays).due_date
    body = message_render(
        UNIT_ADMIN_REMINDER, number=case.number, name=case.applicant.real_name,
        days=workflow.UNIT_CLOCK.workdays, due_date=due, office=dept.name if dept else "",
    )  # fmt: skip
    people = routing.unit_admins(case.unit).order_by("pk")
    _tell(ctx, people=people, tag="remind", subject=f"入户申请{case.number}待单位审核", body=body)


@effect("alert_department", "短信、邮件通知主管部门工作人员（单位逾期未审核）")
def alert_department(ctx):
    from rencai.accounts.models import User
    from rencai.cases.notifications import DEPARTMENT_ALERT, message_render

    case = ctx.case
    dept = case.supervisory_office
    if dept is None:
        return
    staff = User.objects.filter(
        is_active=True, role_grants__role="official", role_grants__office=dept,
        role_grants__revoked_at__isnull=True,
    ).distinct().order_by("pk")  # fmt: skip
    body = message_render(DEPARTMENT_ALERT, unit=case.unit.name, number=case.number)
    _tell(
        ctx, people=staff, extra_email=dept.email, tag="escalate",
        subject=f"入户申请{case.number}转主管部门审核", body=body,
    )  # fmt: skip


@effect("remind_step_staff", "短信、邮件提醒本环节办理人员（及机构邮箱）：逾期期间定期提醒")
def remind_step_staff(ctx):
    from rencai.cases.actors import office_staff
    from rencai.cases.notifications import STEP_REMINDER, message_render

    case = ctx.case
    office, step = case.holding_office, case.chain_step
    if office is None:
        return
    body = message_render(
        STEP_REMINDER, number=case.number, name=case.applicant.real_name, office=office.name,
        step=f"“{step.name}”" if step is not None else "", days=workflow.STEP_CLOCK.workdays,
        again=workflow.STEP_CLOCK_AGAIN.workdays,
    )  # fmt: skip
    _tell(
        ctx, people=office_staff(case).order_by("pk"), extra_email=office.email,
        tag="step-remind", subject=f"入户申请{case.number}逾期未审核", body=body,
    )  # fmt: skip
