from django.contrib import admin

from rencai.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "event",
        "outcome",
        "actor",
        "acting_as",
        "ip",
        "object_type",
        "object_id",
    ]
    list_filter = ["event", "outcome"]
    search_fields = ["event", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
