"""Guards, effects and notifications of the change and rights processes (processes.py)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import RoleGrant
from rencai.audit.services import audit_record
from rencai.catalog.models import Institution, Major
from rencai.changes.models import ChangeRequest
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError
from rencai.orgs.models import Unit
from rencai.orgs.services import unit_create, unit_refresh_search_keys, unit_rename
from rencai.process.reviewed_notices import decided_sms, overdue_reminder

Kind = ChangeRequest.Kind


# --- guards --------------------------------------------------------------------------------


def kind_is(kind: str):
    def guard(ctx) -> str | None:
        return None if ctx.obj.kind == kind else f"kind is not {kind}"

    return guard


def code_changed(ctx) -> str | None:
    obj = ctx.obj
    return None if obj.code != obj.before.get("code") else "code unchanged"


def code_kept(ctx) -> str | None:
    return "code changed" if code_changed(ctx) is None else None


# --- effects -------------------------------------------------------------------------------


def change_apply(ctx) -> None:
    ctx._cache["effect"] = _apply(ctx.obj, reviewer=ctx.actor, request=ctx.request)


def grant(ctx) -> None:
    obj, official = ctx.obj, ctx.actor
    existing = RoleGrant.objects.filter(
        user=obj.applicant, unit=obj.unit, role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
    ).first()
    if existing is None:
        existing = RoleGrant(
            user=obj.applicant, role=RoleGrant.Role.UNIT_ADMIN, unit=obj.unit,
            granted_by=official, granted_at=ctx.now,
        )  # fmt: skip
        existing.full_clean()
        existing.save()
        audit_record(
            event="role.grant", actor=official, request=ctx.request, obj=existing,
            detail=f"unit_admin unit={obj.unit.code} user={obj.applicant_id} {obj.number}",
        )  # fmt: skip
    obj.grant = existing


change_decided_sms = decided_sms(
    person="requester", key="change",
    approved=lambda ctx: f"您的{ctx.obj.get_kind_display()}申请{ctx.obj.number}已审核通过。"
    f"{ctx._cache.get('effect', '')}",
    rejected=lambda ctx: f"您的{ctx.obj.get_kind_display()}申请{ctx.obj.number}未通过审核，"
    f"原因：{ctx.reason[:80]}。可登录系统“查询信息注册情况及进度”查看。",
)  # fmt: skip
unit_admin_decided_sms = decided_sms(
    person="applicant", key="unit-admin",
    approved=lambda ctx: f"您申请的“{ctx.obj.unit.name}”单位系统管理员权限（{ctx.obj.number}）"
    "已开通，登录后在“切换身份”中切换为该单位即可办理。",
    rejected=lambda ctx: f"您申请的“{ctx.obj.unit.name}”单位系统管理员权限（{ctx.obj.number}）"
    f"未获批准，原因：{ctx.reason[:80]}。",
)  # fmt: skip
#: Every reviewer who sees the office's worklist (rencai.process.reviewed.office_remind).
change_remind = overdue_reminder(
    person="requester", key="change", unsent="no_recipient", short=True,
    what=lambda obj: f"{obj.get_kind_display()}申请",
    about=lambda obj: obj.name or (obj.unit.name if obj.unit_id else ""),
    where="在“信息变更审核”中审核",
)  # fmt: skip
#: The approving department's mailbox.
unit_admin_remind = overdue_reminder(
    person="applicant", key="unit-admin", unsent="no_email",
    what=lambda obj: "单位系统管理员权限申请", about=lambda obj: f"单位：{obj.unit.name}",
    where="审批",
)  # fmt: skip


def _unit_change_code(*, unit: Unit, code: str, actor, request) -> None:
    """Replace a unit's code (9 → 18 characters, FAQ 一.6); the unit keeps its identity.
    TODO(orgs): move into rencai.orgs.services as unit_change_code."""
    if Unit.objects.filter(code=code).exclude(pk=unit.pk).exists():
        raise Conflict(
            format_lazy(_("单位代码：{code} 已登记为其他单位，不能再用于本单位。"), code=code),
            field="code",
        )
    old = unit.code
    unit.code = code
    unit_refresh_search_keys(unit=unit)
    audit_record(
        event="unit.code", actor=actor, request=request, obj=unit, detail=f"{old} → {code}"
    )


def _apply(change: ChangeRequest, *, reviewer, request) -> str:
    """Apply an approved change; returns the effect for the SMS."""
    now = clock.now()
    if change.kind == Kind.UNIT_NEW:
        unit = unit_create(
            name=change.name,
            code=change.code,
            nature=change.nature,
            level=change.level,
            district=change.district,
            supervisory_office=change.supervisory_office,
            phone=change.phone,
            address=change.address,
            actor=reviewer,
            request=request,
        )
        change.unit = unit
        return f"单位“{unit.name}”已登记，现在即可在系统中搜索选择。"
    if change.kind == Kind.UNIT_CHANGE:
        unit = Unit.objects.select_for_update().get(pk=change.unit_id)
        if unit.name != change.before.get("name") or unit.code != change.before.get("code"):
            raise Conflict(
                _("单位信息在申请提交后已被修改，请退回本申请，由申请人按最新信息重新申请。")
            )
        if change.code != unit.code:
            _unit_change_code(unit=unit, code=change.code, actor=reviewer, request=request)
        if change.name != unit.name:
            unit_rename(
                unit=unit,
                new_name=change.name,
                valid_until=now.astimezone(clock.SHANGHAI).date(),
                actor=reviewer,
                request=request,
            )
        return f"单位信息已更新为“{change.name}”（{change.code}），原名称仍可搜索到。"
    if change.kind == Kind.UNIT_CONTACT:
        unit = Unit.objects.select_for_update().get(pk=change.unit_id)
        fields = []
        if change.phone:
            unit.phone = change.phone
            fields.append("phone")
        if change.nature:
            unit.nature = change.nature
            fields.append("nature")
        unit.full_clean()
        unit.save(update_fields=[*fields, "updated_at"])
        audit_record(
            event="unit.contact",
            actor=reviewer,
            request=request,
            obj=unit,
            detail=f"{change.before} → phone={change.phone} nature={change.nature}",
        )
        return "单位电话/单位性质已更新。"
    if change.kind == Kind.INSTITUTION_NEW:
        code = change.code or f"Z{change.pk:09d}"
        if (
            Institution.objects.filter(moe_code=code).exists()
            or Institution.objects.filter(name=change.name).exists()
        ):
            raise Conflict(
                format_lazy(
                    _("院校“{name}”或学校标识码{code}已在院校库中，请驳回本申请并说明。"),
                    name=change.name,
                    code=code,
                )
            )
        institution = Institution(
            moe_code=code,
            name=change.name,
            level=change.level,
            location=change.address,
            source=f"信息变更申请 {change.number}",
            remarks="申请增补",
        )
        institution.full_clean()
        institution.save()
        change.institution = institution
        audit_record(
            event="catalog.institution_add",
            actor=reviewer,
            request=request,
            obj=institution,
            detail=change.number,
        )
        return f"院校“{institution.name}”已加入院校库，现在即可搜索选择。"
    if change.kind == Kind.MAJOR_NEW:
        code = change.code or f"Z{change.pk:07d}"
        if (
            Major.objects.filter(code=code).exists()
            or Major.objects.filter(name=change.name, level=change.level).exists()
        ):
            raise Conflict(
                format_lazy(
                    _("专业“{name}”或专业代码{code}已在专业库中，请驳回本申请并说明。"),
                    name=change.name,
                    code=code,
                )
            )
        major = Major(
            code=code,
            name=change.name,
            level=change.level,
            discipline_code="ZZ",
            discipline="申请增补",
            category_code="ZZZZ",
            category="申请增补",
            source=f"信息变更申请 {change.number}",
        )
        major.full_clean()
        major.save()
        change.major = major
        audit_record(
            event="catalog.major_add",
            actor=reviewer,
            request=request,
            obj=major,
            detail=change.number,
        )
        return f"专业“{major.name}”已加入专业库，现在即可搜索选择。"
    raise DomainError(f"未知的申请类型：{change.kind}")  # pragma: no cover
