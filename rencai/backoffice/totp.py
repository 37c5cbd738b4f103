"""Second factor (TOTP, RFC 6238): enrolment, verification, the session flag, reset, and
the sweep of used time steps.

A user holding any active official RoleGrant must enrol and then pass a 6-digit code after
the password before any /office/ page opens; a staff user must do the same before any
/admin/ page (backoffice.access.admin_second_factor_required). Codes are accepted within
±1 time step of rencai's clock; each time step is usable once per user (replay refused).
"""

from __future__ import annotations

import base64
import hmac
import io

import pyotp
import segno
from django.db import IntegrityError, transaction

from rencai.accounts.middleware import LOGIN_AT
from rencai.accounts.models import RoleGrant, User
from rencai.audit.services import audit_record
from rencai.backoffice.models import TotpUsedStep
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError, Forbidden
from rencai.notify.services import sms_enqueue

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
SESSION_FAILURES = "office_2fa_failures"
MAX_FAILURES = 5


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
    request.session.pop(SESSION_FAILURES, None)
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


def _check(*, user: User, secret: str, code: str, request) -> None:
    step = _matching_step(secret, code)
    if step is None or not _use_step(user, step):
        failures = request.session.get(SESSION_FAILURES, 0) + 1
        request.session[SESSION_FAILURES] = failures
        audit_record(
            event="totp.failed",
            actor=user,
            request=request,
            obj=user,
            outcome="replay" if step is not None else "failed",
        )
        if step is not None:
            raise DomainError(
                "动态口令：该口令已使用过，请等待验证器生成新的口令后再输入。", field="code"
            )
        raise DomainError(
            "动态口令：口令错误或已过期，请输入验证器当前显示的6位数字。", field="code"
        )


def totp_enrol_confirm(*, request, user: User, code: str) -> None:
    """Save the pending secret once the user proves the authenticator holds it."""
    secret = request.session.get(SESSION_PENDING)
    if not secret:
        raise DomainError("动态口令：绑定已过期，请重新扫描二维码。", field="code")
    _check(user=user, secret=secret, code=code, request=request)
    user.totp_secret = secret
    user.save(update_fields=["totp_secret"])
    audit_record(event="totp.enrol", actor=user, request=request, obj=user)
    session_mark_verified(request)


def totp_verify(*, request, user: User, code: str) -> None:
    if not user.totp_secret:
        raise DomainError("动态口令：尚未绑定验证器。", field="code")
    _check(user=user, secret=user.totp_secret, code=code, request=request)
    audit_record(event="totp.ok", actor=user, request=request, obj=user)
    session_mark_verified(request)


def too_many_failures(request) -> bool:
    return request.session.get(SESSION_FAILURES, 0) >= MAX_FAILURES


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
        raise DomainError("重置原因：请填写重置动态口令的原因。", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(f"重置原因：不能超过{REASON_MAX_LENGTH}个字符。", field="reason")
    if actor is not None:
        if not may_reset(actor):
            raise Forbidden("动态口令：您没有重置动态口令的权限。")
        if actor.pk == user.pk:
            raise Forbidden("动态口令：不能重置自己的动态口令，请联系其他系统管理员。")
        if user.is_superuser and not actor.is_superuser:
            raise Forbidden(f"动态口令：{user}是超级管理员，只有超级管理员可以重置其动态口令。")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.totp_secret:
        raise Conflict(f"动态口令：{user}尚未绑定验证器，无需重置。")
    now = clock.now()
    user.totp_secret = ""
    user.sessions_valid_after = now  # a session opened with the lost phone ends too
    user.save(update_fields=["totp_secret", "sessions_valid_after"])
    TotpUsedStep.objects.filter(user=user).delete()
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
