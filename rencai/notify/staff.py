"""Telling the people who must act (unit admins, office staff) that work arrived.

Each person chooses (notify.Preference): every case at once (SMS, and e-mail when they
gave an address), or one daily digest. Digest lines wait in DigestItem; `digest_sweep`
(a worker sweep) sends each person's lines once a day, from RENCAI_DIGEST_HOUR
(Asia/Shanghai) on: the Digest row is unique per person and day, so any number of runs
and workers send it once. Never an ID number in a line or body (SMS bodies are scrubbed
by the outbox as well).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from rencai.core import clock
from rencai.notify.models import Digest, DigestItem, Preference
from rencai.notify.services import outbox_enqueue, sms_enqueue

PREFIX = "【广州人才引进】"
#: Numbers named in a digest SMS; the e-mail lists every line.
DIGEST_SMS_LINES = 3
DIGEST_SMS = (
    "您有{count}件新的待办：{lines}{more}。请登录系统办理（可在“账号安全”中改为每件即时通知）。"
)
DIGEST_SUBJECT = "今日新到待办{count}件"
DIGEST_EMAIL = "您好：\n\n以下入户申请已送达您的待办，请登录系统办理：\n\n{lines}\n\n（可在“账号安全”中改为每件即时通知。）"


def preference_of(user) -> str:
    pref = Preference.objects.filter(user_id=user.pk).values_list("mode", flat=True).first()
    return pref or Preference.Mode.IMMEDIATE


@transaction.atomic
def preference_set(*, user, mode: str) -> Preference:
    from rencai.audit.services import audit_record
    from rencai.core.errors import DomainError

    if mode not in Preference.Mode.values:
        raise DomainError(
            format_lazy(gettext_lazy("待办通知方式“{mode}”无效"), mode=mode), field="mode"
        )
    pref, _ = Preference.objects.update_or_create(
        user=user, defaults={"mode": mode, "updated_at": clock.now()}
    )
    audit_record(event="notify.preference", actor=user, obj=pref, detail=mode)
    return pref


def staff_tell(*, people: Iterable, key: str, subject: str, body: str, line: str) -> int:
    """In the caller's transaction: per person, the message now or a line for the digest.

    `key` names the event (e.g. the case and its version): a retry writes nothing new.
    Returns how many people were told or queued."""
    people = [p for p in people if p is not None]
    if not people:
        return 0
    modes = dict(
        Preference.objects.filter(user_id__in=[p.pk for p in people]).values_list("user_id", "mode")
    )
    now = clock.now()
    for person in people:
        if modes.get(person.pk) == Preference.Mode.DIGEST:
            DigestItem.objects.get_or_create(
                key=f"{key}:{person.pk}"[:120],
                defaults={"user_id": person.pk, "line": line[:300], "created_at": now},
            )
            continue
        if person.mobile:
            sms_enqueue(mobile=person.mobile, body=PREFIX + body, key=f"{key}:{person.pk}:sms")
        if person.email:
            outbox_enqueue(
                channel="email", recipient=person.email, subject=subject, body=body,
                key=f"{key}:{person.pk}:email",
            )  # fmt: skip
    return len(people)


def _digest_one(user, day) -> int:
    """Send one person's digest for `day`; 0 if it was sent already (by any worker)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                digest = Digest.objects.create(user=user, day=day, created_at=clock.now())
        except IntegrityError:
            return 0  # today's went out; later lines wait for tomorrow's
        items = list(
            DigestItem.objects.select_for_update()
            .filter(user=user, digest__isnull=True)
            .order_by("created_at", "pk")
        )
        if not items:
            digest.delete()
            return 0
        lines = [item.line for item in items]
        count = len(lines)
        key = f"digest:{user.pk}:{day.isoformat()}"
        if user.mobile:
            # A line starts with what it names (a case number), then the detail in （…）.
            numbers = "、".join(line.partition("（")[0] for line in lines[:DIGEST_SMS_LINES])
            more = f"等{count}件" if count > DIGEST_SMS_LINES else ""
            body = DIGEST_SMS.format(count=count, lines=numbers, more=more)
            sms_enqueue(mobile=user.mobile, body=PREFIX + body, key=f"{key}:sms")
        if user.email:
            outbox_enqueue(
                channel="email", recipient=user.email,
                subject=DIGEST_SUBJECT.format(count=count),
                body=DIGEST_EMAIL.format(lines="\n".join(f"- {line}" for line in lines)),
                key=f"{key}:email",
            )  # fmt: skip
        DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(digest=digest)
        Digest.objects.filter(pk=digest.pk).update(items=count)
        return 1


def digest_sweep(*, batch: int = 100) -> int:
    """Worker sweep: today's digests, once per person, from RENCAI_DIGEST_HOUR on."""
    from rencai.accounts.models import User

    local = clock.now().astimezone(clock.SHANGHAI)
    if local.hour < settings.RENCAI_DIGEST_HOUR:
        return 0
    day = local.date()
    waiting = (
        DigestItem.objects.filter(digest__isnull=True, user__is_active=True)
        .exclude(user__digest__day=day)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")[:batch]
    )
    sent = 0
    for user in User.objects.filter(pk__in=list(waiting), is_active=True):
        sent += _digest_one(user, day)
    return sent
