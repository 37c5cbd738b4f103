"""Writes: change requests (信息变更申请) and unit-admin rights (单位系统管理员权限).

Every submission and decision runs in one transaction with a row lock, writes an audit
entry and queues its SMS (transactional outbox). Approving applies the change (new unit,
rename, code change, school, major, phone/nature) in the same transaction as the decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from rencai.accounts.models import RoleGrant
from rencai.audit.services import audit_record
from rencai.catalog.models import Institution, Major, education_needs_catalogue_school
from rencai.changes import rules
from rencai.changes.models import (
    ChangeRequest,
    RequestNumberSequence,
    RequestStatus,
    UnitAdminRequest,
)
from rencai.changes.selectors import (
    institution_similar,
    major_similar,
    office_reviewers,
    official_office_ids,
    unit_existing_for_code,
    unit_similar,
)
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.documents.models import Folder
from rencai.documents.selectors import folder_type_codes
from rencai.documents.services import document_upload, folder_create
from rencai.notify.services import outbox_enqueue, sms_enqueue
from rencai.orgs.models import District, Office, Unit
from rencai.orgs.services import (
    unit_check_supervision,
    unit_create,
    unit_refresh_search_keys,
    unit_rename,
)
from rencai.orgs.validators import validate_unit_code
from rencai.workdays.calendar import deadline_for

Kind = ChangeRequest.Kind
SMS_PREFIX = "【广州人才引进】"
OWNER_KIND = "change_request"
DRAFT_OWNER_KIND = "change_draft"
STALE = "该申请已被他人处理，请刷新后查看。"
REASON_MAX = 500


class UnitExists(Conflict):
    """A unit with this code is already registered: link to it instead of creating."""

    code = "unit_exists"

    def __init__(self, message: str, *, unit: Unit, field: str | None = "code"):
        super().__init__(message, field=field)
        self.unit = unit


class SimilarFound(DomainError):
    """Similar records exist ("是否是以下单位？"): the requester must confirm it is none of them."""

    code = "similar_found"

    def __init__(self, message: str, *, candidates: list, field: str | None = "name"):
        super().__init__(message, field=field)
        self.candidates = candidates


# --- numbers, deadlines, attachments ---------------------------------------------------


def request_number_next(*, prefix: str, now: datetime | None = None) -> str:
    """BG2026-000123 / QX2026-000123. The (prefix, year) row lock serialises callers."""
    year = (now or clock.now()).astimezone(clock.SHANGHAI).year
    with transaction.atomic():
        qs = RequestNumberSequence.objects.select_for_update()
        row = qs.filter(prefix=prefix, year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = RequestNumberSequence.objects.create(prefix=prefix, year=year, last=0)
            except IntegrityError:  # created concurrently
                row = qs.get(prefix=prefix, year=year)
        row.last += 1
        row.save(update_fields=["last"])
    return f"{prefix}{year}-{row.last:06d}"


def _deadline_fields(now: datetime, workdays: int) -> dict:
    deadline = deadline_for(now, workdays)
    return {
        "submitted_at": now,
        "due_date": deadline.due_date,
        "due_at": deadline.fires_at,
        "due_provisional": deadline.provisional,
    }


def _clean_text(value: str | None, *, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _upload(*, folder: Folder, kind: str, files: Mapping[str, object], user) -> None:
    allowed = rules.ATTACHMENT_TYPES[kind]
    for type_code, file in files.items():
        if not file:
            continue
        if type_code not in allowed:
            raise DomainError(
                f"附件：材料类型“{type_code}”不适用于“{Kind(kind).label}”申请，"
                f"可上传：{'、'.join(rules.ATTACHMENT_NAMES[t] for t in allowed)}。",
                field=type_code,
            )
        try:
            document_upload(folder=folder, type_code=type_code, file=file, uploaded_by=user)
        except DomainError as exc:
            label = rules.ATTACHMENT_NAMES.get(type_code, type_code)
            raise DomainError(f"{label}：{exc.message}", field=type_code, code=exc.code) from None


@transaction.atomic
def change_draft_upload(
    *, user, folder: Folder | None, kind: str, files: Mapping[str, object]
) -> tuple[Folder | None, dict[str, str]]:
    """Keep attachments of a form that did not validate yet, so they need not be re-selected.

    Returns the draft folder (created on first use) and per-type upload errors; each file is
    stored in its own savepoint so one bad file does not lose the others."""
    if folder is not None:
        folder = change_draft_folder(user=user, folder_id=folder.pk)
    errors: dict[str, str] = {}
    for type_code, file in files.items():
        if not file:
            continue
        if folder is None:
            folder = folder_create(owner_kind=DRAFT_OWNER_KIND)
        try:
            with transaction.atomic():
                _upload(folder=folder, kind=kind, files={type_code: file}, user=user)
        except DomainError as exc:
            errors[type_code] = exc.message
    return folder, errors


def change_draft_folder(*, user, folder_id: int) -> Folder:
    """A draft folder of `user` (every document in it uploaded by them) or NotFound."""
    folder = Folder.objects.filter(pk=folder_id, owner_kind=DRAFT_OWNER_KIND).first()
    if folder is None or folder.documents.exclude(uploaded_by=user).exists():
        raise NotFound("附件草稿不存在或已提交，请重新选择附件。", field="attachments")
    return folder


def _attach(
    *,
    kind: str,
    user,
    files: Mapping[str, object],
    draft: Folder | None,
    required: tuple[str, ...] | None = None,
) -> Folder:
    """Collect the request's attachments; `required` defaults to the kind's rule."""
    if required is None:
        required = rules.required_attachments(kind)
    if draft is not None:
        folder = Folder.objects.select_for_update().get(
            pk=change_draft_folder(user=user, folder_id=draft.pk).pk
        )
        folder.owner_kind = OWNER_KIND
        folder.save(update_fields=["owner_kind"])
    else:
        folder = folder_create(owner_kind=OWNER_KIND)
    _upload(folder=folder, kind=kind, files=files, user=user)
    have = folder_type_codes(folder=folder)
    missing = [t for t in required if t not in have]
    if missing:
        names = "、".join(rules.ATTACHMENT_NAMES[t] for t in missing)
        raise DomainError(
            f"附件：请上传{names}（JPEG、PNG 或 PDF）。",
            field=missing[0],
            code="attachment_missing",
        )
    return folder


def _code_or_error(value: str, *, field: str = "code") -> str:
    try:
        return validate_unit_code(value)
    except ValidationError as exc:
        message = exc.messages[0]
        if "校验位" in message:
            message = f"{message}（{rules.CODE_FORMAT}）"
        raise DomainError(f"单位代码：{message}", field=field, code="unit_code") from None


def _create(
    *,
    kind: str,
    requester,
    request,
    acting_unit: Unit | None,
    folder: Folder,
    workdays: int | None = None,
    **values,
) -> ChangeRequest:
    if workdays is None:
        workdays = rules.WORKDAYS[kind]
    now = clock.now()
    change = ChangeRequest(
        number=request_number_next(prefix=rules.NUMBER_PREFIX_CHANGE, now=now),
        kind=kind,
        requester=requester,
        acting_unit=acting_unit,
        office=rules.data_centre(),
        folder=folder,
        **_deadline_fields(now, workdays),
        **values,
    )
    change.full_clean()
    change.save()
    audit_record(
        event="change.submit",
        actor=requester,
        request=request,
        obj=change,
        detail=f"{change.number} {kind} {change.name or ''} {change.code or ''}".strip(),
    )
    return change


# --- the four kinds --------------------------------------------------------------------


@transaction.atomic
def change_request_unit_new(
    *,
    requester,
    name: str,
    code: str,
    nature: str,
    level: str,
    district: District,
    supervisory_office: Office | None = None,
    phone: str = "",
    address: str = "",
    note: str = "",
    confirm_new: bool = False,
    files: Mapping[str, object] = {},
    draft: Folder | None = None,
    acting_unit: Unit | None = None,
    request=None,
) -> ChangeRequest:
    """新增单位信息 (FAQ 一.4): a unit missing from the registry. Refuses a code that is
    registered (UnitExists, with the unit) and, unless `confirm_new`, offers similarly named
    units (SimilarFound)."""
    name = _clean_text(name, limit=200)
    if len(name) < 2:
        raise DomainError("单位名称：请按营业执照填写完整的单位名称（至少2个字）。", field="name")
    code = _code_or_error(code)
    existing = unit_existing_for_code(code=code)
    if existing is not None:
        if existing.code == code:
            message = f"单位代码：{code} 已登记为“{existing.name}”，请直接选择该单位，无需新增。"
        else:
            message = (
                f"单位代码：该单位已以{len(existing.code)}位代码 {existing.code} 登记为“{existing.name}”。"
                "单位名称未变更的，不修改为18位代码也可以办理业务；名称已变更或需改为18位代码的，"
                "请提交“修改单位信息”申请（常见问题 一.6）。"
            )
        raise UnitExists(message, unit=existing)
    if ChangeRequest.objects.filter(
        kind=Kind.UNIT_NEW, status=RequestStatus.PENDING, code=code
    ).exists():
        raise Conflict(
            f"单位代码：{code} 的新增单位申请已在审核中，请勿重复提交，审核结果将短信通知。",
            field="code",
        )
    if nature not in Unit.Nature.values:
        raise DomainError("单位性质：请选择。", field="nature")
    if level not in Unit.Level.values:
        raise DomainError("隶属层级：请选择市属或区属。", field="level")
    unit_check_supervision(level=level, supervisory_office=supervisory_office)
    if not confirm_new:
        similar = unit_similar(name=name)
        if similar:
            raise SimilarFound(
                "是否是以下单位？如是，请直接选择；都不是，请勾选“以上都不是”后再提交。",
                candidates=similar,
            )
    folder = _attach(
        kind=Kind.UNIT_NEW,
        user=requester,
        files=files,
        draft=draft,
    )
    return _create(
        kind=Kind.UNIT_NEW,
        requester=requester,
        request=request,
        acting_unit=acting_unit,
        folder=folder,
        name=name,
        code=code,
        nature=nature,
        level=level,
        district=district,
        supervisory_office=supervisory_office,
        phone=_clean_text(phone, limit=40),
        address=_clean_text(address, limit=200),
        note=(note or "").strip()[:1000],
    )


@transaction.atomic
def change_request_unit_change(
    *,
    requester,
    unit: Unit,
    new_name: str = "",
    new_code: str = "",
    note: str = "",
    files: Mapping[str, object] = {},
    draft: Folder | None = None,
    acting_unit: Unit | None = None,
    request=None,
) -> ChangeRequest:
    """修改单位信息 (FAQ 一.6, 一.7): rename and/or replace the code, with the business licence
    and the approval-of-change notice. A renamed unit may keep its 9-character code."""
    if not unit.is_active:
        raise DomainError(f"单位：“{unit.name}”已注销，不能修改。", field="unit")
    new_name = _clean_text(new_name, limit=200) or unit.name
    new_code = _code_or_error(new_code, field="new_code") if (new_code or "").strip() else unit.code
    name_changed, code_changed = new_name != unit.name, new_code != unit.code
    if not name_changed and not code_changed:
        raise DomainError(
            "没有需要修改的内容：单位名称未发生变更的，保留原9位组织机构代码也可以办理业务，无需申请（常见问题 一.6）。",
            field="new_name",
        )
    if len(new_name) < 2:
        raise DomainError("新单位名称：至少2个字。", field="new_name")
    if code_changed:
        if len(unit.code) == 18 and len(new_code) == 9:
            raise DomainError(
                "新单位代码：不能把18位统一社会信用代码改回9位组织机构代码。", field="new_code"
            )
        other = unit_existing_for_code(code=new_code, exclude=unit)
        if other is not None:
            raise UnitExists(
                f"新单位代码：{new_code} 已登记为“{other.name}”，不能再用于本单位。",
                unit=other,
                field="new_code",
            )
    pending = ChangeRequest.objects.filter(
        kind=Kind.UNIT_CHANGE, status=RequestStatus.PENDING, unit=unit
    )
    if pending.filter(requester=requester).exists():
        raise Conflict("该单位已有您提交的修改申请在审核中，请等待审核结果。", field="unit")
    folder = _attach(
        kind=Kind.UNIT_CHANGE,
        user=requester,
        files=files,
        draft=draft,
        required=rules.required_attachments(
            Kind.UNIT_CHANGE, name_changed=name_changed, code_changed=code_changed
        ),
    )
    workdays = rules.WORKDAYS_CODE_CHANGE if code_changed else rules.WORKDAYS[Kind.UNIT_CHANGE]
    return _create(
        kind=Kind.UNIT_CHANGE,
        requester=requester,
        request=request,
        acting_unit=acting_unit,
        folder=folder,
        workdays=workdays,
        unit=unit,
        name=new_name,
        code=new_code,
        note=(note or "").strip()[:1000],
        before={"name": unit.name, "code": unit.code},
    )


def _education_level_check(education_level: str, what: str) -> None:
    from rencai.catalog.models import EducationLevel

    if education_level not in EducationLevel.values:
        raise DomainError("学历层次：请选择。", field="education_level")
    if not education_needs_catalogue_school(education_level):
        raise DomainError(
            f"大专以下学历的{what}无需申请：请在入户申请表中直接手动填写（常见问题 一.8）。",
            field="education_level",
            code="below_college",
        )


_MOE_CODE = re.compile(r"\d{10}")
_MAJOR_CODE = re.compile(r"\d{6}[A-Z]{0,2}")


@transaction.atomic
def change_request_institution_new(
    *,
    requester,
    education_level: str,
    name: str,
    level: str,
    location: str = "",
    moe_code: str = "",
    note: str = "",
    confirm_new: bool = False,
    files: Mapping[str, object] = {},
    draft: Folder | None = None,
    request=None,
) -> ChangeRequest:
    """增加院校 (FAQ 一.8): from 大专 up, a school missing from the catalogue."""
    _education_level_check(education_level, "毕业院校")
    name = _clean_text(name, limit=100)
    if len(name) < 2:
        raise DomainError("院校名称：请按毕业证书填写完整的学校名称。", field="name")
    if level not in Institution.Level.values:
        raise DomainError("办学层次：请选择本科或专科。", field="level")
    moe_code = (moe_code or "").strip()
    if moe_code and not _MOE_CODE.fullmatch(moe_code):
        raise DomainError("学校标识码：应为10位数字（不知道可不填）。", field="code")
    exact = Institution.objects.filter(is_active=True, name=name).first()
    if exact is not None or (moe_code and Institution.objects.filter(moe_code=moe_code).exists()):
        found = exact or Institution.objects.get(moe_code=moe_code)
        raise Conflict(
            f"院校名称：“{found.name}”（{found.moe_code}）已在院校库中，请直接搜索选择。",
            field="name",
        )
    if ChangeRequest.objects.filter(
        kind=Kind.INSTITUTION_NEW, status=RequestStatus.PENDING, name=name
    ).exists():
        raise Conflict(
            f"院校名称：“{name}”的增加申请已在审核中，审核通过后即可搜索到。", field="name"
        )
    if not confirm_new:
        similar = institution_similar(name=name)
        if similar:
            raise SimilarFound(
                "是否是以下院校？如是，请直接搜索选择；都不是，请勾选“以上都不是”后再提交。",
                candidates=similar,
            )
    folder = _attach(
        kind=Kind.INSTITUTION_NEW,
        user=requester,
        files=files,
        draft=draft,
    )
    return _create(
        kind=Kind.INSTITUTION_NEW,
        requester=requester,
        request=request,
        acting_unit=None,
        folder=folder,
        education_level=education_level,
        name=name,
        level=level,
        code=moe_code,
        address=_clean_text(location, limit=40),
        note=(note or "").strip()[:1000],
    )


def _major_level(education_level: str) -> str:
    return Major.Level.VOCATIONAL if education_level == "college" else Major.Level.UNDERGRADUATE


@transaction.atomic
def change_request_major_new(
    *,
    requester,
    education_level: str,
    name: str,
    major_code: str = "",
    note: str = "",
    confirm_new: bool = False,
    files: Mapping[str, object] = {},
    draft: Folder | None = None,
    request=None,
) -> ChangeRequest:
    """增加专业 (FAQ 一.8): from 大专 up, a major missing from the catalogue."""
    _education_level_check(education_level, "专业")
    name = _clean_text(name, limit=60)
    if len(name) < 2:
        raise DomainError("专业名称：请按毕业证书填写完整的专业名称。", field="name")
    major_code = (major_code or "").strip().upper()
    if major_code and not _MAJOR_CODE.fullmatch(major_code):
        raise DomainError(
            "专业代码：应为6位数字，可带1–2位字母后缀（如 080901、080904K；不知道可不填）。",
            field="code",
        )
    level = _major_level(education_level)
    exact = Major.objects.filter(is_active=True, name=name, level=level).first()
    if exact is not None or (major_code and Major.objects.filter(code=major_code).exists()):
        found = exact or Major.objects.get(code=major_code)
        raise Conflict(
            f"专业名称：“{found.name}”（{found.code}，{found.get_level_display()}）已在专业库中，请直接搜索选择。",
            field="name",
        )
    if ChangeRequest.objects.filter(
        kind=Kind.MAJOR_NEW, status=RequestStatus.PENDING, name=name, level=level
    ).exists():
        raise Conflict(
            f"专业名称：“{name}”的增加申请已在审核中，审核通过后即可搜索到。", field="name"
        )
    if not confirm_new:
        similar = major_similar(name=name, level=level)
        if similar:
            raise SimilarFound(
                "是否是以下专业？如是，请直接搜索选择；都不是，请勾选“以上都不是”后再提交。",
                candidates=similar,
            )
    folder = _attach(
        kind=Kind.MAJOR_NEW,
        user=requester,
        files=files,
        draft=draft,
    )
    return _create(
        kind=Kind.MAJOR_NEW,
        requester=requester,
        request=request,
        acting_unit=None,
        folder=folder,
        education_level=education_level,
        name=name,
        level=level,
        code=major_code,
        note=(note or "").strip()[:1000],
    )


@transaction.atomic
def change_request_unit_contact(
    *,
    requester,
    acting_unit: Unit | None,
    phone: str = "",
    nature: str = "",
    note: str = "",
    files: Mapping[str, object] = {},
    draft: Folder | None = None,
    request=None,
) -> ChangeRequest:
    """修改单位电话/单位性质 (FAQ 一.12): by a unit admin acting as the unit, in the app."""
    if acting_unit is None:
        raise DomainError(
            "请先切换为单位身份（单位系统管理员）再申请修改单位电话或单位性质。",
            field="unit",
            code="acting_as_unit",
        )
    unit = acting_unit
    if not RoleGrant.objects.filter(
        user=requester, unit=unit, role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
    ).exists():
        raise NotFound("单位不存在。", field="unit")
    phone = _clean_text(phone, limit=40)
    if phone and not re.fullmatch(r"[0-9+\-（）() 转]{7,40}", phone):
        raise DomainError(
            "单位电话：只能包含数字、短横线、括号和“转”，如 020-12345678。", field="phone"
        )
    if nature and nature not in Unit.Nature.values:
        raise DomainError("单位性质：请选择。", field="nature")
    phone_changed = bool(phone) and phone != unit.phone
    nature_changed = bool(nature) and nature != unit.nature
    if not phone_changed and not nature_changed:
        raise DomainError(
            "没有需要修改的内容：新单位电话和新单位性质都与现有信息相同或未填写。", field="phone"
        )
    if ChangeRequest.objects.filter(
        kind=Kind.UNIT_CONTACT, status=RequestStatus.PENDING, unit=unit
    ).exists():
        raise Conflict("本单位已有修改电话/性质的申请在审核中，请等待审核结果。", field="phone")
    folder = _attach(kind=Kind.UNIT_CONTACT, user=requester, files=files, draft=draft)
    return _create(
        kind=Kind.UNIT_CONTACT,
        requester=requester,
        request=request,
        acting_unit=unit,
        folder=folder,
        unit=unit,
        phone=phone if phone_changed else "",
        nature=nature if nature_changed else "",
        note=(note or "").strip()[:1000],
        before={"phone": unit.phone, "nature": unit.nature},
    )


# --- decisions -------------------------------------------------------------------------


def _locked_pending_change(change: ChangeRequest, reviewer) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().filter(pk=change.pk).first()
    if locked is None or locked.office_id not in official_office_ids(user=reviewer):
        raise NotFound("申请不存在。")
    if not locked.is_pending:
        raise Conflict(STALE)
    return locked


def _sms(mobile: str | None, body: str, key: str) -> None:
    if mobile:
        sms_enqueue(mobile=mobile, body=SMS_PREFIX + body, key=key)


def _decision_record(
    *,
    obj,
    status: str,
    decider,
    event: str,
    request,
    sms_to: str,
    sms_text: str,
    sms_key: str,
    reason: str = "",
    when=None,
) -> None:
    """Write a decision on a pending request: fields, audit entry and the requester's SMS."""
    obj.status = status
    obj.decided_at = when or clock.now()
    obj.decided_by = decider
    if reason:
        obj.reason = reason
    obj.save()
    detail = f"{obj.number} {reason}".strip()
    audit_record(event=event, actor=decider, request=request, obj=obj, detail=detail)
    _sms(sms_to, sms_text, key=sms_key)


