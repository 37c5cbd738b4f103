"""Change requests API: create (multipart, with attachments), list mine, show by number;
unit-admin rights requests (单位系统管理员权限申请): create (JSON), list mine, show by number.

Same services and visibility as the pages: someone else's request number is 404.
"""

from __future__ import annotations

import inspect

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from rencai.accounts.roles import acting_as_for
from rencai.api.schemas import DbId, Error, ModelText, Text
from rencai.changes import selectors, services
from rencai.changes.models import ChangeRequest, UnitAdminRequest
from rencai.core.errors import DomainError
from rencai.documents.selectors import folder_documents
from rencai.orgs.models import District, Office
from rencai.orgs.selectors import unit_choose, unit_resolve_reference
from rencai.process.api import OfficeOut, office_out, out_schema, request_endpoints, request_out

router = Router(tags=["changes 信息变更申请"])
Kind = ChangeRequest.Kind


class SimilarFoundError(Error):
    """400 code "similar_found": the records offered instead (resend with confirm_new)."""

    candidates: list[str] = []


class ChangeDocumentOut(Schema):
    type_code: str
    original_name: str
    size: int
    url: str


ChangeOut = out_schema(
    "ChangeOut",
    lead={"kind": str, "kind_label": str},
    fields={"name": str, "code": str, "unit_id": int | None},
    after={"documents": list[ChangeDocumentOut]},
)


class ChangeIn(Schema):
    # Limits and labels from the ChangeRequest model (and the registry's codes).
    kind: ModelText(ChangeRequest, "kind")
    # unit_change: id or code of the unit (registry reference)
    unit: Text(40, "单位", name="unit") = ""
    name: ModelText(ChangeRequest, "name") = ""
    # unit_new: unit code; unit_change: new code; institution: MOE code; major: code
    code: ModelText(ChangeRequest, "code") = ""
    nature: ModelText(ChangeRequest, "nature") = ""
    level: ModelText(ChangeRequest, "level") = ""
    district: Text(20, "所在区", name="district") = ""  # district code, e.g. 440106
    supervisory_office: ModelText(  # office code, e.g. dept-sasac
        Office, "code", label="主管部门", as_name="supervisory_office"
    ) = ""
    phone: ModelText(ChangeRequest, "phone") = ""
    address: ModelText(ChangeRequest, "address") = ""
    education_level: ModelText(ChangeRequest, "education_level") = ""
    note: ModelText(ChangeRequest, "note") = ""
    confirm_new: bool = False


def _out(change: ChangeRequest) -> dict:
    from django.urls import reverse

    return {
        **request_out(change),
        "kind": change.kind,
        "kind_label": str(change.get_kind_display()),
        "name": change.name,
        "code": change.code,
        "unit_id": change.unit_id,
        "documents": [
            {
                "type_code": d.type_code,
                "original_name": d.original_name,
                "size": d.size,
                "url": reverse("documents:serve", args=[d.public_id, "original"]),
            }
            for d in folder_documents(folder=change.folder)
        ],
    }


def _district(code: str) -> District:
    district = (
        District.objects.filter(code=code).first() or District.objects.filter(name=code).first()
    )
    if district is None:
        raise DomainError(
            f"所在区：“{code[:20]}”不是广州市的区划代码（如 440106）。", field="district"
        )
    return district


def _office(code: str) -> Office | None:
    if not code:
        return None
    office = Office.objects.filter(code=code, kind=Office.Kind.SUPERVISORY, is_active=True).first()
    if office is None:
        raise DomainError(
            f"主管部门：“{code[:40]}”不是市直主管部门的代码（如 dept-sasac）。",
            field="supervisory_office",
        )
    return office


