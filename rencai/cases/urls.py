"""Application pages (mounted at /cases/). Officials' pages live in rencai.backoffice."""

from django.urls import path

from rencai.cases import views_applicant as applicant
from rencai.cases import views_consent as consent
from rencai.cases import views_status as status
from rencai.cases import views_unit as unit

app_name = "cases"
urlpatterns = [
    path("", applicant.mine, name="mine"),
    path("new/", applicant.new, name="new"),
    # The unit admin, acting as the unit (FAQ 二.3, 二.4).
    path("unit/", unit.worklist, name="unit_worklist"),
    path("unit/lookup/", unit.lookup, name="unit_lookup"),
    path("unit/start/", unit.start, name="unit_start"),
    # The person: invitations from units, 「允许该单位为我申报」 (views_consent).
    path("units/", consent.units, name="units"),
    path("units/consents/<int:consent_id>/revoke/", consent.consent_revoke, name="consent_revoke"),
    path(
        "units/invitations/<int:invitation_id>/",
        consent.invitation_answer,
        name="invitation_answer",
    ),  # fmt: skip
    path("<str:number>/", status.detail, name="detail"),
    path("<str:number>/edit/", applicant.edit, name="edit"),
    path("<str:number>/attachments/", applicant.upload, name="upload"),
    path("<str:number>/act/", status.act, name="act"),
]