def _unit_change_code(*, unit: Unit, code: str, actor, request) -> None:
    """Replace a unit's code (9 → 18 characters, FAQ 一.6); the unit keeps its identity.
    TODO(orgs): move into rencai.orgs.services as unit_change_code."""
    if Unit.objects.filter(code=code).exclude(pk=unit.pk).exists():
        raise Conflict(f"单位代码：{code} 已登记为其他单位，不能再用于本单位。", field="code")
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
                "单位信息在申请提交后已被修改，请退回本申请，由申请人按最新信息重新申请。"
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
                f"院校“{change.name}”或学校标识码{code}已在院校库中，请驳回本申请并说明。"
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
            raise Conflict(f"专业“{change.name}”或专业代码{code}已在专业库中，请驳回本申请并说明。")
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


@transaction.atomic
def change_request_approve(*, change: ChangeRequest, reviewer, request=None) -> ChangeRequest:
    """Approve and apply in one transaction (the change is immediately visible)."""
    change = _locked_pending_change(change, reviewer)
    effect = _apply(change, reviewer=reviewer, request=request)
    _decision_record(
        obj=change, status=RequestStatus.APPROVED, decider=reviewer, event="change.approve",
        request=request, sms_to=change.requester.mobile,
        sms_text=f"您的{change.get_kind_display()}申请{change.number}已审核通过。{effect}",
        sms_key=f"change:{change.number}:decided",
    )  # fmt: skip
    return change