@router.post(
    "/requests",
    response={201: ChangeOut, 400: SimilarFoundError, 404: Error, 409: Error},
    summary="提交信息变更申请 Create a change request",
)
def create_request(
    request,
    payload: Form[ChangeIn],
    business_licence: File[UploadedFile] = None,
    change_notice: File[UploadedFile] = None,
    diploma: File[UploadedFile] = None,
    degree: File[UploadedFile] = None,
    other: File[UploadedFile] = None,
):
    """multipart/form-data. `kind`: unit_new, unit_change, institution_new, major_new,
    unit_contact (the last one acting as the unit). Attachments as file fields named by
    their type. Similar existing records → 400 code "similar_found" (resend with
    confirm_new=true); a registered code → 409 code "unit_exists"."""
    files = {
        k: v
        for k, v in {
            "business_licence": business_licence,
            "change_notice": change_notice,
            "diploma": diploma,
            "degree": degree,
            "other": other,
        }.items()
        if v
    }
    try:
        return Status(201, _out(_create(request, payload, files)))
    except services.SimilarFound as exc:
        candidates = [
            f"{getattr(c, 'name', c)}（{getattr(c, 'code', '') or getattr(c, 'moe_code', '')}）"
            for c in exc.candidates
        ]
        return Status(
            400,
            {
                "code": exc.code,
                "message": exc.message,
                "field": exc.field,
                "candidates": candidates,
            },
        )


#: The payload's names for what a kind's service calls otherwise (service name: payload name).
RENAMED = {
    Kind.UNIT_CHANGE: {"new_name": "name", "new_code": "code"},
    Kind.INSTITUTION_NEW: {"location": "address", "moe_code": "code"},
    Kind.MAJOR_NEW: {"major_code": "code"},
}
#: References resolved only for the kinds whose service takes them.
RESOLVE = {
    "district": _district,
    "supervisory_office": _office,
    "unit": lambda ref: unit_choose(ref=ref),
}


def _create(request, p: ChangeIn, files: dict) -> ChangeRequest:
    values = p.dict()
    for name, source in RENAMED.get(p.kind, {}).items():
        values[name] = values.pop(source)
    takes = inspect.signature(services.SUBMIT.get(p.kind, lambda: None)).parameters
    for name, resolve in RESOLVE.items():
        values[name] = resolve(values[name]) if name in takes else None
    return services.change_request_submit(
        **values, requester=request.user, request=request, files=files,
        acting_unit=acting_as_for(request).unit,
    )  # fmt: skip


request_endpoints(
    router,
    path="/requests",
    out=ChangeOut,
    serialize=_out,
    list_mine=lambda user: selectors.change_request_list_mine(user=user).select_related("folder"),
    get=selectors.change_request_get,
    operation_ids=("rencai_changes_api_list_requests", "rencai_changes_api_show_request"),
    summaries=("我的信息变更申请 My change requests", "按编号查看 Show by number"),
    docs=("My requests and those of the units I administer, newest first (at most 200).", None),
)


# --- unit-admin rights requests (单位系统管理员权限申请) -------------------------------------


class UnitRefOut(Schema):
    id: int
    code: str
    name: str


UnitAdminOut = out_schema(
    "UnitAdminOut",
    fields={"unit": UnitRefOut, "note": str},  # office: the approving department
    after={"granted": bool},  # approved and the rights are still active
)


UnitRef = DbId | Text(40, "单位", name="unit")


class UnitAdminIn(Schema):
    unit: UnitRef = Field(
        "", description="单位的编号（id）或单位代码，来自单位搜索；不接受单位名称。"
    )
    office: DbId | ModelText(Office, "code", label="审批部门", as_name="office") = Field(
        "",
        description="审批部门的代码或编号：市属单位为其市直主管部门（如 dept-edu），"
        "区属单位为所属区的人社局（如 district-440106）。",
    )
    note: ModelText(UnitAdminRequest, "note") = Field("", description="补充说明（选填）")


def _admin_out(admin_request: UnitAdminRequest) -> dict:
    unit, grant = admin_request.unit, admin_request.grant
    return {
        **request_out(admin_request),
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "note": admin_request.note,
        "granted": grant is not None and grant.revoked_at is None,
    }


