"""Support tickets (咨询/反馈), service ratings (好差评) and the work orders a poor rating
opens. Tickets and work orders are processes of rencai.process (status written only by
the engine); a rating is a plain row, one per rated step (DB constraints)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rencai.process.models import ProcessFields, ref, user_ref


class Ticket(ProcessFields):
    class Topic(models.TextChoices):
        STATUS = "status", _("办理状态显示异常或为空白")
        CARD = "card", _("入户卡未出具或找不到")
        WRONG_OFFICE = "wrong_office", _("申请被分到了错误的受理机构")
        CORRECTION = "correction", _("需要退回修改资料")
        OTHER = "other", _("其他问题")

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.OPEN)
    number = models.CharField(_("工单编号"), max_length=20, unique=True, editable=False)
    requester = user_ref(_("提问人"), optional=False, related_name="support_tickets")
    office = ref("orgs.Office", _("办理机构"), optional=False)
    topic = models.CharField(_("问题类型"), max_length=20, choices=Topic.choices)
    body = models.TextField(_("问题描述"), max_length=2000)
    # The context the person was looking at, captured when the ticket opened (FAQ 一.9).
    case = ref("cases.Case", _("相关申请"))
    context_kind = models.CharField(_("相关事项"), max_length=60, blank=True)
    context_number = models.CharField(_("相关编号"), max_length=20, blank=True)
    context_status = models.CharField(_("当时状态"), max_length=200, blank=True)
    context_holder = models.CharField(_("当时办理机构"), max_length=100, blank=True)
    context_url = models.CharField(_("相关页面"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("催办时间"), null=True, blank=True)
    # The form's one-time token: a double submit finds the ticket it already made.
    client_token = models.CharField(max_length=40, blank=True, editable=False)
    # The fix an official ran from the ticket (reroute / return): the case event it made.
    fix_action = models.CharField(_("处理操作"), max_length=30, blank=True)
    fix_event = ref("cases.CaseEvent", _("处理记录"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("咨询/反馈")
        verbose_name_plural = _("咨询/反馈")
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "client_token"],
                condition=~Q(client_token=""),
                name="support_ticket_once_per_form",
            )  # fmt: skip
        ]
        indexes = [
            models.Index(fields=["office", "status", "due_at"], name="support_ticket_queue"),
            models.Index(fields=["requester", "created_at"], name="support_ticket_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_topic_display()}"


class Rating(models.Model):
    """好差评: one per finished step (a case event by an office, or a finished request)."""

    POOR = 2  # a score at or below this opens a work order

    rater = user_ref(_("评价人"), optional=False)
    office = ref("orgs.Office", _("被评价机构"), optional=False)
    case_event = ref("cases.CaseEvent", _("申请办理环节"))
    process_event = ref("process.ProcessEvent", _("事项办理环节"))
    step = models.CharField(_("办理环节"), max_length=60)  # the action label, e.g. 改派受理机构
    number = models.CharField(_("事项编号"), max_length=20)
    score = models.PositiveSmallIntegerField(_("评分"))
    tags = models.JSONField(_("评价标签"), default=list, blank=True)
    comment = models.TextField(_("评价内容"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("评价时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="support_rating_score_1_5"
            ),
            models.CheckConstraint(
                condition=(
                    Q(case_event__isnull=False, process_event__isnull=True)
                    | Q(case_event__isnull=True, process_event__isnull=False)
                ),
                name="support_rating_one_step",
            ),
            models.UniqueConstraint(
                fields=["case_event"],
                condition=Q(case_event__isnull=False),
                name="support_rating_once_per_case_step",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["process_event"],
                condition=Q(process_event__isnull=False),
                name="support_rating_once_per_request_step",
            ),  # fmt: skip
        ]
        indexes = [models.Index(fields=["office", "created_at"], name="support_rating_office")]

    def __str__(self) -> str:
        return f"{self.number} {self.step}: {self.score}"

    @property
    def poor(self) -> bool:
        return self.score <= self.POOR


class WorkOrder(ProcessFields):
    """差评整改工单: a poor rating, which the rated office must answer within N working days."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改答复")
        ANSWERED = "answered", _("已答复")

    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.OPEN)
    number = models.CharField(_("工单编号"), max_length=20, unique=True, editable=False)
    rating = models.OneToOneField(
        Rating, verbose_name=_("差评"), on_delete=models.PROTECT, related_name="work_order"
    )
    office = ref("orgs.Office", _("整改机构"), optional=False)
    created_at = models.DateTimeField(_("生成时间"))
    answer = models.TextField(_("整改答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = user_ref(_("答复人"))
    reminded_at = models.DateTimeField(_("催办时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("差评整改工单")
        verbose_name_plural = _("差评整改工单")
        indexes = [models.Index(fields=["office", "status", "due_at"], name="support_wo_queue")]

    def __str__(self) -> str:
        return f"{self.number} {self.rating.step}"