@transaction.atomic
def change_request_reject(
    *, change: ChangeRequest, reviewer, reason: str, request=None
) -> ChangeRequest:
    reason = (reason or "").strip()[:REASON_MAX]
    if not reason:
        raise DomainError("审核意见：不通过时必须填写原因，申请人会看到。", field="reason")
    change = _locked_pending_change(change, reviewer)
    _decision_record(
        obj=change, status=RequestStatus.REJECTED, decider=reviewer, event="change.reject",
        request=request, reason=reason, sms_to=change.requester.mobile,
        sms_text=f"您的{change.get_kind_display()}申请{change.number}未通过审核，原因：{reason[:80]}。"
        "可登录系统“查询信息注册情况及进度”查看。",
        sms_key=f"change:{change.number}:decided",
    )  # fmt: skip
    return change


# --- unit-admin rights (法人单位系统管理员) -------------------------------------------------


@transaction.atomic
def unit_admin_request_create(
    *, applicant, unit: Unit, office: Office | None, note: str = "", request=None
) -> UnitAdminRequest:
    """A personal account applies for unit-admin rights of `unit`, to the department that
    approves them (FAQ 二.2). Refuses units that need no unit admin (FAQ 二.1)."""
    refusal = rules.unit_admin_refusal(unit)
    if refusal:
        raise DomainError(refusal, field="unit", code="unit_admin_not_needed")
    approvers = rules.unit_admin_approvers(unit)
    if office is None or office.pk not in {o.pk for o in approvers}:
        right = approvers[0]
        why = (
            "市属单位请选择其市直主管部门"
            if right.kind == Office.Kind.SUPERVISORY
            else "区属单位请选择所属区的人社局"
        )
        raise DomainError(
            f"审批部门：{why}，“{unit.name}”的审批部门是{right.name}。",
            field="office",
            code="wrong_office",
        )
    if RoleGrant.objects.filter(
        user=applicant, unit=unit, role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
    ).exists():
        raise Conflict(
            f"您已是“{unit.name}”的单位系统管理员，可在“切换身份”中切换为该单位。", field="unit"
        )
    if UnitAdminRequest.objects.filter(
        applicant=applicant, unit=unit, status=RequestStatus.PENDING
    ).exists():
        raise Conflict(
            f"您对“{unit.name}”的权限申请已在审批中，请联系{office.name}审批。", field="unit"
        )
    now = clock.now()
    admin_request = UnitAdminRequest(
        number=request_number_next(prefix=rules.NUMBER_PREFIX_UNIT_ADMIN, now=now),
        applicant=applicant,
        unit=unit,
        office=office,
        note=(note or "").strip()[:1000],
        **_deadline_fields(now, rules.WORKDAYS_UNIT_ADMIN),
    )
    admin_request.full_clean()
    admin_request.save()
    audit_record(
        event="unit_admin.request",
        actor=applicant,
        request=request,
        obj=admin_request,
        detail=f"{admin_request.number} unit={unit.code} office={office.code}",
    )
    return admin_request


