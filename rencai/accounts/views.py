"""Account pages: register, log in (password, SMS code, external identity), recover, roles."""

from __future__ import annotations

import secrets
from zoneinfo import ZoneInfo

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from rencai.accounts import forms, identity, roles, services
from rencai.accounts.backends import axes_account_key
from rencai.accounts.external import external_identity_resolve
from rencai.accounts.middleware import LAST_SEEN, LOGIN_AT
from rencai.accounts.models import OneTimeCode, User
from rencai.accounts.selectors import user_find_by_identifier
from rencai.audit.services import audit_record
from rencai.core import clock
from rencai.core.errors import DomainError, RateLimited

BACKEND = "rencai.accounts.backends.IdentifierBackend"
SENSITIVE = ("password", "password1", "password2", "old_password", "code", "id_number")


# --- helpers ------------------------------------------------------------------------


def _axes_follow_clock(request) -> None:
    """Let django-axes time attempts by rencai's clock (so tests and the demo can move time)."""
    AxesProxyHandler.update_request(request)
    request.axes_attempt_time = clock.now()


def _posted(request):
    """The POST data, or None for GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:dashboard")


def _start_session(request, user: User, *, how: str):
    """Log in (Django cycles the session key), stamp the session times, audit."""
    login(request, user, backend=BACKEND)
    now = clock.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[roles.LABEL_KEY] = roles.ActingAs(None).record_label
    audit_record(event="login", actor=user, request=request, obj=user, detail=f"via={how}")
    from rencai.backoffice.totp import second_factor_url

    second = second_factor_url(user, next_url=_next_url_raw(request))
    return redirect(second or _next_url(request))


def _login_failed(request, identifier: str, *, how: str) -> None:
    locked = getattr(request, "axes_locked_out", False)
    audit_record(
        event="login.failed",
        actor=user_find_by_identifier(identifier),
        request=request,
        outcome="locked" if locked else "failed",
        detail=f"via={how}",
    )


def _domain_error_to_form(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _providers():
    return identity.configured_providers()


# --- lockout (settings.AXES_LOCKOUT_CALLABLE) ------------------------------------------


def lockout_response(request, original_response=None, credentials=None):
    """Called by django-axes when an account key is locked: say when to retry."""
    credentials = credentials or getattr(request, "axes_credentials", None) or {}
    key = axes_account_key(request, credentials)
    last = AccessAttempt.objects.filter(username=key).aggregate(t=Max("attempt_time"))["t"]
    until = (last or clock.now()) + settings.AXES_COOLOFF_TIME
    until_text = until.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%H:%M")
    message = _("登录失败次数过多，账号已锁定，请于%(time)s后重试") % {"time": until_text}
    audit_record(
        event="login.lockout",
        actor=user_find_by_identifier(str(credentials.get("username") or "")),
        request=request,
        outcome="locked",
        detail=f"until={until.isoformat()}",
    )
    return render(
        request,
        "accounts/locked.html",
        {"lockout_message": message, "until": until_text},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# --- log in / out -----------------------------------------------------------------------


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect("accounts:dashboard")
    form = forms.LoginForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        _axes_follow_clock(request)
        identifier = form.cleaned_data["username"]
        user = authenticate(request, username=identifier, password=form.cleaned_data["password"])
        if user is not None:
            return _start_session(request, user, how="password")
        _login_failed(request, identifier, how="password")
        form.add_error(None, _("登录名/手机号码/身份证号码或密码错误，请重新输入。"))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_url_raw(request), "providers": _providers()},
    )


def _next_url_raw(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@require_http_methods(["GET", "POST"])
def sms_login_view(request):
    form = forms.SmsLoginForm(_posted(request))
    notice = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        if request.POST.get("action") == "send":
            try:
                services.otp_send(mobile=mobile, purpose=OneTimeCode.Purpose.LOGIN, request=request)
                notice = _("如该手机号已注册，验证码已发送，10分钟内有效。")
            except RateLimited as exc:
                form.add_error("mobile", exc.message)
                status = exc.status
        elif form.require_code():
            _axes_follow_clock(request)
            user = authenticate(request, username=mobile, sms_code=form.cleaned_data["code"])
            if user is not None:
                return _start_session(request, user, how="sms")
            _login_failed(request, mobile, how="sms")
            form.add_error("code", _("短信验证码：验证码错误或已失效，请重新获取。"))
    return render(
        request,
        "accounts/sms_login.html",
        {"form": form, "notice": notice, "next": _next_url_raw(request)},
        status=status,
    )


@require_POST
def logout_view(request):
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit_record(event="logout", actor=user, request=request, obj=user)
    logout(request)  # flushes the server-side session and its cookie
    messages.info(request, _("您已安全退出。"))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- external identity (OpenID Connect) ------------------------------------------------


def _provider_or_404(name: str) -> identity.IdentityProvider:
    provider = identity.provider(name)
    if provider is None or not provider.is_configured():
        raise Http404
    return provider


@never_cache
@require_http_methods(["GET"])
def identity_start(request, name: str):
    provider = _provider_or_404(name)
    redirect_uri = request.build_absolute_uri(reverse("accounts:identity_callback", args=[name]))
    next_url = _next_url_raw(request)
    if next_url:
        request.session["identity_next"] = next_url
    try:
        return provider.start(request, redirect_uri)
    except identity.IdentityUnavailable as exc:
        return _identity_failed(request, name, status=503, reason=str(exc), unavailable=True)
    except identity.IdentityError as exc:
        return _identity_failed(request, name, status=502, reason=str(exc))


def _identity_failed(
    request, name: str, *, status: int = 400, reason: str = "", unavailable: bool = False
):
    audit_record(
        event="login.failed",
        request=request,
        outcome="unavailable" if unavailable else "failed",
        detail=f"via=identity:{name} {reason}"[:200],
    )
    return render(
        request,
        "accounts/identity_failed.html",
        {"providers": _providers(), "unavailable": unavailable},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def identity_callback(request, name: str):
    provider = _provider_or_404(name)
    try:
        claims = provider.finish(request)
    except identity.IdentityUnavailable as exc:
        return _identity_failed(request, name, status=503, reason=str(exc), unavailable=True)
    except identity.IdentityError as exc:
        return _identity_failed(request, name, reason=str(exc))
    user = external_identity_resolve(
        issuer=provider.issuer,
        subject=str(claims["sub"])[:255],
        id_number=str(claims.get(provider.id_number_claim) or ""),
        request=request,
    )
    if user is None:
        audit_record(
            event="login.failed",
            request=request,
            outcome="no_account",
            detail=f"via=identity:{name}",
        )
        messages.error(
            request, _("未找到与该身份对应的个人账号，请先注册，注册后即可使用该方式登录。")
        )
        return redirect("accounts:register")
    next_url = request.session.pop("identity_next", "")
    response = _start_session(request, user, how=f"identity:{name}")
    if next_url:
        return redirect(next_url)
    return response


# --- registration ------------------------------------------------------------------------

REGISTER_DONE = "register_done"


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request):
    if request.method == "GET":
        form = forms.RegisterForm(initial={"form_token": secrets.token_urlsafe(16)})
        return render(request, "accounts/register.html", {"form": form})
    token = (request.POST.get("form_token") or "")[:64]
    done = request.session.get(REGISTER_DONE, [])
    if token and token in done:
        # The same form submitted again: show the first submit's result.
        messages.success(request, _("注册成功，请使用登录名和密码登录。"))
        return redirect("accounts:login")
    form = forms.RegisterForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user, _created = services.user_register(
                login_name=data["login_name"],
                password=data["password1"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                email=data.get("email") or "",
                request=request,
            )
        except DomainError as exc:
            _domain_error_to_form(form, exc)
        else:
            if token:
                request.session[REGISTER_DONE] = (done + [token])[-10:]
            messages.success(request, _("注册成功，请使用登录名和密码登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form})


# --- personal pages ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pinyin_view(request):
    """Let the person supply the syllables pypinyin could not (only while incomplete)."""
    user = request.user
    if not user.name_pinyin_incomplete:
        messages.info(request, _("您的姓名拼音已完整，无需补全；如确有错误请联系办事机构。"))
        return redirect("accounts:dashboard")
    form = forms.PinyinForm(_posted(request), initial={"name_pinyin": user.name_pinyin})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_pinyin_correct(
                user=user, alias=form.cleaned_data["name_pinyin"], actor=user, request=request
            )
        except DomainError as exc:
            _domain_error_to_form(form, exc)
        else:
            messages.success(request, _("姓名拼音已保存。"))
            return redirect("accounts:dashboard")
    return render(request, "accounts/pinyin.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def switch_view(request):
    grants = list(roles.active_grants(request.user))
    if request.method == "POST":
        raw = request.POST.get("grant", "")
        grant_id = None
        if raw not in ("", "personal"):
            try:
                grant_id = int(raw)
            except ValueError:
                grant_id = -1
        try:
            acting = services.acting_as_switch(request=request, grant_id=grant_id)
        except DomainError as exc:
            return render(
                request,
                "accounts/switch.html",
                {"grants": grants, "error": exc.message},
                status=exc.status,
            )
        messages.success(request, _("已切换为：%(label)s") % {"label": acting.label})
        return redirect("accounts:dashboard")
    return render(request, "accounts/switch.html", {"grants": grants})


@sensitive_post_parameters(*SENSITIVE)
@login_required
@require_http_methods(["GET", "POST"])
def security_view(request):
    form = forms.PasswordChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user,
            old_password=form.cleaned_data["old_password"],
            password=form.cleaned_data["password1"],
            request=request,
        )
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:security")
    from rencai.backoffice.totp import second_factor_applies
    from rencai.notify.models import Preference
    from rencai.notify.staff import preference_of

    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "second_factor": second_factor_applies(request.user),
            "notify_mode": preference_of(request.user),
            "notify_modes": Preference.Mode.choices,
            "digest_hour": settings.RENCAI_DIGEST_HOUR,
        },
    )


@login_required
@require_POST
def logout_everywhere_view(request):
    services.user_logout_everywhere(user=request.user, request=request)
    logout(request)
    messages.info(request, _("已在所有设备上退出登录，请重新登录。"))
    return redirect("accounts:login")
