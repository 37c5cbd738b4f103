from django.contrib import admin

from rencai.changes.models import ChangeRequest
from rencai.process.admin import ReadOnlyRequestAdmin


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyRequestAdmin):
    list_display = ["number", "kind", "status", "name", "code", "requester", "due_date",
                    "submitted_at", "reminded_at"]  # fmt: skip
    list_filter = ["kind", "status", "office"]
    search_fields = ["number", "name", "code"]
    date_hierarchy = "submitted_at"
