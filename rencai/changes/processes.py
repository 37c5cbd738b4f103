"""The request process of this app, as data for rencai.process (reviewed requests,
rencai.process.reviewed: pending → approved | rejected, one overdue reminder 催办).

- `change` (信息变更申请, BG…): new/changed unit, new school, new major, unit phone/nature;
  the data service centre reviews; approving applies the change in the same transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rencai.changes import effects, rules
from rencai.changes.models import ChangeRequest
from rencai.process import reviewed as rv
from rencai.process.declare import NEW, Transition

T = Transition
DESCRIPTIONS = {
    **rv.DESCRIPTIONS,
    "code_changed": "单位代码变更（9位改18位）",
    "code_kept": "单位代码不变",
    "change_apply": "按申请类型写入单位/院校/专业库",
}

# fmt: off
CHANGE = rv.reviewed(
    key="change", label=_("信息变更申请"), model=ChangeRequest, requester="requester",
    detail_url="changes:detail", roles=rv.ROLES, actions=rv.ACTIONS,
    effects={"change_apply": effects.change_apply, "remind": effects.change_remind},
    number_prefix=rules.NUMBER_PREFIX_CHANGE,
    reason_message=_("审核意见：不通过时必须填写原因，申请人会看到。"),
    transitions=(
        *(T(NEW, "submit", rv.REQUESTER, rv.S.PENDING, guards=(f"kind_{kind}",),
            deadline=rv.deadline(days)) for kind, days in rules.WORKDAYS.items()
          if kind != ChangeRequest.Kind.UNIT_CHANGE),
        T(NEW, "submit", rv.REQUESTER, rv.S.PENDING, guards=("kind_unit_change", "code_changed"),
          deadline=rv.deadline(rules.WORKDAYS_CODE_CHANGE)),
        T(NEW, "submit", rv.REQUESTER, rv.S.PENDING, guards=("kind_unit_change", "code_kept"),
          deadline=rv.deadline(rules.WORKDAYS[ChangeRequest.Kind.UNIT_CHANGE])),
        *rv.decided_rows(("change_apply", "draft_unit_fill")),  # the effect: rencai.cases
    ),
    guards={**{f"kind_{k}": effects.kind_is(k) for k in ChangeRequest.Kind.values},
            "code_changed": effects.code_changed, "code_kept": effects.code_kept},
    notifications={"decided": effects.change_decided_sms},
    descriptions={**DESCRIPTIONS, **{f"kind_{k}": str(k.label) for k in ChangeRequest.Kind}},
    fields=("unit", "institution", "major"),
    title=lambda obj: _("%(kind)s：%(unit)s")
    % {"kind": obj.get_kind_display(), "unit": obj.name or (obj.unit.name if obj.unit_id else "")},
    doc="审核机构为数据服务中心；期限见 rencai/changes/rules.py（常见问题 一.4、一.6、一.8、一.12）。",
)
# fmt: on
