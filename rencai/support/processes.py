"""The two processes of this app, declared for rencai.process.

- `ticket` (咨询/反馈, ZX…): a person's question or report, about a case/request or not;
  it goes to the office holding the case, else the data service centre, which answers
  within RENCAI_TICKET_WORKDAYS working days — or runs the fix itself (a reroute of the
  case, a return for correction) from the ticket.
- `work_order` (差评整改工单, GD…): opened by the system for a rating of 2 or less; the
  rated office answers within RENCAI_WORK_ORDER_WORKDAYS working days.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.process.declare import NEW, SYSTEM, DeadlineRule, Process, Transition, register
from rencai.support import effects
from rencai.support.models import Ticket, WorkOrder

T = Transition
REQUESTER, OFFICE = "requester", "office"
TICKET_DAYS = DeadlineRule("remind", 3, setting="RENCAI_TICKET_WORKDAYS")
ORDER_DAYS = DeadlineRule("remind", 5, setting="RENCAI_WORK_ORDER_WORKDAYS")
#: An answered ticket the person neither follows up nor closes is closed by the system
#: (自动办结) after this many working days; the answer said so.
CLOSE_DAYS = DeadlineRule("auto_close", 7, setting="RENCAI_TICKET_CLOSE_WORKDAYS")


def office_ids(user) -> set[int]:
    from rencai.accounts.models import RoleGrant

    return set(
        RoleGrant.objects.filter(
            user=user, role=RoleGrant.Role.OFFICIAL, revoked_at__isnull=True
        ).values_list("office_id", flat=True)
    )


def _ticket_relation(obj, actor, acting_as) -> str | None:
    if actor is None:
        return SYSTEM
    office = getattr(acting_as, "office", None)
    if office is not None and office.pk == obj.office_id and obj.office_id in office_ids(actor):
        return OFFICE
    if obj.requester_id == actor.pk:
        return REQUESTER
    return None


def _order_relation(obj, actor, acting_as) -> str | None:
    if actor is None:
        return SYSTEM
    office = getattr(acting_as, "office", None)
    if office is not None and office.pk == obj.office_id and obj.office_id in office_ids(actor):
        return OFFICE
    return None


S = Ticket.Status
TICKET = register(
    Process(
        key="ticket",
        label=_("咨询/反馈"),
        model="support.Ticket",
        states=dict(S.choices),
        terminal=frozenset({S.CLOSED}),
        roles={REQUESTER: _("提问人"), OFFICE: _("办理机构工作人员"), SYSTEM: _("系统")},
        actions={
            "open": _("提交咨询/反馈"),
            "reply": _("答复"),
            "fix_reroute": _("改派受理机构并答复"),
            "fix_return": _("退回修改并答复"),
            "follow_up": _("继续反馈"),
            "close": _("问题已解决"),
            "remind": _("逾期催办"),
            "auto_close": _("答复后未继续反馈，系统自动办结"),
        },
        relation=_ticket_relation,
        number_prefix="ZX",
        transitions=(
            T(NEW, "open", REQUESTER, S.OPEN, deadline=TICKET_DAYS, notify=("opened",)),
            T(
                S.OPEN,
                "reply",
                OFFICE,
                S.ANSWERED,
                effects=("answered",),
                reason_required=True,
                deadline=CLOSE_DAYS,
                notify=("replied",),
            ),
            T(
                S.OPEN,
                "fix_reroute",
                OFFICE,
                S.ANSWERED,
                guards=("has_case",),
                effects=("fix_reroute",),
                reason_required=True,
                deadline=CLOSE_DAYS,
                notify=("replied",),
            ),
            T(
                S.OPEN,
                "fix_return",
                OFFICE,
                S.ANSWERED,
                guards=("has_case",),
                effects=("fix_return",),
                reason_required=True,
                deadline=CLOSE_DAYS,
                notify=("replied",),
            ),
            T(S.OPEN, "remind", SYSTEM, S.OPEN, effects=("remind",), keep_due=True),
            T(S.OPEN, "close", REQUESTER, S.CLOSED),
            T(
                S.ANSWERED,
                "follow_up",
                REQUESTER,
                S.OPEN,
                effects=("reopened",),
                reason_required=True,
                deadline=TICKET_DAYS,
                notify=("opened",),
            ),
            T(S.ANSWERED, "close", REQUESTER, S.CLOSED),
            # The office closes an answered ticket the person left open (办结).
            T(S.ANSWERED, "close", OFFICE, S.CLOSED, label=_("办结")),
            T(S.ANSWERED, "auto_close", SYSTEM, S.CLOSED),
        ),  # fmt: skip
        guards={"has_case": effects.has_case},
        effects={
            "answered": effects.answered,
            "reopened": effects.reopened,
            "fix_reroute": effects.fix_reroute,
            "fix_return": effects.fix_return,
            "remind": effects.remind,
        },
        notifications={"opened": effects.opened, "replied": effects.replied},
        descriptions={
            "has_case": "咨询关联了一件申请",
            "answered": "记录答复时间",
            "reopened": "清除答复时间，重新计算答复期限",
            "fix_reroute": "以同一意见改派申请的受理机构（申请流转表的 reroute），记录关联",
            "fix_return": "以同一意见退回申请修改（申请流转表的 return），记录关联",
            "remind": "邮件催办办理机构，记录催办时间",
        },
        fields=("answered_at", "reminded_at", "fix_action", "fix_event"),
        select_related=("requester", "office", "case"),
        holder=lambda obj: obj.office.name if obj.status == S.OPEN else str(_("提问人")),
        title=lambda obj: _("咨询/反馈：%(topic)s") % {"topic": obj.get_topic_display()},
        mine=lambda user: Ticket.objects.filter(requester=user).select_related("office"),
        queue=lambda user: Ticket.objects.filter(
            office_id__in=office_ids(user), status=S.OPEN
        ).select_related("office"),
        url=lambda obj: reverse("support:ticket", args=[obj.number]),
        office_url=lambda obj: reverse("support:office_ticket", args=[obj.number]),
        doc="常见问题 一.9、一.11、二.6：不再通过邮件发送身份证号和截图；咨询带上申请编号、"
        "状态和办理机构，由办理机构（无关联申请时为数据服务中心）答复或直接改派、退回。",
    )
)

W = WorkOrder.Status
WORK_ORDER = register(
    Process(
        key="work_order",
        label=_("差评整改工单"),
        model="support.WorkOrder",
        states=dict(W.choices),
        terminal=frozenset({W.ANSWERED}),
        roles={OFFICE: _("被评价机构工作人员"), SYSTEM: _("系统")},
        actions={"open": _("差评生成工单"), "answer": _("整改答复"), "remind": _("逾期催办")},
        relation=_order_relation,
        number_prefix="GD",
        transitions=(
            T(NEW, "open", SYSTEM, W.OPEN, deadline=ORDER_DAYS),
            T(
                W.OPEN,
                "answer",
                OFFICE,
                W.ANSWERED,
                effects=("answered",),
                reason_required=True,
                notify=("answered",),
                keep_due=True,
            ),
            T(W.OPEN, "remind", SYSTEM, W.OPEN, effects=("remind",), keep_due=True),
        ),  # fmt: skip
        effects={"answered": effects.order_answered, "remind": effects.order_remind},
        notifications={"answered": effects.order_answered_sms},
        descriptions={
            "answered": "记录整改答复、答复人和时间",
            "remind": "邮件催办被评价机构，记录催办时间",
        },
        fields=("answer", "answered_at", "answered_by", "reminded_at"),
        select_related=("office", "rating", "rating__rater"),
        holder=lambda obj: obj.office.name,
        title=lambda obj: _("差评整改工单：%(step)s") % {"step": obj.rating.step},
        queue=lambda user: WorkOrder.objects.filter(
            office_id__in=office_ids(user), status=W.OPEN
        ).select_related("office", "rating"),
        office_url=lambda obj: reverse("support:office_order", args=[obj.number]),
        doc="好差评：评分为 2 分及以下时系统生成工单，被评价机构须在期限内答复（设置 "
        "RENCAI_WORK_ORDER_WORKDAYS，默认 5 个工作日）。",
    )
)
