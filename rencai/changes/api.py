"""Change requests API: create (multipart, with attachments), list mine, show by number.
(Unit-admin rights requests, mounted beside it: rencai.rights.api.)

Same services and visibility as the pages: someone else's request number is 404.
"""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import create_model

from rencai.accounts.roles import acting_as_for
from rencai.api.schemas import ModelText, Text
from rencai.changes import selectors, services
from rencai.changes.models import ChangeRequest
from rencai.core.errors import DomainError
from rencai.orgs.models import Office
from rencai.orgs.refs import district_ref, supervisory_office_ref
from rencai.orgs.selectors import unit_choose
from rencai.process.api import DOCUMENT_FIELDS as DOC
from rencai.process.api import documents_out, out_schema, request_api, request_out, service_values

router = Router(tags=["changes 信息变更申请"])
MODULE = "rencai_changes_api"  # the operation ids' prefix (as for functions of this module)
Kind = ChangeRequest.Kind


ChangeOut = out_schema(
    "ChangeOut",
    lead={"kind": str, "kind_label": str},
    fields={"name": str, "code": str, "unit_id": int | None},
    after={"documents": list[create_model("ChangeDocumentOut", __base__=Schema, **DOC)]},
)


#: The payload; limits and labels from the ChangeRequest model (and the registry's codes).
#: `unit` (unit_change): the unit's id or code; `code`: the unit's code (unit_new), its new
#: code (unit_change), the school's MOE code or the major's code; `district`: a district
#: code, e.g. 440106; `supervisory_office`: an office code, e.g. dept-sasac.
ChangeIn = create_model(
    "ChangeIn", __base__=Schema, kind=(ModelText(ChangeRequest, "kind"), ...),
    unit=(Text(40, "单位", name="unit"), ""), district=(Text(20, "所在区", name="district"), ""),
    supervisory_office=(ModelText(Office, "code", label="主管部门", as_name="supervisory_office"), ""),
    **{name: (ModelText(ChangeRequest, name), "") for name in (
        "name", "code", "nature", "level", "phone", "address", "education_level", "note")},
    confirm_new=(bool, False),
)  # fmt: skip


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
    try:
        return services.change_request_submit(
            **values, **common, files=files, acting_unit=acting_as_for(request).unit
        )
    except DomainError as exc:  # named as the payload names it
        exc.field = RENAMED.get(kind, {}).get(exc.field, exc.field)
        raise


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
