"""User admin: ID numbers only masked; new ID numbers go through set_id_number()."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from rencai.accounts.models import OneTimeCode, RoleGrant, User, id_number_index
from rencai.accounts.services import name_to_pinyin
from rencai.accounts.validators import (
    validate_id_number,
    validate_login_name,
    validate_mobile,
    validate_real_name,
)
from rencai.audit.services import audit_record
from rencai.core.masking import mask_mobile


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ("role", "unit", "office", "granted_by", "granted_at", "revoked_at")
    raw_id_fields = ("unit", "office", "granted_by")


class UserAdminForm(forms.ModelForm):
    """Add and change: an optional new ID number, and a password when adding."""

    new_id_number = forms.CharField(
        label="身份证号码（新）",
        required=False,
        max_length=22,
        help_text="留空则不修改。保存后只显示打码后的号码。",
    )
    password1 = forms.CharField(
        label="密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="新建用户时必填；修改已有用户时留空则不修改。",
    )

    class Meta:
        model = User
        fields = (
            "login_name",
            "real_name",
            "mobile",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )

    def clean_login_name(self):
        try:
            return validate_login_name(self.cleaned_data["login_name"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean_real_name(self):
        try:
            return validate_real_name(self.cleaned_data["real_name"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile")
        if not value:
            return None
        try:
            return validate_mobile(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean_new_id_number(self):
        value = self.cleaned_data.get("new_id_number")
        if not value:
            return ""
        try:
            number = validate_id_number(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        clash = User.objects.filter(id_number_index=id_number_index(number))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("身份证号码：该身份证号码已注册。")
        return number

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if not self.instance.pk and not password:
            self.add_error("password1", "密码：新建用户时必填。")
        elif password:
            try:
                validate_password(password, User(login_name=cleaned.get("login_name") or ""))
            except ValidationError as exc:
                self.add_error("password1", exc.messages)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_id_number"):
            user.set_id_number(self.cleaned_data["new_id_number"])
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        user.name_pinyin = name_to_pinyin(user.real_name)
        if commit:
            user.save()
            self.save_m2m()
        return user


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    inlines = [RoleGrantInline]
    list_display = (
        "login_name",
        "real_name",
        "id_number_masked",
        "mobile_masked",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("login_name", "real_name", "name_pinyin", "mobile")
    readonly_fields = (
        "id_number_masked",
        "name_pinyin",
        "date_joined",
        "last_login",
        "oidc_subject",
        "sessions_valid_after",
    )
    ordering = ("login_name",)
    fieldsets = (
        (None, {"fields": ("login_name", "password1")}),
        (
            "个人信息",
            {
                "fields": (
                    "real_name",
                    "name_pinyin",
                    "id_number_masked",
                    "new_id_number",
                    "mobile",
                    "email",
                )
            },
        ),
        (
            "权限",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("记录", {"fields": ("date_joined", "last_login", "sessions_valid_after", "oidc_subject")}),
    )
    filter_horizontal = ("groups", "user_permissions")

    @admin.display(description="手机号码")
    def mobile_masked(self, obj):
        return mask_mobile(obj.mobile or "")

    def get_search_results(self, request, queryset, search_term):
        """An 18-character ID number is found through the blind index, never by LIKE."""
        queryset, dupes = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip()
        if len(term) == 18:
            try:
                number = validate_id_number(term)
            except ValidationError:
                return queryset, dupes
            queryset |= self.model.objects.filter(id_number_index=id_number_index(number))
        return queryset, dupes

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            event="admin.user_change" if change else "admin.user_add",
            request=request,
            obj=obj,
            detail=",".join(sorted(form.changed_data)),
        )


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "purpose", "masked", "attempts", "used_at", "expires_at", "ip")
    list_filter = ("purpose",)
    exclude = ("code_hash",)
    readonly_fields = ("mobile", "purpose", "created_at", "expires_at", "used_at", "attempts", "ip")

    @admin.display(description="手机号码")
    def masked(self, obj):
        return mask_mobile(obj.mobile)

    def has_add_permission(self, request):
        return False