def _locked_pending_admin_request(admin_request: UnitAdminRequest, official) -> UnitAdminRequest:
    locked = UnitAdminRequest.objects.select_for_update().filter(pk=admin_request.pk).first()
    if locked is None or locked.office_id not in official_office_ids(user=official):
        raise NotFound("申请不存在。")
    if not locked.is_pending:
        raise Conflict(STALE)
    return locked


@transaction.atomic
def unit_admin_request_approve(
    *, admin_request: UnitAdminRequest, official, request=None
) -> UnitAdminRequest:
    admin_request = _locked_pending_admin_request(admin_request, official)
    now = clock.now()
    grant = RoleGrant.objects.filter(
        user=admin_request.applicant,
        unit=admin_request.unit,
        role=RoleGrant.Role.UNIT_ADMIN,
        revoked_at__isnull=True,
    ).first()
    if grant is None:
        grant = RoleGrant(
            user=admin_request.applicant,
            role=RoleGrant.Role.UNIT_ADMIN,
            unit=admin_request.unit,
            granted_by=official,
            granted_at=now,
        )
        grant.full_clean()
        grant.save()
        audit_record(
            event="role.grant",
            actor=official,
            request=request,
            obj=grant,
            detail=f"unit_admin unit={admin_request.unit.code} user={admin_request.applicant_id} {admin_request.number}",
        )
    admin_request.grant = grant
    _decision_record(
        obj=admin_request, status=RequestStatus.APPROVED, decider=official,
        event="unit_admin.approve", request=request, when=now,
        sms_to=admin_request.applicant.mobile,
        sms_text=f"您申请的“{admin_request.unit.name}”单位系统管理员权限（{admin_request.number}）已开通，"
        "登录后在“切换身份”中切换为该单位即可办理。",
        sms_key=f"unit-admin:{admin_request.number}:decided",
    )  # fmt: skip
    return admin_request


