"""Writes: change requests (信息变更申请) and unit-admin rights (单位系统管理员权限).

Submissions check their input here and then go through rencai.process.engine (processes.py
declares the table; effects.py applies an approved change in the same transaction).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from rencai.accounts.models import RoleGrant
from rencai.audit.services import audit_record
from rencai.catalog.models import Institution, Major, education_needs_catalogue_school
from rencai.changes import rules
from rencai.changes.effects import _sms
from rencai.changes.models import ChangeRequest, RequestStatus, UnitAdminRequest
from rencai.changes.processes import CHANGE, UNIT_ADMIN
from rencai.changes.selectors import (
    institution_similar,
    major_similar,
    official_office_ids,
    unit_existing_for_code,
    unit_similar,
)
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.documents.models import Folder
from rencai.documents.selectors import folder_type_codes
from rencai.documents.services import document_upload, folder_create
from rencai.orgs.models import District, Office, Unit
from rencai.orgs.services import (
    unit_check_supervision,
)
from rencai.orgs.validators import validate_unit_code
from rencai.process import engine

Kind = ChangeRequest.Kind
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
    *, kind: str, requester, request, acting_unit: Unit | None, folder: Folder, **values
) -> ChangeRequest:
    change = ChangeRequest(
        kind=kind, requester=requester, acting_unit=acting_unit, office=rules.data_centre(),
        folder=folder, submitted_at=clock.now(), **values,
    )  # fmt: skip
    return engine.start(
        process=CHANGE, obj=change, action="submit", actor=requester, request=request
    )


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
    return _create(
        kind=Kind.UNIT_CHANGE,
        requester=requester,
        request=request,
        acting_unit=acting_unit,
        folder=folder,
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


def _reason_or_error(reason: str, what: str) -> str:
    reason = (reason or "").strip()[:REASON_MAX]
    if not reason:
        raise DomainError(f"{what}：不通过时必须填写原因，申请人会看到。", field="reason")
    return reason


def change_request_approve(*, change: ChangeRequest, reviewer, request=None) -> ChangeRequest:
    """Approve and apply in one transaction (the change is immediately visible)."""
    return engine.transition(
        process=CHANGE, obj=change, action="approve", actor=reviewer, request=request
    )


def change_request_reject(
    *, change: ChangeRequest, reviewer, reason: str, request=None
) -> ChangeRequest:
    reason = _reason_or_error(reason, "审核意见")
    return engine.transition(
        process=CHANGE, obj=change, action="reject", actor=reviewer, reason=reason,
        request=request,
    )  # fmt: skip


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
    admin_request = UnitAdminRequest(
        applicant=applicant, unit=unit, office=office, note=(note or "").strip()[:1000],
        submitted_at=clock.now(),
    )  # fmt: skip
    return engine.start(
        process=UNIT_ADMIN, obj=admin_request, action="request", actor=applicant,
        request=request,
    )  # fmt: skip


def unit_admin_request_approve(
    *, admin_request: UnitAdminRequest, official, request=None
) -> UnitAdminRequest:
    return engine.transition(
        process=UNIT_ADMIN, obj=admin_request, action="approve", actor=official, request=request
    )


def unit_admin_request_reject(
    *, admin_request: UnitAdminRequest, official, reason: str, request=None
) -> UnitAdminRequest:
    reason = _reason_or_error(reason, "审批意见")
    return engine.transition(
        process=UNIT_ADMIN, obj=admin_request, action="reject", actor=official, reason=reason,
        request=request,
    )  # fmt: skip


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


# --- overdue reminders (催办): the engine's deadline sweep, one named worker entry each ---


def unit_admin_reminders_sweep(*, batch: int = 100) -> int:
    """Remind the approving department once when a rights request passes its deadline."""
    return engine.deadlines_sweep(batch=batch, processes=(UNIT_ADMIN.key,))


def change_reminders_sweep(*, batch: int = 100) -> int:
    """Remind the data service centre's reviewers once when a change request is overdue."""
    return engine.deadlines_sweep(batch=batch, processes=(CHANGE.key,))
