from django.contrib import admin

from rencai.documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "type_code", "mime", "size", "uploaded_at", "superseded_at"]
    list_filter = ["mime", "type_code"]
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request):
        return False
