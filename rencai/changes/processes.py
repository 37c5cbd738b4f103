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
    "change_apply": "按申请类型写入单位/院校/专业库",
    "grant": "开通单位系统管理员权限",
    "decided": "记录审核人、时间和意见",
    "remind": "短信/邮件催办审核人员，记录催办时间",
}


def _reviewed(*, model, requester: str, detail_url: str, approve: str, remind, **fields) -> Process:
    """A reviewed request: pending → approved (running `approve`) | rejected, one reminder."""
    return register(
        Process(
            model=f"changes.{model.__name__}", states=STATES, terminal=TERMINAL,
            relation=_relation(requester), closed_is_stale=True,
            effects={approve: getattr(effects, approve), "decided": effects.decided,
                     "remind": remind, **fields.pop("effects", {})},
            fields=("decided_at", "decided_by", "reason", "reminded_at", *fields.pop("fields")),
            select_related=(requester, "office", "unit"),
            holder=lambda obj: obj.office.name,
            mine=lambda user: model.objects.filter(**{requester: user}).select_related("office"),
            queue=lambda user: effects.office_queue(model, user),
            url=lambda obj: reverse(detail_url, args=[obj.number]),
            office_url=lambda obj: reverse(detail_url, args=[obj.number]),
            sweep=False,  # swept by its named worker entry in services (change/unit_admin_…)
            **fields,
        )
    )  # fmt: skip


# fmt: off
CHANGE = _reviewed(
    key="change", label=_("信息变更申请"), model=ChangeRequest, requester="requester",
    detail_url="changes:detail", approve="change_apply", remind=effects.change_remind,
    roles=ROLES, actions=ACTIONS, number_prefix=rules.NUMBER_PREFIX_CHANGE,
    reason_message=_("审核意见：不通过时必须填写原因，申请人会看到。"),
    transitions=(
        *(T(NEW, "submit", REQUESTER, S.PENDING, guards=(f"kind_{kind}",),
            deadline=_deadline(days)) for kind, days in rules.WORKDAYS.items()
          if kind != ChangeRequest.Kind.UNIT_CHANGE),
        T(NEW, "submit", REQUESTER, S.PENDING, guards=("kind_unit_change", "code_changed"),
          deadline=_deadline(rules.WORKDAYS_CODE_CHANGE)),
        T(NEW, "submit", REQUESTER, S.PENDING, guards=("kind_unit_change", "code_kept"),
          deadline=_deadline(rules.WORKDAYS[ChangeRequest.Kind.UNIT_CHANGE])),
        *_decided_rows(("change_apply", "draft_unit_fill")),  # the effect: rencai.cases
    ),
    guards={**{f"kind_{k}": effects.kind_is(k) for k in ChangeRequest.Kind.values},
            "code_changed": effects.code_changed, "code_kept": effects.code_kept},
    notifications={"decided": effects.change_decided_sms},
    descriptions={**DESCRIPTIONS, **{f"kind_{k}": str(k.label) for k in ChangeRequest.Kind}},
    fields=("unit", "institution", "major"),
    title=lambda obj: str(obj),
    doc="审核机构为数据服务中心；期限见 rencai/changes/rules.py（常见问题 一.4、一.6、一.8、一.12）。",
)

UNIT_ADMIN = _reviewed(
    key="unit_admin", label=_("单位系统管理员权限申请"), model=UnitAdminRequest,
    requester="applicant", detail_url="changes:unit_admin_detail", approve="grant",
    remind=effects.unit_admin_remind, roles={**ROLES, OFFICE: _("审批部门工作人员")},
    actions={**ACTIONS, "request": _("提交申请"), "approve": _("批准")},
    number_prefix=rules.NUMBER_PREFIX_UNIT_ADMIN,
    reason_message=_("审批意见：不通过时必须填写原因，申请人会看到。"),
    transitions=(
        T(NEW, "request", REQUESTER, S.PENDING, deadline=_deadline(rules.WORKDAYS_UNIT_ADMIN)),
        *_decided_rows(("grant",)),
    ),
    notifications={"decided": effects.unit_admin_decided_sms},
    descriptions=DESCRIPTIONS,
    fields=("grant",),
    title=lambda obj: f"{UnitAdminRequest._meta.verbose_name}：{obj.unit.name}",
    doc="市属单位由市直主管部门审批，区属单位由所在区人社局审批（常见问题 二.1、二.2）。",
)
# fmt: on
