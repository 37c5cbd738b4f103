from django.contrib import admin

from rencai.helpdesk.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["section", "number", "question", "published", "customised", "updated_at"]
    list_display_links = ["question"]
    list_filter = ["section", "published", "customised"]
    search_fields = ["question", "answer", "rencai_note", "slug"]
    fields = [
        "section",
        "number",
        "sort",
        "slug",
        "question",
        "answer",
        "rencai_note",
        "question_en",
        "answer_en",
        "rencai_note_en",
        "published",
        "customised",
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # the article URL is stable

    def save_model(self, request, obj, form, change):
        if change and set(form.changed_data) - {"customised", "published", "sort"}:
            obj.customised = True  # the reference loader will not overwrite an edited article
        super().save_model(request, obj, form, change)