@transaction.atomic
def unit_admin_request_reject(
    *, admin_request: UnitAdminRequest, official, reason: str, request=None
) -> UnitAdminRequest:
    reason = (reason or "").strip()[:REASON_MAX]
    if not reason:
        raise DomainError("审批意见：不通过时必须填写原因，申请人会看到。", field="reason")
    admin_request = _locked_pending_admin_request(admin_request, official)
    _decision_record(
        obj=admin_request, status=RequestStatus.REJECTED, decider=official,
        event="unit_admin.reject", request=request, reason=reason,
        sms_to=admin_request.applicant.mobile,
        sms_text=f"您申请的“{admin_request.unit.name}”单位系统管理员权限（{admin_request.number}）未获批准，"
        f"原因：{reason[:80]}。",
        sms_key=f"unit-admin:{admin_request.number}:decided",
    )  # fmt: skip
    return admin_request


def unit_admin_can_revoke(*, user, grant: RoleGrant) -> bool:
    if not user.is_authenticated or grant.role != RoleGrant.Role.UNIT_ADMIN:
        return False
    if user.is_superuser:
        return True
    mine = official_office_ids(user=user)
    offices = {o.pk for o in rules.unit_admin_approvers(grant.unit)}
    offices |= set(UnitAdminRequest.objects.filter(grant=grant).values_list("office_id", flat=True))
    return bool(mine & offices)


