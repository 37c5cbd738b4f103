"""Second factor (TOTP, RFC 6238): enrolment, verification, the session flag, reset, and
the sweep of used time steps; the per-account throttle of wrong codes.

A user holding any active official RoleGrant must enrol and then pass a 6-digit code after
the password before any /office/ page opens; a staff user must do the same before any
/admin/ page (backoffice.access.admin_second_factor_required). Codes are accepted within
±1 time step of rencai's clock; each time step is usable once per user (replay refused).
"""

from __future__ import annotations

import base64
import hmac
import io
import math
from collections.abc import Callable
from datetime import timedelta

import pyotp
import segno
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.accounts.middleware import LOGIN_AT
from rencai.accounts.models import RoleGrant, User
from rencai.audit.services import audit_record
from rencai.backoffice import backup_codes
from rencai.backoffice.models import TotpThrottle, TotpUsedStep
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, Forbidden, RateLimited
from rencai.notify.services import outbox_enqueue, sms_enqueue

ISSUER = "Rencai 人才引进入户申办"
STEP_SECONDS = 30
VALID_WINDOW = 1  # ±1 step of 30 s
# Used steps are kept this many steps beyond the window (clock differences between web
# servers); older ones can never match again and are swept.
USED_STEP_MARGIN = 10
RESET_PERMISSION = "backoffice.totp_reset"
REASON_MAX_LENGTH = 500
SESSION_VERIFIED = "office_2fa_login_at"  # the LOGIN_AT of the session that passed
SESSION_PENDING = "office_2fa_pending_secret"
SESSION_BACKUP_LEFT = "office_2fa_backup_left"  # after a backup code: how many are left
SESSION_NEW_CODES = "office_2fa_new_backup_codes"  # shown once, then popped
# Per account, in the database (TotpThrottle): MAX_FAILURES wrong codes in a row lock the
# step for LOCK_BASE, each further wrong code doubles the wait up to LOCK_MAX.
MAX_FAILURES = 5
LOCK_BASE = timedelta(minutes=1)
LOCK_MAX = timedelta(hours=1)
WRONG_CODE = gettext_lazy(
    "动态口令：口令错误或已过期，请输入验证器当前显示的6位数字（或一个10位备用码）。"
)


def needs_second_factor(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and RoleGrant.objects.filter(
            user=user, role=RoleGrant.Role.OFFICIAL, revoked_at__isnull=True
        ).exists()
    )


