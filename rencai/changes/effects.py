"""Guards, effects and notifications of the change process (processes.py)."""

from __future__ import annotations

from rencai.catalog.services import institution_add, major_add
from rencai.changes.models import ChangeRequest
from rencai.orgs.services import unit_change_identity, unit_create, unit_set_contact
from rencai.process.reviewed_notices import decided_sms, overdue_reminder

Kind = ChangeRequest.Kind


# --- guards --------------------------------------------------------------------------------


def kind_is(kind: str):
    return lambda ctx: None if ctx.obj.kind == kind else f"kind is not {kind}"


def code_changed(ctx) -> str | None:
    obj = ctx.obj
    return None if obj.code != obj.before.get("code") else "code unchanged"


def code_kept(ctx) -> str | None:
    return "code changed" if code_changed(ctx) is None else None


# --- effects -------------------------------------------------------------------------------


def change_apply(ctx) -> None:
    """Apply an approved change by its kind (APPLY); the effect is told in the SMS."""
    apply = APPLY[ctx.obj.kind]
    ctx._cache["effect"] = apply(ctx.obj, reviewer=ctx.actor, request=ctx.request)


change_decided_sms = decided_sms(
    person="requester", key="change",
    approved=lambda ctx: f"您的{ctx.obj.get_kind_display()}申请{ctx.obj.number}已审核通过。"
    f"{ctx._cache.get('effect', '')}",
    rejected=lambda ctx: f"您的{ctx.obj.get_kind_display()}申请{ctx.obj.number}未通过审核，"
    f"原因：{ctx.reason[:80]}。可登录系统“查询信息注册情况及进度”查看。",
)  # fmt: skip
#: Every reviewer who sees the office's worklist (rencai.process.reviewed.office_remind).
change_remind = overdue_reminder(
    person="requester", key="change", unsent="no_recipient", short=True,
    what=lambda obj: f"{obj.get_kind_display()}申请",
    about=lambda obj: obj.name or (obj.unit.name if obj.unit_id else ""),
    where="在“信息变更审核”中审核",
)  # fmt: skip


def _unit_new(change: ChangeRequest, *, reviewer, request) -> str:
    fields = ("name", "code", "nature", "level", "district", "supervisory_office", "phone")
    change.unit = unit_create(
        **{f: getattr(change, f) for f in fields}, address=change.address, actor=reviewer,
        request=request,
    )  # fmt: skip
    return f"单位“{change.unit.name}”已登记，现在即可在系统中搜索选择。"


def _unit_change(change: ChangeRequest, *, reviewer, request) -> str:
    unit_change_identity(
        unit=change.unit, name=change.name, code=change.code, expected=change.before,
        actor=reviewer, request=request,
    )  # fmt: skip
    return f"单位信息已更新为“{change.name}”（{change.code}），原名称仍可搜索到。"


def _unit_contact(change: ChangeRequest, *, reviewer, request) -> str:
    unit_set_contact(
        unit=change.unit, phone=change.phone, nature=change.nature, actor=reviewer,
        request=request,
    )  # fmt: skip
    return "单位电话/单位性质已更新。"


def _institution_new(change: ChangeRequest, *, reviewer, request) -> str:
    change.institution = institution_add(
        moe_code=change.code or f"Z{change.pk:09d}", name=change.name, level=change.level,
        location=change.address, number=change.number, actor=reviewer, request=request,
    )  # fmt: skip
    return f"院校“{change.institution.name}”已加入院校库，现在即可搜索选择。"


def _major_new(change: ChangeRequest, *, reviewer, request) -> str:
    change.major = major_add(
        code=change.code or f"Z{change.pk:07d}", name=change.name, level=change.level,
        number=change.number, actor=reviewer, request=request,
    )  # fmt: skip
    return f"专业“{change.major.name}”已加入专业库，现在即可搜索选择。"


#: What an approved change does, by kind; each returns the effect for the SMS.
APPLY = {
    Kind.UNIT_NEW: _unit_new,
    Kind.UNIT_CHANGE: _unit_change,
    Kind.UNIT_CONTACT: _unit_contact,
    Kind.INSTITUTION_NEW: _institution_new,
    Kind.MAJOR_NEW: _major_new,
}