@transaction.atomic
def unit_admin_revoke(*, grant: RoleGrant, actor, reason: str, request=None) -> RoleGrant:
    """Revoke unit-admin rights (the approving department or a superuser); audited."""
    reason = (reason or "").strip()[:REASON_MAX]
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("unit", "user")
        .filter(pk=grant.pk)
        .first()
    )
    if grant is None or not unit_admin_can_revoke(user=actor, grant=grant):
        raise NotFound("授权不存在。")
    if grant.revoked_at is not None:
        raise Conflict("该权限已撤销。")
    if not reason:
        raise DomainError("撤销原因：请填写，被撤销的管理员会看到。", field="reason")
    grant.revoked_at = clock.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(
        event="role.revoke",
        actor=actor,
        request=request,
        obj=grant,
        detail=f"unit_admin unit={grant.unit.code} user={grant.user_id} {reason}",
    )
    _sms(
        grant.user.mobile,
        f"您的“{grant.unit.name}”单位系统管理员权限已被撤销，原因：{reason[:80]}。",
        key=f"unit-admin:grant{grant.pk}:revoked",
    )
    return grant


# --- overdue reminders (催办) --------------------------------------------------------------


@dataclass(frozen=True)
class _Reminder:
    """One kind of overdue reminder. Claiming, marking and auditing are shared
    (`_reminders_sweep`); a kind only says which rows, which audit event and whom to tell."""

    model: type[ChangeRequest] | type[UnitAdminRequest]
    related: tuple[str, ...]  # select_related for `send`
    event: str  # audit event
    unsent: str  # audit outcome when nobody could be told
    send: Callable[[Any], int]  # queue the messages (outbox, idempotency keys); how many