def admin_needs_second_factor(user) -> bool:
    """Whoever Django's admin lets in (active staff) passes the second factor first."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
    )


def second_factor_applies(user) -> bool:
    """May open the enrol / verify pages: officials and admin staff."""
    return admin_needs_second_factor(user) or needs_second_factor(user)


def session_verified(request) -> bool:
    marker = request.session.get(SESSION_VERIFIED)
    return marker is not None and marker == request.session.get(LOGIN_AT)


def session_mark_verified(request) -> None:
    request.session[SESSION_VERIFIED] = request.session.get(LOGIN_AT)
    request.session.pop(SESSION_PENDING, None)


def pending_secret(request) -> str:
    secret = request.session.get(SESSION_PENDING)
    if not secret:
        secret = pyotp.random_base32()
        request.session[SESSION_PENDING] = secret
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login_name, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI (img-src allows data:, no inline script or style).
    A standalone SVG (xmlns, which svg_inline() omits) with a viewBox, so it scales to the
    <img> box instead of being clipped."""
    svg = io.BytesIO()
    segno.make(uri, error="m").save(svg, kind="svg", border=2, omitsize=True, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


def current_step() -> int:
    return int(clock.now().timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock.now())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_step(user: User, step: int) -> bool:
    try:
        with transaction.atomic():
            TotpUsedStep.objects.create(user=user, step=step, used_at=clock.now())
    except IntegrityError:
        return False
    return True


def backoff(failures: int) -> timedelta:
    """How long the step stays locked after `failures` consecutive wrong codes (≥ MAX)."""
    doublings = min(max(failures - MAX_FAILURES, 0), 16)  # 2**16 minutes is past any cap
    return min(LOCK_BASE * 2**doublings, LOCK_MAX)


def locked_until(user: User):
    """The end of the current lock, or None when codes may be tried."""
    return (
        TotpThrottle.objects.filter(user=user, locked_until__gt=clock.now())
        .values_list("locked_until", flat=True)
        .first()
    )


def _locked_error(until) -> RateLimited:
    minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
    return RateLimited(
        format_lazy(
            gettext_lazy(
                "动态口令：连续输错次数过多，已暂时锁定，请于{until:%H:%M}后（约{minutes}分钟）再试；重新登录不会解除锁定。"
            ),
            until=timezone.localtime(until),
            minutes=minutes,
        ),
        field="code",
        code="totp_locked",
    )


def _throttled(*, user: User, request, attempt: Callable[[], str | None]) -> None:
    """Run `attempt` (None on success, else the failure's outcome) under the per-account
    throttle: the row is locked for the check, so concurrent guesses count one by one and
    none is checked while the account is locked. Raises after the counts are committed."""
    now = clock.now()
    newly_locked = None
    with transaction.atomic():
        throttle, _created = TotpThrottle.objects.select_for_update().get_or_create(user=user)
        if throttle.locked_until and throttle.locked_until > now:
            audit_record(
                event="totp.failed", actor=user, request=request, obj=user, outcome="locked"
            )
            error: DomainError | None = _locked_error(throttle.locked_until)
            outcome = "locked"
        else:
            outcome = attempt()
            error = None
        if outcome is None:
            if throttle.failures or throttle.locked_until:
                throttle.failures, throttle.locked_until = 0, None
                throttle.save(update_fields=["failures", "locked_until"])
        elif outcome != "locked":
            throttle.failures += 1
            throttle.last_failure_at = now
            if throttle.failures >= MAX_FAILURES:
                throttle.locked_until = now + backoff(throttle.failures)
                newly_locked = throttle.locked_until
            throttle.save(update_fields=["failures", "last_failure_at", "locked_until"])
            audit_record(
                event="totp.failed", actor=user, request=request, obj=user, outcome=outcome
            )
            if newly_locked:
                _notify_locked(user=user, request=request, failures=throttle.failures)
            if newly_locked:
                error = _locked_error(newly_locked)
            elif outcome == "replay":
                error = DomainError(
                    gettext_lazy("动态口令：该口令已使用过，请等待验证器生成新的口令后再输入。"),
                    field="code",
                )
            else:
                error = DomainError(WRONG_CODE, field="code")
    if error is not None:
        raise error


def _notify_locked(*, user: User, request, failures: int) -> None:
    event = audit_record(
        event="totp.locked",
        actor=user,
        request=request,
        obj=user,
        detail=f"failures={failures} seconds={int(backoff(failures).total_seconds())}",
    )
    if user.mobile and failures == MAX_FAILURES:  # once per run of failures, not per lock
        sms_enqueue(
            mobile=user.mobile,
            body=(
                f"【人才引进】您的账号登录后台时动态口令连续输错{MAX_FAILURES}次，已暂时锁定。"
                "如非本人操作，说明您的密码可能已泄露，请立即修改密码并联系系统管理员。"
            ),
            key=f"totp-locked:{user.pk}:{event.pk}",
        )


def _totp_attempt(*, user: User, secret: str, code: str) -> Callable[[], str | None]:
    def attempt() -> str | None:
        step = _matching_step(secret, code)
        if step is None:
            return "failed"
        return None if _use_step(user, step) else "replay"

    return attempt


def totp_enrol_confirm(*, request, user: User, code: str) -> list[str]:
    """Save the pending secret once the user proves the authenticator holds it, and issue
    the first backup codes (returned, to be shown once). Wrong codes count (committed)
    before the raise, so this must not run inside an outer transaction that rolls back."""
    secret = request.session.get(SESSION_PENDING)
    if not secret:
        raise DomainError(gettext_lazy("动态口令：绑定已过期，请重新扫描二维码。"), field="code")
    _throttled(
        user=user, request=request, attempt=_totp_attempt(user=user, secret=secret, code=code)
    )
    with transaction.atomic():
        user.totp_secret = secret
        user.save(update_fields=["totp_secret"])
        audit_record(event="totp.enrol", actor=user, request=request, obj=user)
        codes = backup_codes.backup_codes_generate(user=user, request=request, how="enrol")
    session_mark_verified(request)
    return codes


def totp_verify(*, request, user: User, code: str) -> None:
    """A 6-digit TOTP code, or one of the user's backup codes."""
    if not user.totp_secret:
        raise DomainError(gettext_lazy("动态口令：尚未绑定验证器。"), field="code")
    if backup_codes.looks_like_backup_code(code):
        _throttled(
            user=user,
            request=request,
            attempt=lambda: (
                None if backup_codes.backup_code_consume(user=user, code=code) else "failed"
            ),
        )
        _backup_code_used(user=user, request=request)
    else:
        _throttled(
            user=user,
            request=request,
            attempt=_totp_attempt(user=user, secret=user.totp_secret, code=code),
        )
        audit_record(event="totp.ok", actor=user, request=request, obj=user)
    session_mark_verified(request)


@transaction.atomic
def _backup_code_used(*, user: User, request) -> None:
    left = backup_codes.remaining(user)
    event = audit_record(
        event="totp.backup_code_used", actor=user, request=request, obj=user, detail=f"left={left}"
    )
    if user.mobile:
        sms_enqueue(
            mobile=user.mobile,
            body=(
                f"【人才引进】您的账号刚刚使用一个动态口令备用码登录后台，剩余{left}个。"
                "如非本人操作，请立即联系系统管理员。"
            ),
            key=f"totp-backup-used:{user.pk}:{event.pk}",
        )
    if request is not None:
        request.session[SESSION_BACKUP_LEFT] = left


def may_reset(actor) -> bool:
    return bool(
        getattr(actor, "is_active", False)
        and getattr(actor, "is_staff", False)
        and (actor.is_superuser or actor.has_perm(RESET_PERMISSION))
    )


@transaction.atomic
def totp_reset(*, user: User, actor: User | None, reason: str, request=None) -> None:
    """An administrator clears a lost authenticator: the secret and its used steps go, the
    official's sessions end, and at the next login they enrol a new authenticator. Audited
    with the reason; the official is told by SMS (nothing secret in it).

    `actor=None` is the server's operator on the command line (`rencai totp-reset`), who
    already holds the keys: the way back in when the last superuser lost their phone."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(gettext_lazy("重置原因：请填写重置动态口令的原因。"), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            format_lazy(
                gettext_lazy("重置原因：不能超过{REASON_MAX_LENGTH}个字符。"),
                REASON_MAX_LENGTH=REASON_MAX_LENGTH,
            ),
            field="reason",
        )
    if actor is not None:
        if not may_reset(actor):
            raise Forbidden(gettext_lazy("动态口令：您没有重置动态口令的权限。"))
        if actor.pk == user.pk:
            raise Forbidden(
                gettext_lazy("动态口令：不能重置自己的动态口令，请联系其他系统管理员。")
            )
        if user.is_superuser and not actor.is_superuser:
            raise Forbidden(
                format_lazy(
                    gettext_lazy(
                        "动态口令：{user}是超级管理员，只有超级管理员可以重置其动态口令。"
                    ),
                    user=user,
                )
            )
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.totp_secret:
        raise Conflict(
            format_lazy(gettext_lazy("动态口令：{user}尚未绑定验证器，无需重置。"), user=user)
        )
    now = clock.now()
    user.totp_secret = ""
    # A session opened with the lost phone ends too, for good.
    user.sessions_valid_after = now
    user.session_generation += 1
    user.save(update_fields=["totp_secret", "sessions_valid_after", "session_generation"])
    TotpUsedStep.objects.filter(user=user).delete()
    TotpThrottle.objects.filter(user=user).delete()
    backup_codes.backup_codes_delete(user=user)  # printed with the lost authenticator
    via = "" if actor is not None else " via=command-line"
    event = audit_record(
        event="totp.reset", actor=actor, request=request, obj=user, detail=f"reason={reason}{via}"
    )
    if user.mobile:
        sms_enqueue(
            mobile=user.mobile,
            body=(
                "【人才引进】您的动态口令验证器已由系统管理员重置，下次登录后台时请重新绑定。"
                "如非本人申请，请立即联系系统管理员。"
            ),
            key=f"totp-reset:{user.pk}:{event.pk}",
        )
    if user.email:
        outbox_enqueue(
            channel="email",
            recipient=user.email,
            subject="【人才引进】动态口令验证器已重置",
            body=(
                f"{user.real_name}，您好：\n\n您账号（{user.login_name}）的动态口令验证器和备用码"
                "已由系统管理员重置，所有登录已失效，下次登录后台时请重新绑定。"
                "如非本人申请，请立即联系系统管理员。"
            ),
            key=f"totp-reset-email:{user.pk}:{event.pk}",
        )


def used_steps_sweep(*, batch: int) -> int:
    """Worker sweep: forget used time steps that can never match again (older than the
    ±VALID_WINDOW window plus a margin). One indexed probe when there is nothing to do."""
    cutoff = current_step() - VALID_WINDOW - USED_STEP_MARGIN
    ids = list(
        TotpUsedStep.objects.filter(step__lt=cutoff)
        .order_by("step")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    deleted, _by_model = TotpUsedStep.objects.filter(pk__in=ids).delete()
    return deleted


def second_factor_url(user: User, *, next_url: str = "") -> str:
    """Where a fresh login goes when the user is an official: the TOTP step (enrol the
    first time), then `next_url` or the office worklists. "" for everyone else."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if not needs_second_factor(user):
        return ""
    target = "backoffice:totp_verify" if user.totp_secret else "backoffice:totp_enrol"
    return reverse(target) + "?" + urlencode({"next": next_url or reverse("backoffice:index")})


def default_next(user) -> str:
    """Where the enrol / verify pages go without a `next`: the office, or the admin."""
    from django.urls import reverse

    if needs_second_factor(user) or not admin_needs_second_factor(user):
        return reverse("backoffice:index")
    return reverse("admin:index")
