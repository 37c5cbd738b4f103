"""Writes: change requests (信息变更申请) and unit-admin rights (单位系统管理员权限).

Submissions check their input here and then go through rencai.process.engine (processes.py
declares the table; effects.py applies an approved change in the same transaction).
"""

from __future__ import annotations

import inspect
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import RoleGrant
from rencai.catalog.models import Institution, Major, education_needs_catalogue_school
from rencai.catalog.selectors import institution_similar, major_similar
from rencai.changes import rules
from rencai.changes.attachments import (  # noqa: F401 (views use these names)
    DRAFT_OWNER_KIND,
    OWNER_KIND,
    _attach,
    change_draft_folder,
    change_draft_upload,
)
from rencai.changes.models import ChangeRequest, RequestStatus
from rencai.changes.processes import CHANGE
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, NotFound
from rencai.orgs.models import District, Office, Unit
from rencai.orgs.services import unit_check_supervision
from rencai.orgs.similar import unit_existing_for_code, unit_similar
from rencai.orgs.validators import validate_unit_code
from rencai.process import engine
from rencai.process.reviewed import decision, sweeper

Kind = ChangeRequest.Kind
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


def _code_or_error(value: str, *, field: str = "code") -> str:
    try:
        return validate_unit_code(value)
    except ValidationError as exc:
        message = exc.messages[0]
        if "校验位" in message:
            message = f"{message}（{rules.CODE_FORMAT}）"
        raise DomainError(
            format_lazy(_("单位代码：{message}"), message=message), field=field, code="unit_code"
        ) from None


def _create(
    *,
    kind: str,
    requester,
    request,
    files,
    draft,
    acting_unit: Unit | None = None,
    required: tuple[str, ...] | None = None,
    note: str = "",
    **values,
) -> ChangeRequest:
    """Collect the attachments, then start the request through the engine."""
    folder = _attach(kind=kind, user=requester, files=files, draft=draft, required=required)
    change = ChangeRequest(
        kind=kind, requester=requester, acting_unit=acting_unit, office=rules.data_centre(),
        folder=folder, submitted_at=clock.now(), note=(note or "").strip()[:1000], **values,
    )  # fmt: skip
    return engine.start(
        process=CHANGE, obj=change, action="submit", actor=requester, request=request
    )


def _refuse_pending(kind: str, message: str, *, field: str, **filters) -> None:
    """A second request for the same thing while one is pending (a double submit)."""
    if ChangeRequest.objects.filter(kind=kind, status=RequestStatus.PENDING, **filters).exists():
        raise Conflict(message, field=field)


def _offer_similar(confirm_new: bool, similar, what: str, how: str = "直接选择") -> None:
    """Similar records: the requester picks one or confirms it is none ("以上都不是")."""
    if not confirm_new and (found := similar()):
        raise SimilarFound(
            f"是否是以下{what}？如是，请{how}；都不是，请勾选“以上都不是”后再提交。",
            candidates=found,
        )


# --- the five kinds (SUBMIT below: one way in for pages and API) ------------------------
# Each takes keyword-only: requester, files={}, draft=None, request=None, note="", and
# its own fields; each is @transaction.atomic.

_COMMON = {"files": {}, "draft": None, "request": None, "note": ""}


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
    confirm_new: bool = False,
    acting_unit: Unit | None = None,
    **common,
) -> ChangeRequest:
    """新增单位信息 (FAQ 一.4): a unit missing from the registry. Refuses a code that is
    registered (UnitExists, with the unit) and, unless `confirm_new`, offers similarly named
    units (SimilarFound)."""
    name = _clean_text(name, limit=200)
    if len(name) < 2:
        raise DomainError(
            _("单位名称：请按营业执照填写完整的单位名称（至少2个字）。"), field="name"
        )
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
    _refuse_pending(
        Kind.UNIT_NEW, f"单位代码：{code} 的新增单位申请已在审核中，请勿重复提交，审核结果将短信通知。",
        field="code", code=code,
    )  # fmt: skip
    if nature not in Unit.Nature.values:
        raise DomainError(_("单位性质：请选择。"), field="nature")
    if level not in Unit.Level.values:
        raise DomainError(_("隶属层级：请选择市属或区属。"), field="level")
    unit_check_supervision(level=level, supervisory_office=supervisory_office)
    _offer_similar(confirm_new, lambda: unit_similar(name=name), "单位")
    return _create(
        kind=Kind.UNIT_NEW, requester=requester, acting_unit=acting_unit, name=name, code=code,
        nature=nature, level=level, district=district, supervisory_office=supervisory_office,
        phone=_clean_text(phone, limit=40), address=_clean_text(address, limit=200),
        **{**_COMMON, **common},
    )  # fmt: skip