def _overdue(reminder: _Reminder, now: datetime) -> QuerySet:
    """Pending, never reminded, past due: exactly the rows of the model's partial index
    (`*_reminder_due`), so an idle sweep is one probe of an empty index."""
    return reminder.model.objects.filter(
        status=RequestStatus.PENDING, reminded_at__isnull=True, due_at__lte=now
    )


def _remind(reminder: _Reminder, obj, now: datetime) -> None:
    sent = reminder.send(obj)
    obj.reminded_at = now
    obj.save(update_fields=["reminded_at"])
    audit_record(
        event=reminder.event,
        obj=obj,
        outcome="ok" if sent else reminder.unsent,
        detail=f"{obj.number} recipients={sent}",
    )


def _lock_self_only() -> dict:
    """Lock only the request row, not the joined ones (nor the nullable side of a join)."""
    return {"of": ("self",)} if connection.features.has_select_for_update_of else {}


def _remind_one(reminder: _Reminder, pk: int, now: datetime) -> int:
    with transaction.atomic():
        obj = (
            _overdue(reminder, now)
            .select_for_update(**_lock_self_only())
            .select_related(*reminder.related)
            .filter(pk=pk)
            .first()
        )
        if obj is None:  # another worker got there first, or it was decided meanwhile
            return 0
        _remind(reminder, obj, now)
        return 1


