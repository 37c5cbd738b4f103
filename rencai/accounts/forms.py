"""Forms: format rules only. Every message names the field and the rule, Chinese first."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import User
from rencai.accounts.services import normalize_pinyin_alias
from rencai.accounts.validators import (
    validate_id_number,
    validate_login_name,
    validate_mobile,
    validate_real_name,
)
from rencai.core.errors import DomainError


def _messages(label) -> dict:
    label = str(label)
    return {
        "required": f"{label}：此项为必填项。",
        "max_length": f"{label}：最多%(limit_value)d个字符（当前%(show_value)d个）。",
        "invalid": f"{label}：格式不正确。",
        "null_characters_not_allowed": f"{label}：不能包含空字符。",
    }


def char(label, *, max_length=100, required=True, widget=None, help_text="", **attrs):
    widget = widget or forms.TextInput
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        strip=not issubclass(widget, forms.PasswordInput),
        error_messages=_messages(str(label)),
        widget=widget(attrs=attrs),
    )


def password(label, autocomplete="current-password", help_text=""):
    return forms.CharField(
        label=label,
        max_length=128,
        strip=False,
        help_text=help_text,
        error_messages=_messages(str(label)),
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _check(validator, value):
    try:
        return validator(value)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages) from None


PASSWORD_HELP = _(
    "至少12个字符，包含大写字母、小写字母、数字、符号中的至少三类，不能包含登录名，"
    "也不能是常用密码或其变形（如 Admin@123、P@ssw0rd1）。"
)


class NewPasswordMixin:
    """password1/password2 with the site's policy; `policy_user` supplies the login name."""

    policy_user: User | None = None

    def clean_password2(self):
        p1 = self.cleaned_data.get("password1") or ""
        p2 = self.cleaned_data.get("password2") or ""
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("确认密码：两次输入的密码不一致。"))
        return p2

    def _validate_policy(self, user):
        p1 = self.cleaned_data.get("password1")
        if not p1:
            return
        try:
            validate_password(p1, user)
        except ValidationError as exc:
            self.add_error("password1", [f"{_('密码')}：{m}" for m in exc.messages])


class RegisterForm(NewPasswordMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    login_name = char(
        _("登录名"),
        max_length=30,
        autocomplete="username",
        help_text=_("4–30位，以字母开头，可含字母、数字、下划线、点和连字符。"),
    )
    password1 = password(_("密码"), "new-password", help_text=PASSWORD_HELP)
    password2 = password(_("确认密码"), "new-password")
    real_name = char(
        _("姓名"),
        max_length=40,
        autocomplete="name",
        help_text=_("按身份证填写，生僻字请照原字输入（支持全部汉字）。"),
    )
    id_number = char(
        _("身份证号码"), max_length=22, autocomplete="off", help_text=_("18位，末位X大小写均可。")
    )
    mobile = char(_("手机号码"), max_length=20, autocomplete="tel", inputmode="tel")
    email = forms.EmailField(
        label=_("电子邮箱（选填）"),
        required=False,
        max_length=254,
        help_text=_("用于通过邮件找回密码。"),
        error_messages={
            **_messages("电子邮箱"),
            "invalid": _("电子邮箱：格式不正确（如 name@example.com）。"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_login_name(self):
        return _check(validate_login_name, self.cleaned_data["login_name"])

    def clean_real_name(self):
        return _check(validate_real_name, self.cleaned_data["real_name"])

    def clean_id_number(self):
        return _check(validate_id_number, self.cleaned_data["id_number"])

    def clean_mobile(self):
        return _check(validate_mobile, self.cleaned_data["mobile"])

    def clean(self):
        cleaned = super().clean()
        self._validate_policy(User(login_name=cleaned.get("login_name") or ""))
        return cleaned


class LoginForm(forms.Form):
    username = char(
        _("登录名 / 手机号码 / 身份证号码"), max_length=40, autocomplete="username", autofocus=True
    )
    password = password(_("密码"))


class SmsLoginForm(forms.Form):
    mobile = char(_("手机号码"), max_length=20, autocomplete="tel", inputmode="tel")
    code = char(
        _("短信验证码"),
        max_length=6,
        required=False,
        autocomplete="one-time-code",
        inputmode="numeric",
    )

    def clean_mobile(self):
        return _check(validate_mobile, self.cleaned_data["mobile"])

    def require_code(self) -> bool:
        if not self.cleaned_data.get("code"):
            self.add_error("code", _("短信验证码：请输入收到的6位验证码。"))
            return False
        return True


class RecoverNameForm(forms.Form):
    mobile = char(_("注册手机号码"), max_length=20, autocomplete="tel", inputmode="tel")
    id_number = char(_("身份证号码"), max_length=22, autocomplete="off")

    def clean_mobile(self):
        return _check(validate_mobile, self.cleaned_data["mobile"])

    def clean_id_number(self):
        return _check(validate_id_number, self.cleaned_data["id_number"])


class RecoverSmsSendForm(forms.Form):
    mobile = char(_("注册手机号码"), max_length=20, autocomplete="tel", inputmode="tel")

    def clean_mobile(self):
        return _check(validate_mobile, self.cleaned_data["mobile"])


class RecoverSmsResetForm(NewPasswordMixin, forms.Form):
    mobile = char(_("注册手机号码"), max_length=20, autocomplete="tel", inputmode="tel")
    code = char(_("短信验证码"), max_length=6, autocomplete="one-time-code", inputmode="numeric")
    password1 = password(_("新密码"), "new-password", help_text=PASSWORD_HELP)
    password2 = password(_("确认密码"), "new-password")

    def clean_mobile(self):
        return _check(validate_mobile, self.cleaned_data["mobile"])

    def clean(self):
        cleaned = super().clean()
        self._validate_policy(None)  # the login-name rule is checked once the code is verified
        return cleaned


class RecoverEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("注册时填写的电子邮箱"),
        max_length=254,
        error_messages={
            **_messages("电子邮箱"),
            "invalid": _("电子邮箱：格式不正确（如 name@example.com）。"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SetPasswordForm(NewPasswordMixin, forms.Form):
    password1 = password(_("新密码"), "new-password", help_text=PASSWORD_HELP)
    password2 = password(_("确认密码"), "new-password")

    def __init__(self, user=None, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self._validate_policy(self.user)
        return cleaned


class PasswordChangeForm(NewPasswordMixin, forms.Form):
    old_password = password(_("原密码"))
    password1 = password(_("新密码"), "new-password", help_text=PASSWORD_HELP)
    password2 = password(_("确认密码"), "new-password")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("原密码：原密码不正确。"))
        return value

    def clean(self):
        cleaned = super().clean()
        self._validate_policy(self.user)
        return cleaned


class PinyinForm(forms.Form):
    """The person's own correction of an incomplete pinyin alias (ASCII letters and spaces)."""

    name_pinyin = char(
        _("姓名拼音"),
        max_length=200,
        autocomplete="off",
        help_text=_("只能填英文字母和空格，每个字的拼音之间用空格分隔，不带声调，如：li zhe hua。"),
    )

    def clean_name_pinyin(self):
        try:
            return normalize_pinyin_alias(self.cleaned_data["name_pinyin"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
