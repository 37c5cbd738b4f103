"""Guards named in the workflow table. A guard returns None when the move is allowed or
the reason (Chinese, shown to the user) when it is not; it may also raise a DomainError
whose message must be shown as is (e.g. a department without a chain)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.cases import routing, workflow
from rencai.cases.context import TransitionContext
from rencai.cases.models import Case

Guard = Callable[[TransitionContext], str | None]
GUARDS: dict[str, Guard] = {}
DESCRIPTIONS: dict[str, str] = {}


def guard(name: str, description: str):
    def register(fn: Guard) -> Guard:
        GUARDS[name] = fn
        DESCRIPTIONS[name] = description
        return fn

    return register


@guard("unit_registered", "引进单位已在单位库登记（新增单位申请审核通过后自动填入）")
def unit_registered(ctx):
    from rencai.cases.services_draft_unit import draft_unit_refusal

    return draft_unit_refusal(ctx.case) or None


@guard("form_complete", "申请表各栏已填写（个人信息、类别信息）")
def form_complete(ctx):
    from rencai.cases.selectors import case_form_problems

    problems = case_form_problems(ctx.case)
    if problems:
        return format_lazy(_("请先完成：{items}"), items=_("；").join(str(x) for x in problems))
    return None


@guard("not_reapply_blocked", "申请人未被禁止再报，或本申请已开通再次申报权限（FAQ 一.3）")
def not_reapply_blocked(ctx):
    from rencai.cases.reapply import reapply_status

    if ctx.case.reapply_lift_id is not None:
        return None  # this application holds the lift that opened it
    status = reapply_status(ctx.case.applicant)
    if status.blocked:
        return status.message
    if status.lift is not None:  # a lift opens a NEW application, not an older draft
        return _("再次申报权限仅适用于开通后新建的一份申请，请新建申请后送审。")
    return None


@guard("attachments_complete", "必备材料已上传")
def attachments_complete(ctx):
    from rencai.cases.requirements import missing_attachments

    missing = missing_attachments(ctx.case)
    if missing:
        return format_lazy(
            _("请先上传以下必备材料：{items}"), items=_("、").join(str(r.name) for r in missing)
        )
    return None


@guard("route_via_unit", "单位为市直机关事业单位或市属国企（经单位、主管部门）")
def route_via_unit(ctx):
    if routing.route_kind(ctx.case.unit) != Case.Route.VIA_UNIT:
        return format_lazy(
            _("“{unit}”的申请直接报送区人社局，无需单位管理员审核。"), unit=ctx.case.unit.name
        )
    return None


@guard("route_direct", "其他单位（直接报送所在区人社局）")
def route_direct(ctx):
    if routing.route_kind(ctx.case.unit) != Case.Route.DIRECT:
        return format_lazy(
            _("“{unit}”的申请须经单位管理员和主管部门审核。"), unit=ctx.case.unit.name
        )
    return None


@guard("department_chain_configured", "主管部门已配置内流程")
def department_chain_configured(ctx):
    route = ctx.route()  # raises DomainError when the unit has no department
    routing.department_chain_check(route.supervisory_office)
    return None


@guard("unit_admin_active", "引进单位有在职的单位系统管理员（否则单位审核无人办理）")
def unit_admin_active(ctx):
    routing.unit_admin_check(ctx.case.unit)  # raises with how the unit gets one
    return None


@guard("started_by_unit", "草稿由单位管理员代为发起（FAQ 二.3）")
def started_by_unit(ctx):
    if ctx.case.created_by_id == ctx.case.applicant_id:
        return _("该草稿由申请人本人填写，须由申请人送审后单位再审核。")
    return None


@guard("forwarded_within_hour", "单位送审后1小时内")
def forwarded_within_hour(ctx):
    case = ctx.case
    limit = timedelta(minutes=workflow.UNIT_WITHDRAW_MINUTES)
    if case.forwarded_at is None or ctx.now - case.forwarded_at > limit:
        office = case.holding_office
        contact = routing.office_contact(office) if office else ""
        return format_lazy(
            _("单位送审已超过1小时，不能自行撤回；请联系主管部门“{office}”退案（{contact}）。"),
            office=office.name if office else "",
            contact=contact,
        )
    return None


def _steps(ctx):
    step = ctx.case.chain_step
    if step is None:
        return None, []
    steps = list(
        step.__class__.objects.filter(
            office_id=step.office_id, purpose=step.purpose, is_active=True
        ).order_by("order")
    )
    return step, steps


def _position(ctx) -> tuple[int, int]:
    """(index of the current step, number of steps); (0, 0) without steps."""
    step, steps = _steps(ctx)
    if step is None:
        return 0, 0
    ids = [s.pk for s in steps]
    return (ids.index(step.pk) if step.pk in ids else 0), len(steps)


@guard("chain_at_first_step", "主管部门尚未开始审核（仍在第1步）")
def chain_at_first_step(ctx):
    index, _count = _position(ctx)
    if index != 0:
        return _("主管部门已开始审核，单位不能自行撤回，请联系主管部门退案。")
    return None


def _has_next(ctx):
    index, count = _position(ctx)
    return None if index + 1 < count else _("已是最后一步。")


def _is_last(ctx):
    index, count = _position(ctx)
    return None if index + 1 >= count else _("尚有后续审核步骤。")


def _has_prev(ctx):
    index, count = _position(ctx)
    return None if count and index > 0 else _("已是第一步，不能退回上一步。")


GUARDS.update(
    chain_has_next=_has_next,
    chain_is_last=_is_last,
    chain_has_prev=_has_prev,
    review_has_next=_has_next,
    review_is_last=_is_last,
    review_has_prev=_has_prev,
)
DESCRIPTIONS.update(
    chain_has_next="内流程还有下一步",
    chain_is_last="内流程最后一步",
    chain_has_prev="不是内流程第一步",
    review_has_next="审批步骤还有下一步（经办→复核→审批）",
    review_is_last="审批最后一步（或未配置审批步骤）",
    review_has_prev="不是审批第一步",
)


def _reroute(ctx, kind: str):
    route = ctx.new_route()
    if route.kind != kind:
        return _("改派后的路径不符。")
    if route.kind == Case.Route.DIRECT and route.acceptance_office.pk == ctx.case.holding_office_id:
        return _("改派的受理机构与当前受理机构相同。")
    if route.via_unit:
        routing.department_chain_check(route.supervisory_office)
    return None


@guard("reroute_direct", "按单位登记信息（或指定的区窗口）应由区人社局受理")
def reroute_direct(ctx):
    return _reroute(ctx, Case.Route.DIRECT)


@guard("reroute_via_unit", "按单位登记信息应经单位管理员和主管部门审核")
def reroute_via_unit(ctx):
    return _reroute(ctx, Case.Route.VIA_UNIT)
