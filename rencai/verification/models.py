"""Verification data: per-category policy and eligibility rules (edited by the city
bureau in the admin), verification requests claimed by the worker, and the answer of
each data-sharing source stored on the case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CATEGORIES = [
    ("education", _("学历")),
    ("title", _("职称")),
    ("skill", _("技能")),
]


class CategoryPolicy(models.Model):
    """Per category: may the system approve at once, is there a public notice, and the
    share of clear cases still sampled for manual review."""

    category = models.CharField(_("申报类别"), max_length=10, choices=CATEGORIES, unique=True)
    instant_approval = models.BooleanField(_("允许系统秒批"), default=True)
    public_notice = models.BooleanField(
        _("需公示"), default=True, help_text=_("不公示的类别秒批后直接出具入户卡。")
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("随机抽查比例（%）"), default=5, help_text=_("全部核验通过的申请中转人工审核的比例。")
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("类别秒批设置")
        verbose_name_plural = _("类别秒批设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sample_percent__lte=100), name="policy_sample_percent_max"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_category_display())


class EligibilityRule(models.Model):
    """One declarative condition of a category (申报条件), with its legal source."""

    class Kind(models.TextChoices):
        EDUCATION_MIN = "education_min", _("最低学历")
        AGE_MAX = "age_max", _("送审时最高年龄（周岁）")
        TITLE_MIN = "title_min", _("最低职称级别")
        SKILL_MIN = "skill_min", _("最低技能等级")
        SOCIAL_INSURANCE_MIN = "si_months_min", _("本单位社保最少缴费月数")
        UNIT_NATURE_IN = "unit_nature_in", _("单位性质限于")

    category = models.CharField(_("申报类别"), max_length=10, choices=CATEGORIES)
    kind = models.CharField(_("条件类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("条件名称"), max_length=60)
    value = models.CharField(
        _("取值"),
        max_length=100,
        help_text=_(
            "学历填代码（bachelor 等）；年龄、月数填数字；职称/技能填级别；单位性质用逗号分隔。"
        ),
    )
    hard = models.BooleanField(_("硬性条件（不符合不能送审）"), default=True)
    legal_source = models.TextField(
        _("政策依据原文"), blank=True, help_text=_("未填写依据的条件标注为“示例配置”。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["category", "sort_order", "pk"]
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.name}"

    @property
    def is_example(self) -> bool:
        return not self.legal_source.strip()


class VerificationRequest(models.Model):
    """One run of every applicable source for a case, claimed by the worker like a
    deadline. `key` makes queueing idempotent (one request per submission)."""

    class Purpose(models.TextChoices):
        PRECHECK = "precheck", _("送审前预检")
        SUBMISSION = "submission", _("送审后核验")
        RERUN = "rerun", _("工作人员重新核验")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("核验中")
        DONE = "done", _("已完成")

    class Decision(models.TextChoices):
        NONE = "", _("—")
        APPROVED = "approved", _("系统秒批")
        MANUAL = "manual", _("转人工审核")
        INFO = "info", _("仅供参考")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="verification_requests"
    )
    purpose = models.CharField(_("用途"), max_length=12, choices=Purpose.choices)
    key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    run_after = models.DateTimeField(_("可执行时间"))
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    decision = models.CharField(
        _("系统决定"), max_length=10, choices=Decision.choices, blank=True, default=""
    )
    reasons = models.JSONField(_("决定理由"), default=list, blank=True)
    rules = models.JSONField(_("条件判断"), default=list, blank=True)
    ocr_findings = models.JSONField(_("附件预审发现"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("核验请求")
        verbose_name_plural = _("核验请求")
        indexes = [
            # The sweep's claim: only unfinished rows are in the index.
            models.Index(
                fields=["run_after"], condition=~models.Q(status="done"), name="verif_due"
            ),
            models.Index(fields=["case", "-created_at"], name="verif_case_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.purpose}:{self.status}"


class VerificationCheck(models.Model):
    """The answer of one source to one request: what was asked, when, what it said."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("通过")
        FAILED = "failed", _("不通过")
        UNAVAILABLE = "unavailable", _("暂不可用")

    request = models.ForeignKey(
        VerificationRequest, on_delete=models.CASCADE, related_name="checks"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("数据来源"), max_length=20)
    asked_at = models.DateTimeField(_("查询时间"))
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    answer = models.JSONField(_("返回数据"), default=dict, blank=True)  # never an ID number
    evidence_ref = models.CharField(_("凭证编号"), max_length=80, blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = _("核验结果")
        verbose_name_plural = _("核验结果")
        constraints = [
            models.UniqueConstraint(fields=["request", "source"], name="verif_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.outcome}"