@transaction.atomic
def change_request_unit_change(
    *,
    requester,
    unit: Unit,
    new_name: str = "",
    new_code: str = "",
    acting_unit: Unit | None = None,
    **common,
) -> ChangeRequest:
    """修改单位信息 (FAQ 一.6, 一.7): rename and/or replace the code, with the business licence
    and the approval-of-change notice. A renamed unit may keep its 9-character code."""
    if not unit.is_active:
        raise DomainError(
            format_lazy(_("单位：“{name}”已注销，不能修改。"), name=unit.name), field="unit"
        )
    new_name = _clean_text(new_name, limit=200) or unit.name
    new_code = _code_or_error(new_code, field="new_code") if (new_code or "").strip() else unit.code
    name_changed, code_changed = new_name != unit.name, new_code != unit.code
    if not name_changed and not code_changed:
        raise DomainError(
            _(
                "没有需要修改的内容：单位名称未发生变更的，保留原9位组织机构代码也可以办理业务，无需申请（常见问题 一.6）。"
            ),
            field="new_name",
        )
    if len(new_name) < 2:
        raise DomainError(_("新单位名称：至少2个字。"), field="new_name")
    if code_changed:
        if len(unit.code) == 18 and len(new_code) == 9:
            raise DomainError(
                _("新单位代码：不能把18位统一社会信用代码改回9位组织机构代码。"), field="new_code"
            )
        other = unit_existing_for_code(code=new_code, exclude=unit)
        if other is not None:
            raise UnitExists(
                f"新单位代码：{new_code} 已登记为“{other.name}”，不能再用于本单位。",
                unit=other,
                field="new_code",
            )
    _refuse_pending(
        Kind.UNIT_CHANGE, "该单位已有您提交的修改申请在审核中，请等待审核结果。", field="unit",
        unit=unit, requester=requester,
    )  # fmt: skip
    required = rules.required_attachments(
        Kind.UNIT_CHANGE, name_changed=name_changed, code_changed=code_changed
    )
    return _create(
        kind=Kind.UNIT_CHANGE, requester=requester, acting_unit=acting_unit, required=required,
        unit=unit, name=new_name, code=new_code, before={"name": unit.name, "code": unit.code},
        **{**_COMMON, **common},
    )  # fmt: skip


def _education_level_check(education_level: str, what: str) -> None:
    from rencai.catalog.models import EducationLevel

    if education_level not in EducationLevel.values:
        raise DomainError(_("学历层次：请选择。"), field="education_level")
    if not education_needs_catalogue_school(education_level):
        raise DomainError(
            format_lazy(
                _("大专以下学历的{what}无需申请：请在入户申请表中直接手动填写（常见问题 一.8）。"),
                what=what,
            ),
            field="education_level",
            code="below_college",
        )


_MOE_CODE = re.compile(r"\d{10}")
_MAJOR_CODE = re.compile(r"\d{6}[A-Z]{0,2}")


def _catalogued(found, text: str, where: str) -> None:
    if found is not None:
        raise Conflict(
            format_lazy(_("{text}已在{where}中，请直接搜索选择。"), text=text, where=where),
            field="name",
        )


@transaction.atomic
def change_request_institution_new(
    *,
    requester,
    education_level: str,
    name: str,
    level: str,
    location: str = "",
    moe_code: str = "",
    confirm_new: bool = False,
    **common,
) -> ChangeRequest:
    """增加院校 (FAQ 一.8): from 大专 up, a school missing from the catalogue."""
    _education_level_check(education_level, "毕业院校")
    name = _clean_text(name, limit=100)
    if len(name) < 2:
        raise DomainError(_("院校名称：请按毕业证书填写完整的学校名称。"), field="name")
    if level not in Institution.Level.values:
        raise DomainError(_("办学层次：请选择本科或专科。"), field="level")
    moe_code = (moe_code or "").strip()
    if moe_code and not _MOE_CODE.fullmatch(moe_code):
        raise DomainError(_("学校标识码：应为10位数字（不知道可不填）。"), field="code")
    found = Institution.objects.filter(is_active=True, name=name).first()
    if found is None and moe_code:
        found = Institution.objects.filter(moe_code=moe_code).first()
    if found is not None:
        _catalogued(found, f"院校名称：“{found.name}”（{found.moe_code}）", "院校库")
    _refuse_pending(
        Kind.INSTITUTION_NEW, f"院校名称：“{name}”的增加申请已在审核中，审核通过后即可搜索到。",
        field="name", name=name,
    )  # fmt: skip
    _offer_similar(confirm_new, lambda: institution_similar(name=name), "院校", "直接搜索选择")
    return _create(
        kind=Kind.INSTITUTION_NEW, requester=requester, education_level=education_level,
        name=name, level=level, code=moe_code, address=_clean_text(location, limit=40),
        **{**_COMMON, **common},
    )  # fmt: skip


