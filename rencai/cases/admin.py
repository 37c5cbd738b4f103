from django.contrib import admin

from rencai.cases.models import Case, CaseEvent, ChainStep


@admin.register(ChainStep)
class ChainStepAdmin(admin.ModelAdmin):
    list_display = ["office", "purpose", "order", "name", "any_staff", "is_active"]
    list_filter = ["purpose", "office"]
    filter_horizontal = ["staff"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "acting_as", "action", "from_status", "to_status", "reason"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: status changes only through case_transition."""

    list_display = ["number", "applicant", "unit", "status", "holding_office", "due_at"]
    list_filter = ["status", "category", "route"]
    search_fields = ["number", "unit__name"]
    inlines = [CaseEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
