from django.contrib import admin

from rencai.cards.models import Card


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "holder_name",
        "employer",
        "issuing_office",
        "issued_on",
        "revoked_at",
    ]
    search_fields = ["number"]
    readonly_fields = [f.name for f in Card._meta.fields]

    def has_add_permission(self, request):
        return False
