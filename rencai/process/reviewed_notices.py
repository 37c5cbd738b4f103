"""What a reviewed request (rencai.process.reviewed) tells people, declared per process:
the requester's SMS when it is decided, and the office's overdue reminder (催办)."""

from __future__ import annotations

from collections.abc import Callable

from rencai.process.models import ReviewStatus
from rencai.process.reviewed import at_text, reminder, sms


def decided_sms(
    *, person: str, key: str, approved: Callable, rejected: Callable
) -> Callable[..., None]:
    """The `decided` notification: `approved(ctx)` or `rejected(ctx)` texted to the
    requester (`person`, the requester column) under the key `<key>:<number>:decided`."""

    def notify(ctx) -> None:
        obj = ctx.obj
        text = (approved if obj.status == ReviewStatus.APPROVED else rejected)(ctx)
        sms(getattr(obj, person).mobile, text, key=f"{key}:{obj.number}:decided")

    return notify


def overdue_reminder(
    *, person: str, key: str, what: Callable, about: Callable, where: str, unsent: str,
    short: bool = False,
) -> Callable[..., None]:  # fmt: skip
    """The `remind` effect: "<what><number>（<about>，申请人：…）…现已逾期，请尽快登录系统<where>。"
    to the office (with `short`, an SMS to each of its reviewers: office_remind)."""

    def texts(obj) -> dict:
        subject = f"催办：{what(obj)}{obj.number}已超过办理期限"
        due = f"{obj.due_date:%Y-%m-%d}"
        out = {
            "subject": subject,
            "body": (
                f"{what(obj)}{obj.number}（{about(obj)}，申请人：{getattr(obj, person).real_name}）"
                f"于{at_text(obj.submitted_at)}提交，办理期限为{due}，现已逾期，请尽快登录系统{where}。\n"
            ),
            "key": f"{key}:{obj.number}:reminder",
        }
        if short:
            out["short"] = f"{subject}（期限{due}），请尽快登录系统审核。"
        return out

    return reminder(texts, unsent=unsent)
