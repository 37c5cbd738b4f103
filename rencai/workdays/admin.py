from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from rencai.core.errors import DomainError
from rencai.workdays import services
from rencai.workdays.models import WEEKDAYS_ZH, OfficialYear, WorkdayOverride
from rencai.workdays.selectors import provisional_warnings


class ProvisionalWarningMixin:
    """Shows 「请加载YYYY年国务院节假日安排」 on the calendar's admin pages while it applies."""

    def _warn(self, request) -> None:
        for message in provisional_warnings():
            messages.warning(request, message)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET":
            self._warn(request)
        return super().changeform_view(request, object_id, form_url, extra_context)


class WorkdayOverrideForm(forms.ModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["date", "is_workday", "note"]

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date") or (self.instance.date if self.instance.pk else None)
        if day is not None:
            try:
                services.workday_override_check(day=day, is_workday=bool(cleaned.get("is_workday")))
            except DomainError as exc:
                raise ValidationError({"is_workday": exc.message}) from exc
        return cleaned


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(ProvisionalWarningMixin, admin.ModelAdmin):
    form = WorkdayOverrideForm
    list_display = ["date", "weekday", "is_workday", "note", "updated_at", "updated_by"]
    list_filter = ["is_workday"]
    search_fields = ["note"]
    date_hierarchy = "date"

    @admin.display(description="星期")
    def weekday(self, obj):
        return f"周{WEEKDAYS_ZH[obj.date.weekday()]}"

    def get_readonly_fields(self, request, obj=None):
        return ["date"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = services.workday_override_set(
            day=obj.date,
            is_workday=obj.is_workday,
            note=obj.note,
            actor=request.user,
            request=request,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.workday_override_delete(override=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.workday_override_delete(override=obj, actor=request.user, request=request)


@admin.register(OfficialYear)
class OfficialYearAdmin(ProvisionalWarningMixin, admin.ModelAdmin):
    list_display = ["year", "source", "loaded_at", "note"]
    list_filter = ["source"]
    fields = ["year", "source", "note"]

    def get_readonly_fields(self, request, obj=None):
        return ["year", "source"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "source" in form.base_fields:
            # A person in the admin confirms a schedule entered by hand as overrides.
            form.base_fields["source"].initial = OfficialYear.Source.ADMIN
        return form

    def save_model(self, request, obj, form, change):
        saved = services.official_year_mark(
            year=obj.year, source=obj.source, note=obj.note, actor=request.user, request=request
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        # Un-marking a year would silently make loaded deadlines provisional again.
        return False