def _admin_unit(ref: int | str):
    """The unit a reference names (as the page's picker resolves it); whether rights may be
    requested for it (deregistered, no unit admin needed) is the service's decision."""
    text = str(ref).strip()
    unit = unit_resolve_reference(text)
    if unit is None:
        shown = f"“{text[:60]}”不是已登记单位的编号或代码。" if text else ""
        raise DomainError(
            f"单位：请填写已登记单位的编号（id）或统一社会信用代码/组织机构代码，{shown}"
            "不能填写单位名称；可先用 GET /api/units?q=名称 查找。",
            field="unit",
            code="unit_reference",
        )
    return unit


def _admin_office(ref: int | str) -> Office | None:
    """The chosen approving department, or None when none was chosen (the service then
    names the right one)."""
    text = str(ref).strip()
    if not text:
        return None
    offices = Office.objects.filter(
        is_active=True, kind__in=[Office.Kind.SUPERVISORY, Office.Kind.DISTRICT_WINDOW]
    )
    office = (offices.filter(pk=int(text)) if text.isdigit() else offices.filter(code=text)).first()
    if office is None:
        raise DomainError(
            f"审批部门：“{text[:40]}”不是审批部门的代码。市属单位填其市直主管部门"
            "（如 dept-edu），区属单位填所属区的人社局（如 district-440106）。",
            field="office",
            code="office_reference",
        )
    return office


class ApproversOut(Schema):
    unit: UnitRefOut
    needs_unit_admin: bool
    approvers: list[OfficeOut]
    refusal: str


@router.get(
    "/unit-admin-approvers",
    response={200: ApproversOut, 400: Error},
    summary="权限审批部门 Who approves unit-admin rights for a unit",
)
def unit_admin_approvers(request, unit: Text(40, "单位", name="unit")):
    """What the request form shows before anyone applies (FAQ 二.1, 二.2): whether the unit
    needs a unit admin at all (district and other non-city enterprises do not), the
    department that approves the rights with its contact, and, when a request would be
    refused, why. `unit`: the unit's id or code."""
    from rencai.changes import rules

    chosen = _admin_unit(unit)
    return {
        "unit": {"id": chosen.pk, "code": chosen.code, "name": chosen.name},
        "needs_unit_admin": rules.unit_admin_needed(chosen),
        "approvers": [office_out(o) for o in rules.unit_admin_approvers(chosen)],
        "refusal": rules.unit_admin_refusal(chosen),
    }


@router.post(
    "/unit-admin-requests",
    response={201: UnitAdminOut, 400: Error, 404: Error, 409: Error},
    summary="申请单位系统管理员权限 Request unit-admin rights",
)
def create_unit_admin_request(request, payload: UnitAdminIn):
    """For the logged-in person (whatever identity they act as). `unit`: the unit's id or
    code from the registry. `office`: the approving department — city units: their city
    supervisory department; district units: the district's HRSS bureau. A wrong or missing
    department → 400 field "office" naming the right one; units that need no unit admin
    (district and other non-city enterprises) → 400 field "unit" with the reason."""
    unit = _admin_unit(payload.unit)
    admin_request = services.unit_admin_request_create(
        applicant=request.user,
        unit=unit,
        office=_admin_office(payload.office),
        note=payload.note,
        request=request,
    )
    return Status(201, _admin_out(admin_request))


request_endpoints(
    router,
    path="/unit-admin-requests",
    out=UnitAdminOut,
    serialize=_admin_out,
    list_mine=selectors.unit_admin_request_list_mine,
    get=selectors.unit_admin_request_get,
    operation_ids=(
        "rencai_changes_api_list_unit_admin_requests",
        "rencai_changes_api_show_unit_admin_request",
    ),
    summaries=(
        "我的单位系统管理员权限申请 My unit-admin rights requests",
        "按编号查看权限申请 Show a unit-admin rights request",
    ),
    docs=(
        "My rights requests, newest first (at most 200).",
        "404 for a number that is not yours (or not your department's), exactly as for one\n"
        "that does not exist.",
    ),
)
