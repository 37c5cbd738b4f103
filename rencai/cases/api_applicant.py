"""JSON endpoints of the applicant and the unit admin, mounted by `rencai.cases.api`.

Same services and permissions as the pages: another person's case or attachment is a
404; a forbidden transition is a 409 with the reason and changes nothing; the employer
is a registry reference (unit id or code) — a typed name is refused.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from rencai.accounts.roles import acting_as_for
from rencai.backoffice.services import case_view_record
from rencai.cases import unit_access, workflow
from rencai.cases.api_once import once, version_or_key
from rencai.cases.api_schemas import (
    ApplicationDetailOut,
    ApplicationOut,
    CaseDocumentOut,
    DraftFields,
    DraftIn,
    DraftPatch,
    InvitationOut,
    LookupIn,
    LookupOut,
    StartIn,
    SummaryOut,
    TypeCode,
    VersionIn,
)
from rencai.cases.models import Case
from rencai.cases.routing import route_describe
from rencai.cases.selectors import (
    case_actions_for,
    case_checklist,
    case_deadline,
    case_get_for_page,
    case_history,
    case_holder,
    case_list_mine,
    case_status_text,
    unit_worklist,
)
from rencai.cases.services import (
    application_start,
    case_act,
    case_attachment_upload,
    case_update,
)
from rencai.core.errors import DomainError
from rencai.documents.selectors import folder_documents

UNIT_REFERENCE_ONLY = gettext_lazy(
    "引进单位：请填写单位库中的单位编号或统一社会信用代码/组织机构代码，不能手动填写单位名称"
)


def _unit(reference: str | int):
    from rencai.orgs.selectors import unit_resolve_reference

    unit = unit_resolve_reference(reference)
    if unit is None:
        raise DomainError(UNIT_REFERENCE_ONLY, field="unit", code="unit_reference")
    if not unit.is_active:
        raise DomainError(
            format_lazy(gettext_lazy("引进单位：所选单位“{name}”已注销"), name=unit.name),
            field="unit",
        )
    return unit


def _fields(payload: DraftFields, *, exclude=("category", "unit")) -> dict:
    from rencai.catalog.models import Institution, Major, TitleSeries

    data = payload.model_dump(exclude_unset=True, exclude=set(exclude))
    lookups = {"institution": Institution, "major": Major}
    for name, model in lookups.items():
        if data.get(name) is not None:
            obj = model.objects.filter(pk=data[name], is_active=True).first()
            if obj is None:
                raise DomainError(
                    format_lazy(
                        gettext_lazy("字段“{name}”：目录中没有编号为{name2}的记录"),
                        name=name,
                        name2=data[name],
                    ),
                    field=name,
                )
            data[name] = obj
    if data.get("title_series") is not None:
        series = TitleSeries.objects.filter(code=data["title_series"], is_active=True).first()
        if series is None:
            raise DomainError(gettext_lazy("职称系列：无此系列代码"), field="title_series")
        data["title_series"] = series
    for name, value in list(data.items()):
        if value is None and name not in lookups and name != "title_series":
            data[name] = "" if name not in ("graduation_date", "certificate_date") else None
    return data


def _office(office) -> dict | None:
    if office is None:
        return None
    return {
        "code": office.code,
        "name": office.name,
        "address": office.address,
        "phones": list(office.phones or []),
        "hours": office.hours_text,
    }


def _out(case: Case, role: str, *, replayed: bool = False) -> dict:
    holder = case_holder(case)
    deadline = case_deadline(case)
    return {
        "number": case.number,
        "category": case.category,
        "unit": case.unit.name if case.unit else "",  # "" while the 新增单位 request waits
        "unit_code": case.unit.code if case.unit else "",
        "status": case.status,
        "status_text": case_status_text(case),
        "version": case.version,
        "holder": holder.who,
        "office": _office(holder.office),
        "due_date": case.due_date,
        "due_remaining_workdays": deadline.remaining,
        "due_provisional": case.due_provisional,
        "due_text": deadline.text,
        "role": role,
        "actions": [a.__dict__ for a in case_actions_for(case=case, role=role)],
        "replayed": replayed,
    }


def _document(doc) -> dict:
    from django.urls import reverse

    return {
        "id": str(doc.public_id),
        "type_code": doc.type_code,
        "original_name": doc.original_name,
        "mime": doc.mime,
        "size": doc.size,
        "pages": doc.pages,
        "uploaded_at": doc.uploaded_at,
        "preview_url": reverse("documents:serve", args=[doc.public_id, "preview"]),
        "original_url": reverse("documents:serve", args=[doc.public_id, "original"]),
    }


def _detail(case: Case, role: str, *, replayed: bool = False) -> dict:
    try:
        route, route_error = route_describe(case.unit), ""
    except DomainError as exc:
        route, route_error = [], exc.message
    out = _out(case, role, replayed=replayed)
    out.update(
        fields={
            **{
                name: getattr(case, name)
                for name in DraftFields.model_fields
                if name not in ("institution", "major", "title_series")
            },
            "institution": case.institution_id,
            "major": case.major_id,
            "title_series": case.title_series.code if case.title_series_id else None,
        },
        checklist=[c.__dict__ for c in case_checklist(case)],
        route=route,
        route_error=route_error,
        history=[
            {
                "at": e.at,
                "actor": e.actor.real_name if e.actor else "系统",
                "acting_as": e.acting_as,
                "action": e.action,
                "action_label": str(workflow.ACTION_LABELS.get(e.action, e.action)),
                "status_text": e.status_text,
                "reason": e.reason,
            }
            for e in case_history(case=case)
        ],
        attachments=[_document(d) for d in folder_documents(folder=case.folder)],
    )
    return out


def _get(request, number: str) -> tuple[Case, str]:
    return case_get_for_page(number=number, user=request.user, acting_as=acting_as_for(request))


def _get_audited(request, number: str) -> tuple[Case, str]:
    """A read of the applicant's personal data: an official's is audited like the page."""
    case, role = _get(request, number)
    if role == workflow.Role.OFFICE:
        case_view_record(case=case, user=request.user, request=request)
    return case, role


def _summary(case: Case) -> dict:
    return {
        "number": case.number,
        "category": case.category,
        "unit": case.unit.name if case.unit else "",
        "status": case.status,
        "status_text": case_status_text(case),
        "created_at": case.created_at,
    }


def add_application_routes(router: Router) -> None:
    # --- the unit admin, acting as the unit ------------------------------------------
    @router.get("/unit/worklist", response=dict[str, list[SummaryOut]])
    def unit_cases(request):
        """The unit's cases: review (待单位审核), drafts it started, forwarded, returned."""
        unit = acting_as_for(request).unit
        if unit is None:
            raise DomainError(gettext_lazy("请先切换为单位身份"), code="forbidden_role")
        return {k: [_summary(c) for c in v] for k, v in unit_worklist(unit=unit).items()}

    @router.post("/unit/lookup", response=LookupOut)
    def unit_lookup(request, payload: LookupIn):
        """FAQ 二.3: has this person (by ID number) applied with the unit? The name only if
        the person named the unit; otherwise 「该人尚未申报」, whatever the number.
        Rate-limited per admin (429) and audited."""
        result = unit_access.unit_lookup(
            admin=request.user, acting_as=acting_as_for(request), id_number=payload.id_number,
            request=request,
        )  # fmt: skip
        return {
            "result": result.kind,
            "message": result.message,
            "real_name": result.person.real_name if result.person else None,
            "cases": [_summary(c) for c in result.cases],
        }

    @router.post("/unit/start", response={202: InvitationOut})
    def unit_start(request, payload: StartIn):
        """「点击这里」: an application for the person, created when THEY accept it on their
        page (202: waiting for them). Then forward it with /transitions."""
        invitation = unit_access.unit_invite(
            admin=request.user, acting_as=acting_as_for(request), id_number=payload.id_number,
            category=payload.category, request=request,
        )  # fmt: skip
        return Status(
            202,
            {
                "status": invitation.status,
                "id_number_masked": invitation.id_number_masked,
                "category": invitation.category,
                "created_at": invitation.created_at,
                "message": "已发出申报邀请，待本人登录系统确认后创建申请",
            },
        )

    # --- the applicant ----------------------------------------------------------------
    @router.get("/", response=list[SummaryOut])
    def my_cases(request):
        """我的申请."""
        return [_summary(c) for c in case_list_mine(user=request.user)]

    @router.post("/", response={201: ApplicationDetailOut})
    def draft_create(request, payload: DraftIn, response: HttpResponse):
        """Start a draft (blocked persons get 409 「已禁止再报…」; a person with an open
        application 409 naming it). With an `Idempotency-Key` header the same key
        returns the first response (status and body), also for concurrent duplicates."""
        if not acting_as_for(request).is_personal:
            raise DomainError(gettext_lazy("请先切换为个人身份再新建申请"), code="forbidden_role")

        def work():
            unit = _unit(payload.unit)
            fields = _fields(payload)
            with transaction.atomic():  # the draft and its fields, or nothing
                case = application_start(
                    applicant=request.user, unit=unit, category=payload.category
                )
                if fields:
                    case = case_update(
                        case=case, actor=request.user, acting_as=acting_as_for(request),
                        fields=fields, request=request,
                    )  # fmt: skip
            return 201, _detail(case, workflow.Role.APPLICANT)

        return once(request, response, ApplicationDetailOut, work)

    @router.patch("/{number}", response=ApplicationDetailOut)
    def draft_update(request, number: str, payload: DraftPatch):
        """Save fields of a draft (or a returned case); `unit` is an id or a code."""
        case, role = _get(request, number)
        unit = _unit(payload.unit) if payload.unit is not None else None
        case = case_update(
            case=case, actor=request.user, acting_as=acting_as_for(request),
            fields=_fields(payload), unit=unit, request=request,
        )  # fmt: skip
        return _detail(case, role)

    @router.get("/{number}/status", response=ApplicationDetailOut)
    def case_status(request, number: str):
        """Status in the seed's wording, office contact, deadline, history, actions."""
        case, role = _get_audited(request, number)
        return _detail(case, role)

    @router.get("/{number}/attachments", response=list[CaseDocumentOut])
    def attachments(request, number: str):
        case, _role = _get_audited(request, number)
        return [_document(d) for d in folder_documents(folder=case.folder)]

    @router.post("/{number}/attachments", response={201: CaseDocumentOut})
    def attachment_upload(
        request, number: str, type_code: Form[TypeCode], file: File[UploadedFile]
    ):
        """Upload (multipart). The type is sniffed from the content; same type replaces."""
        case, _role = _get(request, number)
        document = case_attachment_upload(
            case=case, actor=request.user, acting_as=acting_as_for(request),
            type_code=type_code, file=file, request=request,
        )  # fmt: skip
        return Status(201, _document(document))

    @router.post("/{number}/submit", response=ApplicationOut)
    def submit(request, number: str, payload: VersionIn, response: HttpResponse):
        """送审 (the applicant) or 单位审核通过并送审 (the unit admin). Carry
        expected_version (a retried request returns the first result, replayed=true)
        or an Idempotency-Key."""
        return _act(request, response, number, payload, None)

    @router.post("/{number}/withdraw", response=ApplicationOut)
    def withdraw(request, number: str, payload: VersionIn, response: HttpResponse):
        """撤回申请 before acceptance (FAQ 一.18); the unit's 1-hour withdrawal is
        `unit_withdraw` through /transitions."""
        return _act(request, response, number, payload, "withdraw")


def _act(request, response, number: str, payload: VersionIn, action: str | None):
    case, role = _get(request, number)
    version_or_key(request, payload.expected_version)

    def work():
        name = action or ("forward" if role == workflow.Role.UNIT_ADMIN else "submit")
        expected = payload.expected_version
        moved, replayed = case_act(
            case=case, action=name, actor=request.user, acting_as=acting_as_for(request),
            reason=payload.reason, expected_version=case.version if expected is None else expected,
            request=request,
        )  # fmt: skip
        return 200, _out(moved, role, replayed=replayed)

    return once(request, response, ApplicationOut, work)
