"""Admin for offices (the seed's directory and the supervisory departments), districts and units.

- Offices: the bureau adds and edits supervisory departments (主管部门) and corrects the
  district windows' addresses, phones and hours. Saving an edit sets `customised`, so
  `rencai loaddata-reference` (rencai.orgs.reference) does not overwrite it.
- Districts: read-only (administrative divisions come from the reference data).
- Units: the registry can hold millions of rows. The change list never counts the whole
  table exactly on PostgreSQL, searches through the unit search indexes (never LIKE over
  3 million names), filters only on short choice lists, and picks offices by autocomplete.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from rencai.core.errors import DomainError
from rencai.orgs import selectors
from rencai.orgs.models import District, Office, Unit, UnitNameHistory
from rencai.orgs.services import unit_check_supervision, unit_rename
from rencai.orgs.validators import normalize_unit_code

# Fields whose change is bookkeeping, not an edit of the office's published data.
OFFICE_BOOKKEEPING = {"customised", "is_active", "sort_order"}


class OfficeAdminForm(forms.ModelForm):
    phones_text = forms.CharField(
        label=_("咨询电话"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("每行一个号码，如 37631711 或 020-37631711。"),
    )

    class Meta:
        model = Office
        fields = [
            "kind",
            "code",
            "name",
            "short_name",
            "service_point",
            "service_point_en",
            "district",
            "address",
            "address_en",
            "contact",
            "email",
            "open_days",
            "hours_morning",
            "hours_afternoon",
            "is_active",
            "sort_order",
            "customised",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["phones_text"].initial = "\n".join(self.instance.phones or [])

    def clean_phones_text(self):
        phones = [" ".join(line.split()) for line in self.cleaned_data["phones_text"].splitlines()]
        phones = [p for p in phones if p]
        for phone in phones:
            if not all(c.isdigit() or c in "-() " for c in phone):
                raise ValidationError(
                    _("咨询电话：“%(phone)s”只能包含数字、空格和连字符。"), params={"phone": phone}
                )
        return phones

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind  # read-only once the office exists
        if kind == Office.Kind.DISTRICT_WINDOW and not cleaned.get("district"):
            self.add_error("district", _("行政区：区人社局必须选择所在区。"))
        blank = not cleaned.get("phones_text") and not cleaned.get("email")
        if self.instance.pk and blank and not {"phones_text", "email"} & set(self.errors):
            from rencai.cases.models import ChainStep

            if ChainStep.objects.filter(office=self.instance, is_active=True).exists():
                # It receives applications through its chain: it must stay reachable.
                self.add_error(
                    "phones_text",
                    _("咨询电话：本机构已配置流程步骤，须登记咨询电话或电子邮箱（至少一项）。"),
                )
        return cleaned

    def save(self, commit=True):
        self.instance.phones = self.cleaned_data["phones_text"]
        return super().save(commit)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeAdminForm
    list_display = [
        "name",
        "kind",
        "district",
        "service_point",
        "phones_display",
        "is_active",
        "customised",
    ]
    list_display_links = ["name"]
    list_filter = ["kind", "is_active", "customised"]
    search_fields = ["name", "short_name", "service_point", "code"]
    list_select_related = ["district"]
    ordering = ["sort_order", "code"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "code",
                    "name",
                    "short_name",
                    "district",
                    "is_active",
                    "sort_order",
                ]
            },
        ),
        (
            _("联系方式"),
            {
                "fields": [
                    "service_point",
                    "service_point_en",
                    "address",
                    "address_en",
                    "phones_text",
                    "contact",
                    "email",
                    "open_days",
                    "hours_morning",
                    "hours_afternoon",
                ]
            },
        ),
        (None, {"fields": ["customised"]}),
    ]

    @admin.display(description=_("咨询电话"))
    def phones_display(self, obj):
        return "、".join(obj.phones or [])

    def get_readonly_fields(self, request, obj=None):
        # Other data refers to an office by its code; the reference loader by code and kind.
        return ["code", "kind"] if obj else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("kind", Office.Kind.SUPERVISORY)
        return initial

    def has_delete_permission(self, request, obj=None):
        # The seed's offices come back with every reference load: retire them with is_active.
        if obj is not None and obj.kind != Office.Kind.SUPERVISORY:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and set(form.changed_data) - OFFICE_BOOKKEEPING:
            obj.customised = True  # the reference loader will not overwrite an edited office
        super().save_model(request, obj, form, change)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """Read-only: districts come from the reference data and offices and units point at them."""

    list_display = ["sort_order", "code", "name"]
    list_display_links = ["name"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, an unfiltered count of a big table is the planner's estimate.

    COUNT(*) over 3 million units reads the whole table on every change-list page. Filtered
    and searched lists are small and counted exactly.
    """

    ESTIMATE_ABOVE = 100_000

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[getattr(queryset, "db", "default")]
        query = getattr(queryset, "query", None)
        if connection.vendor == "postgresql" and query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] and row[0] > self.ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


class UnitNameHistoryInline(admin.TabularInline):
    model = UnitNameHistory
    extra = 0
    fields = ["name", "valid_until"]
    readonly_fields = ["name", "valid_until"]
    can_delete = False
    verbose_name_plural = _("曾用名（改名时自动记录）")

    def has_add_permission(self, request, obj=None):
        return False


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "code",
            "nature",
            "level",
            "district",
            "supervisory_office",
            "phone",
            "address",
            "status",
        ]

    def clean_name(self):
        name = " ".join((self.cleaned_data.get("name") or "").split())
        if len(name) < 2:
            raise ValidationError(_("单位名称：至少2个字。"))
        return name

    def clean(self):
        cleaned = super().clean()
        if "level" in cleaned:
            try:
                unit_check_supervision(
                    level=cleaned["level"], supervisory_office=cleaned.get("supervisory_office")
                )
            except DomainError as exc:
                self.add_error(exc.field or None, exc.message)
        return cleaned


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units are added by the registry import and the services; here they are found and
    corrected. A change of name goes through `unit_rename`, so the old name stays searchable."""

    form = UnitAdminForm
    list_display = ["name", "code", "nature", "level", "district", "status"]
    list_filter = ["status", "level", "nature"]  # short choice lists only
    list_select_related = ["district"]
    search_fields = ["name"]  # see get_search_results: served by the unit search indexes
    search_help_text = _("按单位名称、曾用名、统一社会信用代码或组织机构代码查找。")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    autocomplete_fields = ["supervisory_office"]
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [UnitNameHistoryInline]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # units come from `rencai import-units` and the registration services

    def has_delete_permission(self, request, obj=None):
        return False  # applications refer to units; a unit that closed is set to 注销

    def get_search_results(self, request, queryset, search_term):
        term = " ".join((search_term or "").split())
        if not term:
            return queryset, False
        ranked, _truncated, _message = selectors._tiers(term)  # active units, index-served
        ids = {unit_id for unit_id, _tier in ranked}
        # Cancelled units too, by exact name or code (both indexed).
        code = normalize_unit_code(term)
        exact = Unit.objects.filter(name=term)
        if code:
            exact = exact | Unit.objects.filter(code=code) | Unit.objects.filter(org_code=code)
        ids.update(exact.values_list("pk", flat=True)[:200])
        return queryset.filter(pk__in=ids), False

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            new_name = obj.name
            obj.name = form.initial["name"]
            super().save_model(request, obj, form, change)
            unit_rename(unit=obj, new_name=new_name, actor=request.user, request=request)
            obj.name = new_name
            return
        super().save_model(request, obj, form, change)
