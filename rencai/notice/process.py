"""Objections (异议) as a process of rencai.process: filed by anyone (the system acts for
the public, who is not a party), closed by the office holding the case when it dismisses
or upholds (the case's effects objections_dismissed / objections_upheld move each open
objection here, by key, so rencai.cases never imports this app)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.core.masking import scrub
from rencai.notice.models import Objection
from rencai.process.declare import NEW, SYSTEM, DeadlineRule, Process, Transition, register

S = Objection.Status
FINDING_MAX = 2000
OFFICE = "office"
#: The holding office checks an objection within 5 working days (the notice itself runs 5
#: working days, FAQ 一.11; no separate time is published): then it is reminded, once.
CHECK_DAYS = DeadlineRule("remind", 5, setting="RENCAI_OBJECTION_WORKDAYS")


def _relation(obj, actor, acting_as) -> str | None:
    from rencai.accounts.models import RoleGrant

    if actor is None:
        return SYSTEM
    holding = obj.case.holding_office_id
    if (
        holding
        and RoleGrant.objects.filter(
            user=actor, role=RoleGrant.Role.OFFICIAL, office_id=holding, revoked_at__isnull=True
        ).exists()
    ):
        return OFFICE
    return None


def _resolved(ctx) -> None:
    obj = ctx.obj
    obj.resolved_at, obj.resolved_by = ctx.now, ctx.actor
    obj.resolution = obj.resolution or scrub(ctx.reason)[:FINDING_MAX]


def _remind(ctx) -> None:
    from rencai.notice.services import remind_office

    if not remind_office(ctx.obj):
        ctx.outcome = "no_recipient"


def _holder(obj) -> str:
    office = obj.case.holding_office
    return office.name if office else str(_("办理机构"))


def _queue(user):
    from rencai.process.selectors import official_office_ids

    return (
        Objection.objects.filter(
            case__holding_office_id__in=official_office_ids(user=user), status=S.OPEN
        )
        .select_related("case", "case__holding_office")
        .order_by("due_at", "id")
    )


def _office_url(obj) -> str:
    return reverse("backoffice:case", args=[obj.case.number]) + "#objections"


def _tell(ctx) -> None:
    from rencai.notice.services import tell_objector

    office = ctx.obj.case.holding_office
    tell_objector(ctx.obj, office_name=office.name if office else "办理机构")


OBJECTION = register(
    Process(
        key="notice",  # audit events notice.objection_filed, notice.objection_dismissed, …
        label=_("公示异议"),
        model="notice.Objection",
        states={s.value: s.label for s in S},
        terminal=frozenset({S.DISMISSED, S.UPHELD}),
        roles={SYSTEM: _("系统（代公众提交）"), OFFICE: _("办理机构工作人员")},
        actions={
            "objection_filed": _("提出异议"),
            "objection_dismissed": _("异议不成立"),
            "objection_upheld": _("异议成立"),
            "remind": _("逾期催办"),
        },
        relation=_relation,
        closed_is_stale=True,
        transitions=(
            Transition(NEW, "objection_filed", SYSTEM, S.OPEN, deadline=CHECK_DAYS),
            Transition(S.OPEN, "remind", SYSTEM, S.OPEN, effects=("remind",), keep_due=True),
            Transition(
                S.OPEN,
                "objection_dismissed",
                OFFICE,
                S.DISMISSED,
                effects=("resolved",),
                notify=("outcome",),
                reason_required=True,
            ),
            Transition(
                S.OPEN,
                "objection_upheld",
                OFFICE,
                S.UPHELD,
                effects=("resolved",),
                notify=("outcome",),
                reason_required=True,
            ),
        ),  # fmt: skip
        effects={"resolved": _resolved, "remind": _remind},
        notifications={"outcome": _tell},
        descriptions={
            "resolved": "记录处理人、时间；无单独核查意见的，以决定理由为核查意见",
            "outcome": "短信（或邮件）告知异议人核查结果",
            "remind": "逾期未核查：短信（或邮件）催办持有申请的办理机构人员，无人可达时发机构邮箱",
        },  # fmt: skip
        fields=("resolved_at", "resolved_by", "resolution"),
        select_related=("case", "case__holding_office"),
        holder=_holder,
        title=lambda obj: _("公示异议：%(number)s") % {"number": obj.case.number},
        queue=_queue,
        office_url=_office_url,
        doc="公示期内任何人可提出异议（常见问题 一.11）；核查由持有申请的办理机构在申请页完成，"
        "期限 5 个工作日（设置 RENCAI_OBJECTION_WORKDAYS），逾期催办一次。",
    )
)
