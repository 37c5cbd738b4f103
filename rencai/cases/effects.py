"""Effects named in the workflow table: field changes a transition makes besides the
status (who holds the case, which step, timestamps). They only set attributes on the
locked case; `case_transition` saves them in the same UPDATE as the status."""

from __future__ import annotations

from collections.abc import Callable

from rencai.cases import routing
from rencai.cases.context import TransitionContext
from rencai.cases.models import ChainStep, HistoricalSettlement

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


@effect("accepted", "记录受理时间，进入审批第1步")
def accepted(ctx):
    ctx.case.accepted_at = ctx.now
    ctx.case.chain_step = routing.review_steps(ctx.case.holding_office).first()


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


@effect("reopened", "重新打开为草稿（可更换引进单位）")
def reopened(ctx):
    case = ctx.case
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
