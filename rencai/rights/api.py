"""Unit-admin rights requests (单位系统管理员权限申请) API: who approves for a unit, create
(JSON), list mine, show by number. Same services and visibility as the pages: someone
else's request number is 404. Mounted under /api/changes, as it always was."""

from __future__ import annotations

from ninja import Field, Router, Schema

from rencai.api.schemas import DbId, Error, ModelText, Text
from rencai.orgs import approvers as rules
from rencai.orgs.models import Office
from rencai.orgs.refs import approving_office_ref, unit_ref
from rencai.process.api import OfficeOut, office_out, out_schema, request_api, request_out
from rencai.rights import selectors, services
from rencai.rights.models import UnitAdminRequest

router = Router(tags=["rights 单位系统管理员权限"])
MODULE = "rencai_changes_api"  # the operation ids' prefix, kept from before the move


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


def _unit(unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _out(admin_request: UnitAdminRequest) -> dict:
    grant = admin_request.grant
    return {
        **request_out(admin_request), "unit": _unit(admin_request.unit),
        "note": admin_request.note, "granted": grant is not None and grant.revoked_at is None,
    }  # fmt: skip


class ApproversOut(Schema):
    unit: UnitRefOut
    needs_unit_admin: bool
    approvers: list[OfficeOut]
    refusal: str


@router.get(
    "/unit-admin-approvers",
    response={200: ApproversOut, 400: Error},
    summary="权限审批部门 Who approves unit-admin rights for a unit",
    operation_id=f"{MODULE}_unit_admin_approvers",
)
def unit_admin_approvers(request, unit: Text(40, "单位", name="unit")):
    """What the request form shows before anyone applies (FAQ 二.1, 二.2): whether the unit
    needs a unit admin at all (district and other non-city enterprises do not), the
    department that approves the rights with its contact, and, when a request would be
    refused, why. `unit`: the unit's id or code."""
    chosen = unit_ref(unit)
    return {
        "unit": _unit(chosen),
        "needs_unit_admin": rules.unit_admin_needed(chosen),
        "approvers": [office_out(o) for o in rules.unit_admin_approvers(chosen)],
        "refusal": rules.unit_admin_refusal(chosen),
    }


request_api(
    router, path="/unit-admin-requests", module=MODULE,
    names=("unit_admin_request", "unit_admin_requests"),
    payload=UnitAdminIn, out=UnitAdminOut, serialize=_out,
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
