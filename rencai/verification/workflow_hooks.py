"""Guards and SMS text named in the workflow table's 秒批 block (rencai/cases/workflow.py),
registered into the cases registries so the table stays the single source of moves."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rencai.cases.guards import guard
from rencai.cases.notifications import SMS_TEMPLATES


@guard("eligibility_hard_rules", "申报条件中的硬性条件均未判定为不符合（数据核验预检）")
def eligibility_hard_rules(ctx):
    from rencai.verification.selectors import hard_failures

    failed = hard_failures(ctx.case)
    if not failed:
        return None
    return "不符合申报条件，不能送审：" + "；".join(f"「{r.name}」{r.reason}" for r in failed)


@guard("verification_clear", "数据核验全部通过、申报条件全部符合，且未被抽中人工审核")
def verification_clear(ctx):
    from rencai.verification.models import VerificationRequest as Req

    latest = Req.objects.filter(case=ctx.case, status=Req.Status.DONE).exclude(
        purpose=Req.Purpose.PRECHECK).order_by("-finished_at", "-pk").first()  # fmt: skip
    if latest is None or latest.decision != Req.Decision.APPROVED:
        return "数据核验未全部通过，须人工审核。"
    return None


def _policy(ctx):
    from rencai.verification.models import CategoryPolicy

    return CategoryPolicy.objects.filter(category=ctx.case.category).first()


@guard("category_has_notice", "该申报类别须公示（类别秒批设置）")
def category_has_notice(ctx):
    policy = _policy(ctx)
    return None if policy is None or policy.public_notice else "该类别不公示。"


@guard("category_without_notice", "该申报类别不公示，秒批后直接出具入户卡（类别秒批设置）")
def category_without_notice(ctx):
    policy = _policy(ctx)
    return None if policy is not None and not policy.public_notice else "该类别须公示。"


SMS_TEMPLATES.setdefault(
    "instant_approved",
    _("您的入户申请{number}数据核验全部通过，已由系统秒批，现进入公示期（至{due_date}）。"),
)
SMS_TEMPLATES.setdefault(
    "instant_card",
    _(
        "您的入户申请{number}数据核验全部通过，已由系统秒批，《广州市入户人员信息卡》已出具，请登录系统下载。"
    ),
)
