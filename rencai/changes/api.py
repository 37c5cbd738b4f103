"""Change requests API: create (multipart, with attachments), list mine, show by number;
unit-admin rights requests (单位系统管理员权限申请): create (JSON), list mine, show by number.

Same services and visibility as the pages: someone else's request number is 404.
"""

from __future__ import annotations

from ninja import Field, Router, Schema
from pydantic import create_model

from rencai.accounts.roles import acting_as_for
from rencai.api.schemas import DbId, Error, ModelText, Text
from rencai.changes import selectors, services
from rencai.changes.models import ChangeRequest, UnitAdminRequest
from rencai.orgs.models import Office
from rencai.orgs.refs import approving_office_ref, district_ref, supervisory_office_ref, unit_ref
from rencai.orgs.selectors import unit_choose
from rencai.process.api import DOCUMENT_FIELDS as DOC
from rencai.process.api import (
    OfficeOut,
    documents_out,
    office_out,
    out_schema,
    request_api,
    request_out,
    service_values,
)

router = Router(tags=["changes 信息变更申请"])
MODULE = "rencai_changes_api"  # the operation ids' prefix (as for functions of this module)
Kind = ChangeRequest.Kind


ChangeOut = out_schema(
    "ChangeOut",
    lead={"kind": str, "kind_label": str},
    fields={"name": str, "code": str, "unit_id": int | None},
    after={"documents": list[create_model("ChangeDocumentOut", __base__=Schema, **DOC)]},
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
    return {
        **request_out(change), "kind": change.kind, "kind_label": str(change.get_kind_display()),
        "name": change.name, "code": change.code, "unit_id": change.unit_id,
        "documents": documents_out(change.folder),
    }  # fmt: skip


def _create(request, values: dict, files: dict) -> ChangeRequest:
    kind, common = values["kind"], {"requester": request.user, "request": request}
    values = service_values(
        values, service=services.SUBMIT.get(kind, lambda: None), renamed=RENAMED.get(kind, {}),
        resolve={"district": district_ref, "supervisory_office": supervisory_office_ref,
                 "unit": lambda ref: unit_choose(ref=ref)},
    )  # fmt: skip
    return services.change_request_submit(
        **values, **common, files=files, acting_unit=acting_as_for(request).unit
    )


#: The payload's names for what a kind's service calls otherwise (service name: payload name).
RENAMED = {
    Kind.UNIT_CHANGE: {"new_name": "name", "new_code": "code"},
    Kind.INSTITUTION_NEW: {"location": "address", "moe_code": "code"},
    Kind.MAJOR_NEW: {"major_code": "code"},
}
request_api(
    router, path="/requests", module=MODULE, names=("request", "requests"), payload=ChangeIn,
    out=ChangeOut, serialize=_out, create=_create, get=selectors.change_request_get,
    list_mine=lambda user: selectors.change_request_list_mine(user=user).select_related("folder"),
    files=("business_licence", "change_notice", "diploma", "degree", "other"), similar=True,
    summaries=("提交信息变更申请 Create a change request", "我的信息变更申请 My change requests",
               "按编号查看 Show by number"),
    docs=("""multipart/form-data. `kind`: unit_new, unit_change, institution_new, major_new,
    unit_contact (the last one acting as the unit). Attachments as file fields named by
    their type. Similar existing records → 400 code "similar_found" (resend with
    confirm_new=true); a registered code → 409 code "unit_exists".""",
          "My requests and those of the units I administer, newest first (at most 200).", None),
)  # fmt: skip


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

    chosen = unit_ref(unit)
    return {
        "unit": {"id": chosen.pk, "code": chosen.code, "name": chosen.name},
        "needs_unit_admin": rules.unit_admin_needed(chosen),
        "approvers": [office_out(o) for o in rules.unit_admin_approvers(chosen)],
        "refusal": rules.unit_admin_refusal(chosen),
    }


request_api(
    router, path="/unit-admin-requests", module=MODULE,
    names=("unit_admin_request", "unit_admin_requests"),
    payload=UnitAdminIn, out=UnitAdminOut, serialize=_admin_out,
    create=lambda request, values, files: services.unit_admin_request_create(
        applicant=request.user, unit=unit_ref(values["unit"]),
        office=approving_office_ref(values["office"]), note=values["note"], request=request,
    ),
    list_mine=selectors.unit_admin_request_list_mine, get=selectors.unit_admin_request_get,
    summaries=("申请单位系统管理员权限 Request unit-admin rights",
               "我的单位系统管理员权限申请 My unit-admin rights requests",
               "按编号查看权限申请 Show a unit-admin rights request"),
    docs=("""For the logged-in person (whatever identity they act as). `unit`: the unit's id or
    code from the registry. `office`: the approving department — city units: their city
    supervisory department; district units: the district's HRSS bureau. A wrong or missing
    department → 400 field "office" naming the right one; units that need no unit admin
    (district and other non-city enterprises) → 400 field "unit" with the reason.""",
          "My rights requests, newest first (at most 200).",
          "404 for a number that is not yours (or not your department's), exactly as for one\n"
          "that does not exist."),
)  # fmt: skip
