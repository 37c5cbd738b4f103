from django.contrib import admin

from rencai.changes.models import ChangeRequest, UnitAdminRequest


class ReadOnlyDecisionAdmin(admin.ModelAdmin):
    """Status and decisions are written by rencai.changes.services only (audited, SMS)."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyDecisionAdmin):
    list_display = [
        "number",
        "kind",
        "status",
        "name",
        "code",
        "requester",
        "due_date",
        "submitted_at",
        "reminded_at",
    ]
    list_filter = ["kind", "status", "office"]
    search_fields = ["number", "name", "code"]
    date_hierarchy = "submitted_at"


@admin.register(UnitAdminRequest)
class UnitAdminRequestAdmin(ReadOnlyDecisionAdmin):
    list_display = ["number", "unit", "applicant", "office", "status", "due_date", "reminded_at"]
    list_filter = ["status", "office"]
    search_fields = ["number", "unit__name", "unit__code"]
    raw_id_fields = ["unit", "applicant"]
