"""Account services (writes): registration, one-time SMS codes, recovery, sessions, roles.

Recovery never reveals whether an account exists: every path does the same visible
work (a code row is written even for an unknown mobile, so rate limits and responses
look alike) and the caller shows one message.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.accounts import roles
from rencai.accounts.models import OneTimeCode, RoleGrant, User, id_number_index
from rencai.accounts.pinyin import (  # noqa: F401 (re-exported: admin, migrations)
    PINYIN_ALIAS_RE,
    PINYIN_UNKNOWN,
    name_to_pinyin,
    normalize_pinyin_alias,
    pinyin_alias,
)
from rencai.accounts.selectors import user_find_by_mobile
from rencai.audit.services import audit_record, client_ip
from rencai.core import clock, crypto
from rencai.core.errors import Conflict, DomainError, NotFound, RateLimited
from rencai.core.masking import mask_mobile
from rencai.notify.services import outbox_enqueue, sms_enqueue

OTP_TTL = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 5
OTP_PER_MOBILE_PER_MINUTE = 1
OTP_PER_MOBILE_PER_HOUR = 5
OTP_PER_IP_PER_HOUR = 20


def user_refresh_pinyin(*, user: User) -> User:
    user.name_pinyin, user.name_pinyin_incomplete = pinyin_alias(user.real_name)
    user.save(update_fields=["name_pinyin", "name_pinyin_incomplete"])
    return user


@transaction.atomic
def user_pinyin_correct(*, user: User, alias: str, actor: User | None = None, request=None) -> User:
    """Replace the pinyin alias (by its owner while incomplete, or by an official). Audited."""
    alias = normalize_pinyin_alias(alias)
    user = User.objects.select_for_update().get(pk=user.pk)
    acting_for_self = actor is None or actor.pk == user.pk
    if acting_for_self and not user.name_pinyin_incomplete:
        raise Conflict(
            gettext_lazy(
                "姓名拼音：系统已能完整生成您的姓名拼音，无需修改；如确有错误请联系办事机构。"
            ),
            field="name_pinyin",
        )
    old = user.name_pinyin
    user.name_pinyin = alias
    user.name_pinyin_incomplete = False
    user.save(update_fields=["name_pinyin", "name_pinyin_incomplete"])
    audit_record(
        event="account.pinyin_correct",
        actor=actor or user,
        request=request,
        obj=user,
        detail=f"{old} -> {alias}",
    )
    return user


# --- Registration -------------------------------------------------------------


def _same_registration(user: User, *, id_number: str, mobile: str, password: str) -> bool:
    """A repeated submit of the very same form (double click, retried request)."""
    return (
        user.id_number_index == id_number_index(id_number)
        and user.mobile == mobile
        and user.check_password(password)
        and clock.now() - user.date_joined < timedelta(minutes=10)
    )


LOGIN_NAME_TAKEN = gettext_lazy("登录名：该登录名已被使用（不区分大小写），请换一个。")


def _login_name_holder(login_name: str) -> User | None:
    """The account whose login name equals this one ignoring case (the DB constraint's rule)."""
    return User.objects.with_login_name(login_name).first()


def user_register(
    *,
    login_name: str,
    password: str,
    real_name: str,
    id_number: str,
    mobile: str,
    email: str = "",
    request=None,
) -> tuple[User, bool]:
    """Create a personal account. Returns (user, created).

    Inputs are already validated by the form (format rules); this enforces uniqueness.
    Re-submitting the same registration returns the existing account with created=False.
    """
    existing = _login_name_holder(login_name)
    if existing is not None:
        if _same_registration(existing, id_number=id_number, mobile=mobile, password=password):
            return existing, False
        raise Conflict(LOGIN_NAME_TAKEN, field="login_name")
    if User.objects.filter(id_number_index=id_number_index(id_number)).exists():
        raise Conflict(
            gettext_lazy("身份证号码：该身份证号码已注册，请直接登录或通过“忘记账号/密码”找回。"),
            field="id_number",
        )
    if User.objects.filter(mobile=mobile).exists():
        raise Conflict(
            gettext_lazy("手机号码：该手机号已注册，请更换或通过“忘记账号/密码”找回。"),
            field="mobile",
        )
    alias, alias_incomplete = pinyin_alias(real_name)
    user = User(
        login_name=login_name,
        real_name=real_name,
        name_pinyin=alias,
        name_pinyin_incomplete=alias_incomplete,
        mobile=mobile,
        email=email,
        date_joined=clock.now(),
    )
    user.set_id_number(id_number)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            audit_record(event="account.register", actor=user, request=request, obj=user)
    except IntegrityError:
        # A concurrent submit won the race: same person → same account, else a clash.
        existing = _login_name_holder(login_name)
        if existing and _same_registration(
            existing, id_number=id_number, mobile=mobile, password=password
        ):
            return existing, False
        if existing:  # the case-insensitive unique constraint caught it
            raise Conflict(LOGIN_NAME_TAKEN, field="login_name") from None
        raise Conflict(
            gettext_lazy("登录名、身份证号码或手机号码已被注册，请检查后重试。")
        ) from None
    return user, True


# --- One-time SMS codes ---------------------------------------------------------


def _code_hash(*, mobile: str, purpose: str, code: str) -> str:
    return crypto.blind_index(f"{mobile}:{purpose}:{code}", context="otp")


def _rate_limit(*, mobile: str, purpose: str, ip: str | None) -> None:
    now = clock.now()
    recent = OneTimeCode.objects.filter(mobile=mobile, purpose=purpose)
    if (
        recent.filter(created_at__gt=now - timedelta(minutes=1)).count()
        >= OTP_PER_MOBILE_PER_MINUTE
    ):
        raise RateLimited(
            gettext_lazy("短信发送过于频繁：同一手机号每分钟只能获取1次验证码，请稍后再试。")
        )
    if recent.filter(created_at__gt=now - timedelta(hours=1)).count() >= OTP_PER_MOBILE_PER_HOUR:
        raise RateLimited(
            gettext_lazy("短信发送过于频繁：同一手机号每小时最多获取5次，请1小时后再试。")
        )
    if ip and (
        OneTimeCode.objects.filter(ip=ip, created_at__gt=now - timedelta(hours=1)).count()
        >= OTP_PER_IP_PER_HOUR
    ):
        raise RateLimited(gettext_lazy("短信发送过于频繁：您所在网络的请求过多，请1小时后再试。"))


@transaction.atomic
def otp_send(*, mobile: str, purpose: str, request=None, body: str | None = None) -> OneTimeCode:
    """Issue a code for `mobile`. The SMS goes out only if an active account has that mobile.

    A row is written either way, so rate limits apply alike to known and unknown numbers.
    `body` (for purpose NAME) replaces the code message; it is sent only to an account holder.
    """
    ip = client_ip(request)
    _rate_limit(mobile=mobile, purpose=purpose, ip=ip)
    now = clock.now()
    # A new code replaces any earlier one for the same purpose.
    OneTimeCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    otp = OneTimeCode.objects.create(
        mobile=mobile,
        purpose=purpose,
        code_hash=_code_hash(mobile=mobile, purpose=purpose, code=code),
        created_at=now,
        expires_at=now + OTP_TTL,
        ip=ip,
    )
    user = user_find_by_mobile(mobile)
    if user is not None:
        if body is None:
            label = OneTimeCode.Purpose(purpose).label
            body = f"【人才引进】您的{label}验证码为{code}，10分钟内有效。请勿告诉他人，工作人员不会索取验证码。"
        sms_enqueue(mobile=mobile, body=body, key=f"otp:{otp.pk}")
    return otp


@transaction.atomic
def otp_verify(*, mobile: str, purpose: str, code: str) -> bool:
    """Check and consume a code: single use, ≤ 10 minutes, at most 5 tries per code."""
    now = clock.now()
    otp = (
        OneTimeCode.objects.select_for_update()
        .filter(mobile=mobile, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
    if otp is None or otp.attempts >= OTP_MAX_ATTEMPTS:
        return False
    otp.attempts += 1
    expected = _code_hash(mobile=mobile, purpose=purpose, code=(code or "").strip())
    ok = hmac.compare_digest(otp.code_hash, expected)
    if ok:
        otp.used_at = now
    otp.save(update_fields=["attempts", "used_at"])
    return ok


# --- Recovery ---------------------------------------------------------------------


def login_name_recover(*, mobile: str, id_number: str, request=None) -> None:
    """Send the login name by SMS to `mobile` if it and the ID number belong to one account."""
    user = user_find_by_mobile(mobile)
    matches = user is not None and user.id_number_index == id_number_index(id_number)
    body = (
        f"【人才引进】您的登录名为：{user.login_name}。如非本人操作，请忽略。" if matches else None
    )
    # Always write a rate-limit row; the message is queued only on a match.
    with transaction.atomic():
        ip = client_ip(request)
        _rate_limit(mobile=mobile, purpose=OneTimeCode.Purpose.NAME, ip=ip)
        now = clock.now()
        otp = OneTimeCode.objects.create(
            mobile=mobile,
            purpose=OneTimeCode.Purpose.NAME,
            code_hash=secrets.token_hex(32),
            created_at=now,
            expires_at=now,
            used_at=now,
            ip=ip,
        )
        if matches:
            sms_enqueue(mobile=mobile, body=body, key=f"recover-name:{otp.pk}")
        audit_record(
            event="account.recover_name",
            actor=user if matches else None,
            request=request,
            outcome="sent" if matches else "no_match",
        )


def _password_set(*, user: User, password: str, request, how: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    _sessions_end(user=user)  # every session ends, for good
    audit_record(event="account.password_reset", actor=user, request=request, obj=user, detail=how)
    if user.mobile:
        sms_enqueue(
            mobile=user.mobile,
            body="【人才引进】您的账号密码已重置。如非本人操作，请立即联系各区人才服务窗口。",
            key=f"pwreset:{user.pk}:{uuid.uuid4().hex}",
        )


def password_reset_by_sms(*, mobile: str, code: str, password: str, request=None) -> User:
    """Reset with an SMS code. Raises DomainError with one message for any wrong code."""
    wrong = DomainError(gettext_lazy("短信验证码：验证码错误或已失效，请重新获取。"), field="code")
    with transaction.atomic():
        if not otp_verify(mobile=mobile, purpose=OneTimeCode.Purpose.RESET, code=code):
            user = None
        else:
            user = user_find_by_mobile(mobile)
            if user is not None:
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    # Rolls back: the code stays usable for a better password.
                    raise DomainError(_new_password_refused(exc), field="password") from None
                _password_set(user=user, password=password, request=request, how="sms")
    if user is None:
        audit_record(
            event="account.password_reset", request=request, outcome="failed", detail="sms"
        )
        raise wrong
    return user


@transaction.atomic
def password_reset_email_send(*, email: str, request=None) -> int:
    """Queue a reset link to every active account with this email. Returns how many (not shown)."""
    users = list(User.objects.with_email(email.strip()).filter(is_active=True))
    for user in users:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("accounts:reset_confirm", kwargs={"uidb64": uid, "token": token})
        link = settings.SITE_URL.rstrip("/") + path
        outbox_enqueue(
            channel="email",
            recipient=user.email,
            subject="【人才引进】重置密码",
            body=(
                f"{user.real_name}，您好：\n\n请在3天内打开以下链接设置新密码（仅可使用一次）：\n{link}\n\n"
                f"您的登录名：{user.login_name}\n如非本人操作，请忽略本邮件。"
            ),
            key=f"reset-email:{user.pk}:{token}",
        )
    audit_record(
        event="account.password_reset_email",
        request=request,
        outcome="sent" if users else "no_match",
    )
    return len(users)


@transaction.atomic
def password_reset_by_email(*, user: User, password: str, request=None) -> User:
    _password_set(user=user, password=password, request=request, how="email")
    return user


def _new_password_refused(exc: ValidationError):
    return format_lazy(gettext_lazy("新密码：{reasons}"), reasons=" ".join(exc.messages))


@transaction.atomic
def password_change(*, user: User, old_password: str, password: str, request=None) -> User:
    if not user.check_password(old_password):
        raise DomainError(gettext_lazy("原密码：原密码不正确。"), field="old_password")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(_new_password_refused(exc), field="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(event="account.password_change", actor=user, request=request, obj=user)
    return user


# --- Sessions ---------------------------------------------------------------------


def _sessions_end(*, user: User) -> None:
    """Every session of `user` stops working for good: the generation in the session auth
    hash moves on (Django flushes a session whose hash no longer matches), and the login
    time bound the middleware checks moves to now."""
    now = clock.now()
    User.objects.filter(pk=user.pk).update(
        session_generation=F("session_generation") + 1, sessions_valid_after=now
    )
    user.refresh_from_db(fields=["session_generation", "sessions_valid_after"])


@transaction.atomic
def user_logout_everywhere(*, user: User, request=None) -> None:
    """Invalidate every session of this user, the current one included."""
    _sessions_end(user=user)
    audit_record(event="session.logout_everywhere", actor=user, request=request, obj=user)


#: Fields whose change by an administrator ends the user's sessions.
ADMIN_SESSION_FIELDS = frozenset({"mobile", "email", "is_active", "password1"})


def _mask_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@transaction.atomic
def user_admin_changed(
    *,
    user: User,
    actor: User,
    changed: set[str] | frozenset[str],
    old_mobile: str | None,
    old_email: str,
    request=None,
) -> bool:
    """After an administrator saved `user`: a new mobile, e-mail or password, or disabling
    the account, ends all of the user's sessions; a new mobile or e-mail is told to the old
    and the new contact (SMS / e-mail through the outbox), so a takeover cannot go unseen.
    Returns whether the sessions were ended."""
    reasons = sorted(ADMIN_SESSION_FIELDS & set(changed))
    if not reasons:
        return False
    _sessions_end(user=user)
    event = audit_record(
        event="session.ended_by_admin",
        actor=actor,
        request=request,
        obj=user,
        detail="fields=" + ",".join(reasons),
    )
    key = f"admin-change:{user.pk}:{event.pk}"
    tail = "您账号的所有登录已失效。如非本人申请，请立即联系各区人才服务窗口。"
    if "mobile" in reasons and old_mobile != user.mobile:
        new = mask_mobile(user.mobile or "") or "空"
        if old_mobile:
            sms_enqueue(
                mobile=old_mobile,
                body=f"【人才引进】系统管理员已将您账号（{user.login_name}）的手机号码改为{new}。{tail}",
                key=f"{key}:sms-old",
            )
        if user.mobile:
            sms_enqueue(
                mobile=user.mobile,
                body=(
                    f"【人才引进】系统管理员已将本号码设为账号（{user.login_name}）的手机号码。"
                    "如非本人申请，请联系各区人才服务窗口。"
                ),
                key=f"{key}:sms-new",
            )
        if user.email:
            outbox_enqueue(
                channel="email",
                recipient=user.email,
                subject="【人才引进】账号手机号码已更改",
                body=f"{user.real_name}，您好：\n\n系统管理员已将您账号（{user.login_name}）的手机号码改为{new}。{tail}",
                key=f"{key}:email",
            )
    if "email" in reasons and (old_email or "") != (user.email or ""):
        new = _mask_email(user.email) if user.email else "空"
        for recipient, which in ((old_email, "old"), (user.email, "new")):
            if recipient:
                outbox_enqueue(
                    channel="email",
                    recipient=recipient,
                    subject="【人才引进】账号电子邮箱已更改",
                    body=(
                        f"{user.real_name}，您好：\n\n系统管理员已将账号（{user.login_name}）的"
                        f"电子邮箱改为{new}。{tail}"
                    ),
                    key=f"{key}:email-{which}",
                )
        if user.mobile:
            sms_enqueue(
                mobile=user.mobile,
                body=f"【人才引进】系统管理员已将您账号（{user.login_name}）的电子邮箱改为{new}。{tail}",
                key=f"{key}:sms-email",
            )
    return True


# --- Roles ------------------------------------------------------------------------


def acting_as_switch(*, request, grant_id: int | None) -> roles.ActingAs:
    """Switch the session to a role grant of the user, or back to personal (None)."""
    user = request.user
    grant: RoleGrant | None = None
    if grant_id is not None:
        grant = roles.active_grants(user).filter(pk=grant_id).first()
        if grant is None:
            raise NotFound(gettext_lazy("身份：该身份不存在或已被撤销。"), field="grant")
    acting = roles.ActingAs(grant)
    if grant is None:
        request.session.pop(roles.SESSION_KEY, None)
    else:
        request.session[roles.SESSION_KEY] = grant.pk
    request.session[roles.LABEL_KEY] = acting.record_label
    request._acting_as = acting
    audit_record(
        event="role.switch",
        actor=user,
        request=request,
        obj=grant,
        acting_as=acting.record_label,
        detail=f"to={acting.record_label}",
    )
    return acting
