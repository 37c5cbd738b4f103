"""Input and output schemas of the applicant's and the unit admin's case API
(rencai.cases.api_applicant). Input limits and labels come from the models."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema

from rencai.api.schemas import DbId, ModelText, NotFuture, Text
from rencai.cases.models import Case
from rencai.catalog.models import TitleSeries


class DraftFields(Schema):
    # Limits and labels from the Case model: an over-long or unsafe value is a 422 naming
    # the field, before anything is written.
    education_level: ModelText(Case, "education_level") | None = None
    institution: DbId | None = None  # catalog Institution id
    institution_name: ModelText(Case, "institution_name") | None = None  # below 大专 only
    major: DbId | None = None  # catalog Major id
    major_name: ModelText(Case, "major_name") | None = None
    graduation_date: NotFuture("毕业时间", name="graduation_date") | None = None
    diploma_number: ModelText(Case, "diploma_number") | None = None
    degree_number: ModelText(Case, "degree_number") | None = None
    title_series: (  # TitleSeries code
        ModelText(TitleSeries, "code", label="职称系列代码", as_name="title_series") | None
    ) = None
    qualification_name: ModelText(Case, "qualification_name") | None = None
    qualification_level: ModelText(Case, "qualification_level") | None = None
    certificate_number: ModelText(Case, "certificate_number") | None = None
    certificate_date: NotFuture("发证日期", name="certificate_date") | None = None


class DraftFieldsOut(Schema):
    """A draft's fields as stored (the input limits are DraftFields')."""

    education_level: str | None = None
    institution: int | None = None
    institution_name: str | None = None
    major: int | None = None
    major_name: str | None = None
    graduation_date: date | None = None
    diploma_number: str | None = None
    degree_number: str | None = None
    title_series: str | None = None
    qualification_name: str | None = None
    qualification_level: str | None = None
    certificate_number: str | None = None
    certificate_date: date | None = None


#: unit id or code (USCC / organisation code); never a name
UnitRef = Text(40, "引进单位", name="unit") | DbId


TypeCode = Text(40, "材料类型", name="type_code")


class DraftIn(DraftFields):
    category: ModelText(Case, "category")
    unit: UnitRef


class DraftPatch(DraftFields):
    unit: UnitRef | None = None


class VersionIn(Schema):
    expected_version: DbId | None = None
    reason: Text(1000, "意见/原因", name="reason", multiline=True) = ""


class ActionOut(Schema):
    action: str
    label: str
    reason_required: bool


class EventOut(Schema):
    at: datetime
    actor: str
    acting_as: str
    action: str
    action_label: str
    status_text: str
    reason: str


class CaseOfficeOut(Schema):
    code: str
    name: str
    address: str
    phones: list[str]
    hours: str


class CheckOut(Schema):
    key: str
    label: str
    done: bool
    detail: str


class CaseDocumentOut(Schema):
    id: str
    type_code: str
    original_name: str
    mime: str
    size: int
    pages: int
    uploaded_at: datetime
    preview_url: str
    original_url: str


class ApplicationOut(Schema):
    number: str
    category: str
    unit: str
    unit_code: str
    status: str
    status_text: str
    version: int
    holder: str
    office: CaseOfficeOut | None
    due_date: date | None
    due_remaining_workdays: int | None
    due_provisional: bool
    due_text: str
    role: str
    actions: list[ActionOut]
    replayed: bool = False


class ApplicationDetailOut(ApplicationOut):
    fields: DraftFieldsOut
    checklist: list[CheckOut]
    route: list[str]
    route_error: str
    history: list[EventOut]
    attachments: list[CaseDocumentOut]


class SummaryOut(Schema):
    number: str
    category: str
    unit: str
    status: str
    status_text: str
    created_at: datetime


class LookupIn(Schema):
    id_number: Text(32, "身份证号码", name="id_number")


class LookupOut(Schema):
    result: str  # not_applied (all a unit learns) | applied (the person named the unit)
    message: str
    real_name: str | None = None
    cases: list[SummaryOut] = []


class StartIn(LookupIn):
    category: ModelText(Case, "category")


class InvitationOut(Schema):
    """A unit-started application waits for the person (the same answer for every number)."""

    status: str  # pending | accepted
    id_number_masked: str
    category: str
    created_at: datetime
    message: str
