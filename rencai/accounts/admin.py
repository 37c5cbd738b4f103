"""User admin: ID numbers only masked; new ID numbers go through set_id_number(); the
"reset TOTP" action for an official who lost their authenticator."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.accounts.admin_search import PrivateSearchMixin
from rencai.accounts.models import OneTimeCode, RoleGrant, User, id_number_index
from rencai.accounts.services import normalize_pinyin_alias, pinyin_alias, user_admin_changed
from rencai.accounts.validators import (
    validate_id_number,
    validate_login_name,
    validate_mobile,
    validate_real_name,
)
from rencai.audit.services import audit_record
from rencai.backoffice import totp
from rencai.core.errors import DomainError
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
            "name_pinyin",
            "mobile",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )
        help_texts = {
            "name_pinyin": "只能填英文字母和空格，每个字的拼音之间用空格分隔；"
            "留空则按姓名自动生成（系统不认识的字显示为“?”）。",
        }

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

    def clean_name_pinyin(self):
        value = self.cleaned_data.get("name_pinyin") or ""
        if not value.strip() or "name_pinyin" not in self.changed_data:
            return value
        try:
            return normalize_pinyin_alias(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None

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
            raise forms.ValidationError(gettext_lazy("身份证号码：该身份证号码已注册。"))
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
        alias_typed = "name_pinyin" in self.changed_data and self.cleaned_data.get("name_pinyin")
        if alias_typed:  # an official's correction of the alias
            user.name_pinyin_incomplete = False
        elif not user.pk or "real_name" in self.changed_data or not user.name_pinyin:
            user.name_pinyin, user.name_pinyin_incomplete = pinyin_alias(user.real_name)
        if commit:
            user.save()
            self.save_m2m()
        return user


class TotpResetForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("重置原因"),
        max_length=totp.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("如：手机丢失，本人到窗口申请并已核实身份。将记入审计日志。"),
        error_messages={
            "required": gettext_lazy("重置原因：请填写重置动态口令的原因。"),
            "max_length": gettext_lazy("重置原因：不能超过%(limit_value)d个字符。"),
        },
    )


@admin.register(User)
class UserAdmin(PrivateSearchMixin, admin.ModelAdmin):  # search: no ID number in URLs
    form = UserAdminForm
    inlines = [RoleGrantInline]
    actions = ["totp_reset"]
    list_display = (
        "login_name",
        "real_name",
        "id_number_masked",
        "mobile_masked",
        "is_active",
        "is_staff",
        "totp_enrolled",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "name_pinyin_incomplete")
    search_fields = ("login_name", "real_name", "name_pinyin", "mobile")
    readonly_fields = (
        "id_number_masked",
        "name_pinyin_incomplete",
        "date_joined",
        "last_login",
        "external_identities_list",
        "sessions_valid_after",
        "totp_enrolled",
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
                    "name_pinyin_incomplete",
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
        (
            "记录",
            {
                "fields": (
                    "date_joined",
                    "last_login",
                    "sessions_valid_after",
                    "external_identities_list",
                    "totp_enrolled",
                )
            },
        ),
    )
    filter_horizontal = ("groups", "user_permissions")

    @admin.display(description="外部身份")
    def external_identities_list(self, obj):
        return "; ".join(str(link) for link in obj.external_identities.all()) or "-"

    @admin.display(description="手机号码")
    def mobile_masked(self, obj):
        return mask_mobile(obj.mobile or "")

    @admin.display(description=gettext_lazy("已绑定动态口令"), boolean=True)
    def totp_enrolled(self, obj):
        return bool(obj.totp_secret)

    def has_totp_reset_permission(self, request):
        return totp.may_reset(request.user)

    @admin.action(
        description=gettext_lazy("重置动态口令（验证器丢失，须重新绑定）"),
        permissions=["totp_reset"],
    )
    def totp_reset(self, request, queryset):
        """Asks for the reason on an intermediate page, then resets each selected user."""
        applying = "apply" in request.POST
        form = TotpResetForm(request.POST if applying else None)
        selected = list(queryset.order_by("login_name"))
        users = [u for u in selected if u.totp_secret]
        skipped = [u for u in selected if not u.totp_secret]
        if not users:
            self.message_user(
                request, _("动态口令：所选用户均未绑定验证器，无需重置。"), messages.WARNING
            )
            return None
        if applying and form.is_valid():
            done = 0
            for user in users:
                try:
                    totp.totp_reset(
                        user=user,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    _("已重置%(n)d位用户的动态口令，已短信通知本人；下次登录时须重新绑定。")
                    % {"n": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("重置动态口令"),
            "opts": self.model._meta,
            "queryset": queryset,
            "users": users,
            "skipped": skipped,
            "form": form,
            "action": "totp_reset",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "backoffice/admin_totp_reset.html",
            context,
            status=400 if form.is_bound else 200,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            event="admin.user_change" if change else "admin.user_add",
            request=request,
            obj=obj,
            detail=",".join(sorted(form.changed_data)),
        )
        if change:  # a new mobile, e-mail or password, or disabling: sessions end, user told
            user_admin_changed(
                user=obj,
                actor=request.user,
                changed=set(form.changed_data),
                old_mobile=form.initial.get("mobile"),
                old_email=form.initial.get("email") or "",
                request=request,
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
