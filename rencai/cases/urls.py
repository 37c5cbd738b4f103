"""Application pages (mounted at /cases/). Officials' pages live in rencai.backoffice."""

from django.urls import path

from rencai.cases import views_applicant as applicant
from rencai.cases import views_unit as unit

app_name = "cases"
urlpatterns = [
    path("", applicant.mine, name="mine"),
    path("new/", applicant.new, name="new"),
    # The unit admin, acting as the unit (FAQ 二.3, 二.4).
    path("unit/", unit.worklist, name="unit_worklist"),
    path("unit/lookup/", unit.lookup, name="unit_lookup"),
    path("unit/start/", unit.start, name="unit_start"),
    path("<str:number>/", applicant.detail, name="detail"),
    path("<str:number>/edit/", applicant.edit, name="edit"),
    path("<str:number>/attachments/", applicant.upload, name="upload"),
    path("<str:number>/act/", applicant.act, name="act"),
]
