"""The two request processes of this app, as data for rencai.process.

- `change` (信息变更申请, BG…): new/changed unit, new school, new major, unit phone/nature;
  the data service centre reviews; approving applies the change in the same transaction.
- `unit_admin` (单位系统管理员权限申请, QX…): the unit's approving department decides;
  approving grants the rights.
Both: pending → approved | rejected, and one overdue reminder (催办) to the reviewers.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.changes import effects, rules
from rencai.changes.models import ChangeRequest, RequestStatus, UnitAdminRequest
from rencai.process.declare import NEW, SYSTEM, DeadlineRule, Process, Transition, register

S = RequestStatus
T = Transition
STATES = {S.PENDING: S.PENDING.label, S.APPROVED: S.APPROVED.label, S.REJECTED: S.REJECTED.label}
TERMINAL = frozenset({S.APPROVED, S.REJECTED})
REQUESTER, OFFICE = "requester", "office"
ROLES = {REQUESTER: _("申请人"), OFFICE: _("审核机构工作人员"), SYSTEM: _("系统")}
ACTIONS = {
    "submit": _("提交申请"),
    "approve": _("审核通过"),
    "reject": _("审核不通过"),
    "remind": _("逾期催办"),
}


def _relation(requester_field: str):
    def relation(obj, actor, acting_as) -> str | None:
        from rencai.changes.selectors import official_office_ids

        if actor is None:
            return SYSTEM
        if getattr(obj, f"{requester_field}_id") == actor.pk:
            return REQUESTER
        if obj.office_id in official_office_ids(user=actor):
            return OFFICE
        return None

    return relation


def _decided_rows(approve_effects: tuple[str, ...]) -> tuple[Transition, ...]:
    return (
        T(S.PENDING, "approve", OFFICE, S.APPROVED, effects=(*approve_effects, "decided"),
          notify=("decided",), keep_due=True),
        T(S.PENDING, "reject", OFFICE, S.REJECTED, effects=("decided",), reason_required=True,
          notify=("decided",), keep_due=True),
        T(S.PENDING, "remind", SYSTEM, S.PENDING, effects=("remind",), keep_due=True),
    )  # fmt: skip


def _deadline(days: int) -> DeadlineRule:
    return DeadlineRule("remind", days)


DESCRIPTIONS = {
    "code_changed": "单位代码变更（9位改18位）",
    "code_kept": "单位代码不变",
    "apply": "按申请类型写入单位/院校/专业库",
    "grant": "开通单位系统管理员权限",
    "decided": "记录审核人、时间和意见",
    "remind": "短信/邮件催办审核人员，记录催办时间",
}

CHANGE = register(
    Process(
        key="change",
        label=_("信息变更申请"),
        model="changes.ChangeRequest",
        states=STATES,
        terminal=TERMINAL,
        roles=ROLES,
        actions=ACTIONS,
        relation=_relation("requester"),
        closed_is_stale=True,
        number_prefix=rules.NUMBER_PREFIX_CHANGE,
        # fmt: off
        transitions=(
            *(
                T(
                    NEW,
                    "submit",
                    REQUESTER,
                    S.PENDING,
                    guards=(f"kind_{kind}",),
                    deadline=_deadline(days),
                )
                for kind, days in rules.WORKDAYS.items()
                if kind != ChangeRequest.Kind.UNIT_CHANGE
            ),
            T(
                NEW,
                "submit",
                REQUESTER,
                S.PENDING,
                guards=("kind_unit_change", "code_changed"),
                deadline=_deadline(rules.WORKDAYS_CODE_CHANGE),
            ),
            T(
                NEW,
                "submit",
                REQUESTER,
                S.PENDING,
                guards=("kind_unit_change", "code_kept"),
                deadline=_deadline(rules.WORKDAYS[ChangeRequest.Kind.UNIT_CHANGE]),
            ),
            *_decided_rows(("apply",)),
        ),
        # fmt: on
        guards={
            **{f"kind_{k}": effects.kind_is(k) for k in ChangeRequest.Kind.values},
            "code_changed": effects.code_changed,
            "code_kept": effects.code_kept,
        },
        effects={
            "apply": effects.change_apply,
            "decided": effects.decided,
            "remind": effects.change_remind,
        },  # fmt: skip
        notifications={"decided": effects.change_decided_sms},
        descriptions={**DESCRIPTIONS, **{f"kind_{k}": str(k.label) for k in ChangeRequest.Kind}},
        fields=(
            "decided_at",
            "decided_by",
            "reason",
            "reminded_at",
            "unit",
            "institution",
            "major",
        ),  # fmt: skip
        select_related=("requester", "office", "unit"),
        holder=lambda obj: obj.office.name,
        title=lambda obj: str(obj),
        mine=lambda user: ChangeRequest.objects.filter(requester=user).select_related("office"),
        queue=lambda user: effects.office_queue(ChangeRequest, user),
        url=lambda obj: reverse("changes:detail", args=[obj.number]),
        office_url=lambda obj: reverse("changes:detail", args=[obj.number]),
        sweep=False,  # swept by services.change_reminders_sweep (a named worker entry)
        doc="审核机构为数据服务中心；期限见 rencai/changes/rules.py（常见问题 一.4、一.6、一.8、一.12）。",
    )
)

UNIT_ADMIN = register(
    Process(
        key="unit_admin",
        label=_("单位系统管理员权限申请"),
        model="changes.UnitAdminRequest",
        states=STATES,
        terminal=TERMINAL,
        roles={**ROLES, OFFICE: _("审批部门工作人员")},
        actions={**ACTIONS, "request": _("提交申请"), "approve": _("批准")},
        relation=_relation("applicant"),
        closed_is_stale=True,
        number_prefix=rules.NUMBER_PREFIX_UNIT_ADMIN,
        transitions=(
            T(NEW, "request", REQUESTER, S.PENDING, deadline=_deadline(rules.WORKDAYS_UNIT_ADMIN)),
            *_decided_rows(("grant",)),
        ),
        effects={
            "grant": effects.grant,
            "decided": effects.decided,
            "remind": effects.unit_admin_remind,
        },  # fmt: skip
        notifications={"decided": effects.unit_admin_decided_sms},
        descriptions=DESCRIPTIONS,
        fields=("decided_at", "decided_by", "reason", "reminded_at", "grant"),
        select_related=("applicant", "office", "unit"),
        holder=lambda obj: obj.office.name,
        title=lambda obj: f"{UnitAdminRequest._meta.verbose_name}：{obj.unit.name}",
        mine=lambda user: UnitAdminRequest.objects.filter(applicant=user).select_related(
            "office", "unit"
        ),
        queue=lambda user: effects.office_queue(UnitAdminRequest, user),
        url=lambda obj: reverse("changes:unit_admin_detail", args=[obj.number]),
        office_url=lambda obj: reverse("changes:unit_admin_detail", args=[obj.number]),
        sweep=False,  # swept by services.unit_admin_reminders_sweep
        doc="市属单位由市直主管部门审批，区属单位由所在区人社局审批（常见问题 二.1、二.2）。",
    )
)
