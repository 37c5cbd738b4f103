from django.contrib import admin

from rencai.catalog.models import AttachmentType, Institution, Major, TitleSeries


@admin.register(TitleSeries)
class TitleSeriesAdmin(admin.ModelAdmin):
    list_display = ["sort", "code", "name", "is_active"]
    list_display_links = ["name"]
    list_editable = ["is_active"]


@admin.register(AttachmentType)
class AttachmentTypeAdmin(admin.ModelAdmin):
    list_display = ["sort", "code", "name", "active"]
    list_display_links = ["name"]
    list_editable = ["active"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Other apps reference the code; it never changes once created.
        return ["code"] if obj else []


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["moe_code", "name", "location", "level", "competent_authority", "is_active"]
    list_filter = ["level", "is_active", "location"]
    search_fields = ["name", "former_names", "moe_code"]


@admin.register(Major)
class MajorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "discipline", "level", "is_active"]
    list_filter = ["level", "discipline", "is_active"]
    search_fields = ["code", "name", "category"]
