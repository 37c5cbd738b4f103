from django.contrib import admin

from rencai.notice.models import Objection


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["case", "contact_name", "filed_at", "status", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["case__number"]
    readonly_fields = [f.name for f in Objection._meta.fields]

    def has_add_permission(self, request):
        return False