@transaction.atomic
def change_request_major_new(
    *,
    requester,
    education_level: str,
    name: str,
    major_code: str = "",
    confirm_new: bool = False,
    **common,
) -> ChangeRequest:
    """增加专业 (FAQ 一.8): from 大专 up, a major missing from the catalogue."""
    _education_level_check(education_level, "专业")
    name = _clean_text(name, limit=60)
    if len(name) < 2:
        raise DomainError(_("专业名称：请按毕业证书填写完整的专业名称。"), field="name")
    major_code = (major_code or "").strip().upper()
    if major_code and not _MAJOR_CODE.fullmatch(major_code):
        raise DomainError(
            _("专业代码：应为6位数字，可带1–2位字母后缀（如 080901、080904K；不知道可不填）。"),
            field="code",
        )
    level = Major.Level.VOCATIONAL if education_level == "college" else Major.Level.UNDERGRADUATE
    found = Major.objects.filter(is_active=True, name=name, level=level).first()
    if found is None and major_code:
        found = Major.objects.filter(code=major_code).first()
    if found is not None:
        _catalogued(
            found,
            f"专业名称：“{found.name}”（{found.code}，{found.get_level_display()}）",
            "专业库",
        )
    _refuse_pending(
        Kind.MAJOR_NEW, f"专业名称：“{name}”的增加申请已在审核中，审核通过后即可搜索到。",
        field="name", name=name, level=level,
    )  # fmt: skip
    similar = lambda: major_similar(name=name, level=level)  # noqa: E731
    _offer_similar(confirm_new, similar, "专业", "直接搜索选择")
    return _create(
        kind=Kind.MAJOR_NEW, requester=requester, education_level=education_level, name=name,
        level=level, code=major_code, **{**_COMMON, **common},
    )  # fmt: skip


@transaction.atomic
def change_request_unit_contact(
    *, requester, acting_unit: Unit | None, phone: str = "", nature: str = "", **common
) -> ChangeRequest:
    """修改单位电话/单位性质 (FAQ 一.12): by a unit admin acting as the unit, in the app."""
    if acting_unit is None:
        raise DomainError(
            _("请先切换为单位身份（单位系统管理员）再申请修改单位电话或单位性质。"),
            field="unit",
            code="acting_as_unit",
        )
    unit = acting_unit
    if not RoleGrant.objects.filter(
        user=requester, unit=unit, role=RoleGrant.Role.UNIT_ADMIN, revoked_at__isnull=True
    ).exists():
        raise NotFound(_("单位不存在。"), field="unit")
    phone = _clean_text(phone, limit=40)
    if phone and not re.fullmatch(r"[0-9+\-（）() 转]{7,40}", phone):
        raise DomainError(
            _("单位电话：只能包含数字、短横线、括号和“转”，如 020-12345678。"), field="phone"
        )
    if nature and nature not in Unit.Nature.values:
        raise DomainError(_("单位性质：请选择。"), field="nature")
    phone_changed = bool(phone) and phone != unit.phone
    nature_changed = bool(nature) and nature != unit.nature
    if not phone_changed and not nature_changed:
        raise DomainError(
            _("没有需要修改的内容：新单位电话和新单位性质都与现有信息相同或未填写。"), field="phone"
        )
    _refuse_pending(
        Kind.UNIT_CONTACT, "本单位已有修改电话/性质的申请在审核中，请等待审核结果。",
        field="phone", unit=unit,
    )  # fmt: skip
    return _create(
        kind=Kind.UNIT_CONTACT, requester=requester, acting_unit=unit, unit=unit,
        phone=phone if phone_changed else "", nature=nature if nature_changed else "",
        before={"phone": unit.phone, "nature": unit.nature}, **{**_COMMON, **common},
    )  # fmt: skip


SUBMIT = {
    Kind.UNIT_NEW: change_request_unit_new,
    Kind.UNIT_CHANGE: change_request_unit_change,
    Kind.INSTITUTION_NEW: change_request_institution_new,
    Kind.MAJOR_NEW: change_request_major_new,
    Kind.UNIT_CONTACT: change_request_unit_contact,
}


def change_request_submit(*, kind: str, **values) -> ChangeRequest:
    """One way in for every kind (pages and API): the kind's service above, given the
    values it takes (the rest — other kinds' fields, attachments by type — is ignored)."""
    service = SUBMIT.get(kind)
    if service is None:
        raise DomainError(
            format_lazy(
                _("申请类型：“{kind}”无效，可选 {choices}。"),
                kind=str(kind)[:20],
                choices=", ".join(Kind.values),
            ),
            field="kind",
        )
    takes = {*inspect.signature(service).parameters, *_COMMON}
    return service(**{name: value for name, value in values.items() if name in takes})


# --- decisions and overdue reminders: the engine's transition and deadline sweep -------

change_request_approve = decision(CHANGE, "approve", obj="change", actor="reviewer")
change_request_reject = decision(CHANGE, "reject", obj="change", actor="reviewer")
#: Remind the data service centre's reviewers once when a change request is overdue.
change_reminders_sweep = sweeper(CHANGE)


# Unit-admin rights live in rencai.changes.rights; these names are what views, the API,
# settings.RENCAI_WORKER_SWEEPS and tests use.
from rencai.changes.rights import (  # noqa: E402, F401
    unit_admin_can_revoke,
    unit_admin_reminders_sweep,
    unit_admin_request_approve,
    unit_admin_request_create,
    unit_admin_request_reject,
    unit_admin_revoke,
)
