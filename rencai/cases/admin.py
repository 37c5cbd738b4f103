from django import forms
from django.contrib import admin

from rencai.cases.models import Case, CaseEvent, ChainStep
from rencai.orgs.contacts import contact_required_message, has_contact


class ChainStepAdminForm(forms.ModelForm):
    class Meta:
        model = ChainStep
        fields = ["office", "purpose", "order", "name", "any_staff", "staff", "is_active"]

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("office")
        # An office with a chain receives applications: it must be reachable (finding 5).
        if office is not None and cleaned.get("is_active", True) and not has_contact(office):
            self.add_error("office", contact_required_message(office))
        return cleaned


@admin.register(ChainStep)
class ChainStepAdmin(admin.ModelAdmin):
    form = ChainStepAdminForm
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
