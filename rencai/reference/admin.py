from django.contrib import admin

from rencai.reference.models import ReferenceDataset


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(admin.ModelAdmin):
    """Read-only: the loaders (`rencai loaddata-reference`) write these rows."""

    list_display = ["name", "version", "rows", "loaded_at", "checked_at", "short_sha"]
    search_fields = ["name", "version"]
    readonly_fields = ["name", "version", "sha256", "source", "rows", "loaded_at", "checked_at"]

    @admin.display(description="SHA-256")
    def short_sha(self, obj):
        return obj.sha256[:12]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