def _reminders_sweep(reminder: _Reminder, *, batch: int) -> int:
    """Remind once per request when it passes its deadline.

    PostgreSQL: rows are claimed with SELECT … FOR UPDATE SKIP LOCKED so concurrent
    workers share the work; elsewhere one short transaction per request, re-checked under
    the lock. Either way `reminded_at` makes each reminder fire once, and the outbox
    idempotency keys make each message exist once."""
    now = clock.now()
    due = _overdue(reminder, now).order_by("due_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            rows = list(
                due.select_for_update(skip_locked=True, **_lock_self_only()).select_related(
                    *reminder.related
                )[:batch]
            )
            for row in rows:
                _remind(reminder, row, now)
            return len(rows)
    pks = list(due.values_list("pk", flat=True)[:batch])
    return sum(_remind_one(reminder, pk, now) for pk in pks)


def _at(value: datetime) -> str:
    return f"{value.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}"


def _unit_admin_reminder_send(admin_request: UnitAdminRequest) -> int:
    """The approving department's mailbox."""
    office = admin_request.office
    if not office.email:
        return 0
    outbox_enqueue(
        channel="email",
        recipient=office.email,
        subject=f"催办：单位系统管理员权限申请{admin_request.number}已超过办理期限",
        body=(
            f"{office.name}：\n\n单位系统管理员权限申请{admin_request.number}"
            f"（单位：{admin_request.unit.name}，申请人：{admin_request.applicant.real_name}）"
            f"于{_at(admin_request.submitted_at)}提交，"
            f"办理期限为{admin_request.due_date:%Y-%m-%d}，现已逾期，请尽快登录系统审批。\n"
        ),
        key=f"unit-admin:{admin_request.number}:reminder",
    )
    return 1


def _change_reminder_send(change: ChangeRequest) -> int:
    """Every reviewer who sees the office's worklist: an SMS, or an email for a reviewer
    without a mobile. Nobody reachable: the office's mailbox, so the reminder is not lost."""
    kind = change.get_kind_display()
    subject = f"催办：{kind}申请{change.number}已超过办理期限"
    what = change.name or (change.unit.name if change.unit_id else "")
    body = (
        f"{kind}申请{change.number}（{what}，申请人：{change.requester.real_name}）"
        f"于{_at(change.submitted_at)}提交，办理期限为{change.due_date:%Y-%m-%d}，"
        "现已逾期，请尽快登录系统在“信息变更审核”中审核。\n"
    )
    sent = 0
    for reviewer in office_reviewers(office=change.office):
        key = f"change:{change.number}:reminder:u{reviewer.pk}"
        if reviewer.mobile:
            _sms(
                reviewer.mobile,
                f"{subject}（期限{change.due_date:%Y-%m-%d}），请尽快登录系统审核。",
                key=key,
            )
        elif reviewer.email:
            outbox_enqueue(
                channel="email",
                recipient=reviewer.email,
                subject=subject,
                body=f"{reviewer.real_name}：\n\n{body}",
                key=key,
            )
        else:
            continue
        sent += 1
    if not sent and change.office.email:
        outbox_enqueue(
            channel="email",
            recipient=change.office.email,
            subject=subject,
            body=f"{change.office.name}：\n\n{body}",
            key=f"change:{change.number}:reminder:office",
        )
        sent = 1
    return sent


UNIT_ADMIN_REMINDER = _Reminder(
    model=UnitAdminRequest,
    related=("office", "unit", "applicant"),
    event="unit_admin.remind",
    unsent="no_email",
    send=_unit_admin_reminder_send,
)
CHANGE_REMINDER = _Reminder(
    model=ChangeRequest,
    related=("office", "unit", "requester"),
    event="change.remind",
    unsent="no_recipient",
    send=_change_reminder_send,
)


def unit_admin_reminders_sweep(*, batch: int = 100) -> int:
    """Worker sweep: remind the approving department once when a rights request passes
    its deadline."""
    return _reminders_sweep(UNIT_ADMIN_REMINDER, batch=batch)


def change_reminders_sweep(*, batch: int = 100) -> int:
    """Worker sweep: remind the reviewers (the data service centre's officials) once when
    a change request passes its deadline."""
    return _reminders_sweep(CHANGE_REMINDER, batch=batch)
