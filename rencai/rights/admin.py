from django.contrib import admin

from rencai.process.admin import ReadOnlyRequestAdmin
from rencai.rights.models import UnitAdminRequest


@admin.register(UnitAdminRequest)
class UnitAdminRequestAdmin(ReadOnlyRequestAdmin):
    list_display = ["number", "unit", "applicant", "office", "status", "due_date", "reminded_at"]
    list_filter = ["status", "office"]
    search_fields = ["number", "unit__name", "unit__code"]
    raw_id_fields = ["unit", "applicant"]
