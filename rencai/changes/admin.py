from django.contrib import admin

from rencai.changes.models import ChangeRequest, UnitAdminRequest
from rencai.process.admin import ReadOnlyRequestAdmin


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyRequestAdmin):
    list_display = ["number", "kind", "status", "name", "code", "requester", "due_date",
                    "submitted_at", "reminded_at"]  # fmt: skip
    list_filter = ["kind", "status", "office"]
    search_fields = ["number", "name", "code"]
    date_hierarchy = "submitted_at"


@admin.register(UnitAdminRequest)
class UnitAdminRequestAdmin(ReadOnlyRequestAdmin):
    list_display = ["number", "unit", "applicant", "office", "status", "due_date", "reminded_at"]
    list_filter = ["status", "office"]
    search_fields = ["number", "unit__name", "unit__code"]
    raw_id_fields = ["unit", "applicant"]
