"""The city bureau edits rules and per-category policy here; every change is audited
with the old and new values and bumps the row's version."""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import model_to_dict

from rencai.audit.services import audit_record
from rencai.verification.models import (
    CategoryPolicy,
    EligibilityRule,
    VerificationCheck,
    VerificationRequest,
)


class _Audited(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj)
        diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        audit_record(
            event=f"verification.{type(obj).__name__.lower()}.{'change' if change else 'add'}",
            actor=request.user, request=request, obj=obj,
            detail=f"v{obj.version} {diff}"[:2000],
        )  # fmt: skip

    def delete_model(self, request, obj):
        audit_record(event=f"verification.{type(obj).__name__.lower()}.delete",
                     actor=request.user, request=request, obj=obj, detail=str(model_to_dict(obj))[:2000])  # fmt: skip
        super().delete_model(request, obj)


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(_Audited):
    list_display = [
        "category",
        "name",
        "kind",
        "value",
        "hard",
        "is_example",
        "is_active",
        "version",
    ]
    list_filter = ["category", "kind", "hard", "is_active"]
    readonly_fields = ["version", "updated_at"]

    @admin.display(boolean=True, description="示例配置（未填依据）")
    def is_example(self, obj):
        return obj.is_example


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(_Audited):
    list_display = ["category", "instant_approval", "public_notice", "sample_percent", "version"]
    readonly_fields = ["version", "updated_at"]


class _CheckInline(admin.TabularInline):
    model = VerificationCheck
    extra = 0
    can_delete = False
    readonly_fields = [
        "source",
        "asked_at",
        "outcome",
        "reason",
        "answer",
        "evidence_ref",
        "elapsed_ms",
    ]
    exclude = ["case"]


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    list_display = ["case", "purpose", "status", "decision", "created_at", "finished_at"]
    list_filter = ["purpose", "status", "decision"]
    inlines = [_CheckInline]
    readonly_fields = [f.name for f in VerificationRequest._meta.fields]

    def has_add_permission(self, request):
        return False
