"""Account recovery (FAQ 一.2): the login name by SMS, a password reset by SMS code or
e-mail link. Split from rencai.accounts.views (rencai.accounts.urls routes to both)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from rencai.accounts import forms, services
from rencai.accounts.models import OneTimeCode, User
from rencai.accounts.views import (
    SENSITIVE,
    _posted,
)  # one way only: views does not import this module
from rencai.core.errors import DomainError, RateLimited

# --- recovery (FAQ 一.2) ----------------------------------------------------------------

NAME_SENT = "如填写的信息与账号一致，登录名已通过短信发送至该手机号，请注意查收。"
CODE_SENT = "如该手机号已注册，验证码已发送，10分钟内有效。"
EMAIL_SENT = "如该邮箱已绑定账号，重置密码的链接已发送至该邮箱，请在3天内使用。"


def _recover_page(request, *, status=200, **context):
    context.setdefault("name_form", forms.RecoverNameForm())
    context.setdefault("email_form", forms.RecoverEmailForm())
    return render(request, "accounts/recover.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def recover(request):
    return _recover_page(request)


@sensitive_post_parameters(*SENSITIVE)
@require_POST
def recover_name(request):
    form = forms.RecoverNameForm(request.POST)
    if not form.is_valid():
        return _recover_page(request, name_form=form)
    try:
        services.login_name_recover(
            mobile=form.cleaned_data["mobile"],
            id_number=form.cleaned_data["id_number"],
            request=request,
        )
    except RateLimited as exc:
        form.add_error("mobile", exc.message)
        return _recover_page(request, name_form=form, status=exc.status)
    return _recover_page(request, name_notice=_(NAME_SENT))


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@require_http_methods(["GET", "POST"])
def recover_sms(request):
    send_form = forms.RecoverSmsSendForm()
    reset_form = forms.RecoverSmsResetForm()
    notice = ""
    status = 200
    if request.method == "POST" and request.POST.get("action") == "send":
        send_form = forms.RecoverSmsSendForm(request.POST)
        if send_form.is_valid():
            mobile = send_form.cleaned_data["mobile"]
            try:
                services.otp_send(mobile=mobile, purpose=OneTimeCode.Purpose.RESET, request=request)
                notice = _(CODE_SENT)
                reset_form = forms.RecoverSmsResetForm(initial={"mobile": mobile})
            except RateLimited as exc:
                send_form.add_error("mobile", exc.message)
                status = exc.status
    elif request.method == "POST":
        reset_form = forms.RecoverSmsResetForm(request.POST)
        if reset_form.is_valid():
            try:
                services.password_reset_by_sms(
                    mobile=reset_form.cleaned_data["mobile"],
                    code=reset_form.cleaned_data["code"],
                    password=reset_form.cleaned_data["password1"],
                    request=request,
                )
            except DomainError as exc:
                field = "password1" if exc.field == "password" else exc.field
                reset_form.add_error(field if field in reset_form.fields else None, exc.message)
            else:
                messages.success(request, _("密码已重置，请使用新密码登录。"))
                return redirect("accounts:login")
    return render(
        request,
        "accounts/recover_sms.html",
        {"send_form": send_form, "reset_form": reset_form, "notice": notice},
        status=status,
    )


@require_POST
def recover_email(request):
    form = forms.RecoverEmailForm(request.POST)
    if not form.is_valid():
        return _recover_page(request, email_form=form)
    services.password_reset_email_send(email=form.cleaned_data["email"], request=request)
    return _recover_page(request, email_notice=_(EMAIL_SENT))


RESET_SESSION_KEY = "_password_reset_user"
RESET_URL_TOKEN = "set-password"


def _reset_user(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@require_http_methods(["GET", "POST"])
def reset_confirm(request, uidb64: str, token: str):
    """The emailed link. Like Django's view, the token moves to the session at once so it
    does not leak through the Referer header of the password page."""
    user = _reset_user(uidb64)
    if token != RESET_URL_TOKEN:
        if user is not None and default_token_generator.check_token(user, token):
            request.session[RESET_SESSION_KEY] = token
            return redirect("accounts:reset_confirm", uidb64=uidb64, token=RESET_URL_TOKEN)
        return render(request, "accounts/reset_confirm.html", {"invalid": True}, status=400)
    session_token = request.session.get(RESET_SESSION_KEY, "")
    if user is None or not default_token_generator.check_token(user, session_token):
        return render(request, "accounts/reset_confirm.html", {"invalid": True}, status=400)
    form = forms.SetPasswordForm(user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.password_reset_by_email(
            user=user, password=form.cleaned_data["password1"], request=request
        )
        request.session.pop(RESET_SESSION_KEY, None)
        messages.success(request, _("密码已重置，请使用新密码登录。"))
        return redirect("accounts:login")
    return render(request, "accounts/reset_confirm.html", {"form": form})
