"""The application (申请) and its number sequence.

`status`, `version`, `holding_office`, `chain_step` and the `due_*` columns are written
only by `rencai.cases.services.case_transition` (the workflow table decides them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.catalog.models import EducationLevel


class CaseNumberSequence(models.Model):
    """One row per year; the row lock serialises number allocation (RC2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("申请编号序列")
        verbose_name_plural = _("申请编号序列")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


#: States in which an application is "open" (进行中): every state but the workflow's
#: TERMINAL ones (rencai.cases.workflow imports this model, so the set is spelled out
#: here; tests/cases/test_integrity.py checks it equals STATES - TERMINAL). A draft
#: counts: a second draft could otherwise be completed and submitted beside the first.
OPEN_STATUSES = (
    "draft", "unit_review", "dept_review", "awaiting_acceptance", "under_review",
    "returned", "in_notice", "objection",
)  # fmt: skip


class Case(models.Model):
    class Category(models.TextChoices):
        EDUCATION = "education", _("学历")
        TITLE = "title", _("职称")
        SKILL = "skill", _("技能")

    class Route(models.TextChoices):
        VIA_UNIT = "via_unit", _("单位 → 主管部门 → 市人社局")
        DIRECT = "direct", _("直接报送区人社局")

    # Values are the workflow's states (rencai.cases.workflow.State); labels are the
    # short forms; the full status text with office names comes from case_status_text().
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        UNIT_REVIEW = "unit_review", _("单位审核中")
        DEPT_REVIEW = "dept_review", _("主管部门审核中")
        AWAITING_ACCEPTANCE = "awaiting_acceptance", _("未受理，等待受理")
        UNDER_REVIEW = "under_review", _("已受理，审批中")
        RETURNED = "returned", _("已退回修改")
        IN_NOTICE = "in_notice", _("审批通过，公示中")
        OBJECTION = "objection", _("公示异议核查中")
        CARD_ISSUED = "card_issued", _("公示无异议，已出具《广州市入户人员信息卡》")
        REJECTED = "rejected", _("不予通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATUSES = OPEN_STATUSES

    # Unique by a constraint (below), not unique=True: that adds an unused LIKE index on PG.
    number = models.CharField(_("申请编号"), max_length=20, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )  # the applicant, or a unit admin who started it for an employee
    category = models.CharField(_("申报类别"), max_length=10, choices=Category.choices)
    #: Empty only on a draft that names `unit_request` instead (constraint below).
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("引进单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    #: Issue #11: a draft started before the employer is registered names the applicant's
    #: own pending 新增单位信息 request; approving it fills in `unit` and clears this
    #: (rencai.cases.draft_unit). It cannot be submitted before (guard unit_registered).
    unit_request = models.ForeignKey(
        "changes.ChangeRequest",
        verbose_name=_("待审核的新增单位申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft_cases",
        db_index=False,  # the partial index case_unit_request below
    )
    folder = models.OneToOneField(
        "documents.Folder", on_delete=models.PROTECT, related_name="case", editable=False
    )

    # Route, recorded at submission (and on reroute) from the units registry.
    route = models.CharField(_("报送路径"), max_length=10, choices=Route.choices, blank=True)
    supervisory_office = models.ForeignKey(
        "orgs.Office",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    acceptance_office = models.ForeignKey(
        "orgs.Office",
        verbose_name=_("受理机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    # Workflow position (written by case_transition only).
    status = models.CharField(
        _("状态"), max_length=30, choices=Status.choices, default=Status.DRAFT
    )  # indexed with holding_office in the queue indexes below
    version = models.PositiveIntegerField(_("版本"), default=1)
    holding_office = models.ForeignKey(
        "orgs.Office",
        verbose_name=_("当前办理机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_cases",
        db_index=False,
    )
    chain_step = models.ForeignKey(
        "cases.ChainStep",
        verbose_name=_("当前步骤"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    due_at = models.DateTimeField(_("期限触发时间"), null=True, blank=True)
    due_date = models.DateField(_("期限（日）"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限待节假日安排确认"), default=False)
    due_action = models.CharField(_("到期操作"), max_length=30, blank=True)

    created_at = models.DateTimeField(_("创建时间"))
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("单位送审时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    #: FAQ 一.18: the employer may be changed until the first submission, and again after
    #: withdrawing when the unit's nature allows it (effects "submitted" / "reopened").
    unit_changeable = models.BooleanField(_("可更换引进单位"), default=True)
    reapply_lift = models.ForeignKey(
        "cases.ReapplyLift",
        verbose_name=_("再次申报开通记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )

    # The application form (phase 2 pages fill these).
    education_level = models.CharField(
        _("最高学历"), max_length=10, choices=EducationLevel.choices, blank=True
    )
    institution = models.ForeignKey(
        "catalog.Institution",
        verbose_name=_("毕业院校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    institution_name = models.CharField(
        _("毕业院校（大专以下手动填写）"), max_length=100, blank=True
    )
    major = models.ForeignKey(
        "catalog.Major",
        verbose_name=_("专业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    major_name = models.CharField(_("专业（手动填写）"), max_length=60, blank=True)
    graduation_date = models.DateField(_("毕业时间"), null=True, blank=True)
    diploma_number = models.CharField(_("毕业证书编号"), max_length=40, blank=True)
    degree_number = models.CharField(_("学位证书编号"), max_length=40, blank=True)
    title_series = models.ForeignKey(
        "catalog.TitleSeries",
        verbose_name=_("职称系列"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    qualification_name = models.CharField(_("资格（工种）名称"), max_length=60, blank=True)
    qualification_level = models.CharField(_("资格等级"), max_length=20, blank=True)
    certificate_number = models.CharField(_("证书编号"), max_length=40, blank=True)
    certificate_date = models.DateField(_("发证日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("入户申请")
        verbose_name_plural = _("入户申请")
        # Few indexes on purpose: every fired deadline rewrites status/due_at (no HOT update),
        # and each index costs the sweep an insert per row on PostgreSQL. Foreign keys to
        # small reference tables (offices, catalogue, chain steps) are not indexed; the
        # queue indexes lead with holding_office, so they also serve it alone.
        indexes = [
            # The deadline sweep's only query: an idle sweep is one probe of this index.
            models.Index(
                fields=["due_at"], condition=models.Q(due_at__isnull=False), name="case_due"
            ),
            # The public notice list: a small partial index, touched only on entering/leaving.
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["in_notice", "objection"]),
                name="case_in_notice",
            ),
            # Officials' worklists: keyset pages on (sort column, id) within one office's
            # queue stay one index range scan however deep (rencai.backoffice.selectors).
            models.Index(
                fields=["holding_office", "status", "due_at", "id"], name="case_queue_due"
            ),
            models.Index(
                fields=["holding_office", "status", "submitted_at", "id"],
                name="case_queue_submitted",
            ),
            # Approving a 新增单位 request finds the drafts waiting for it (rarely any).
            models.Index(
                fields=["unit_request"],
                condition=models.Q(unit_request__isnull=False),
                name="case_unit_request",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.CheckConstraint(
                condition=models.Q(due_at__isnull=True) | ~models.Q(due_action=""),
                name="case_due_has_action",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="case_version_positive"
            ),
            # One open application per person (FAQ 一.3, issue #9): a partial unique index,
            # so two concurrent starts or a reopen beside another open case cannot both win.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_one_open_per_applicant",
            ),
            # A unit, or (a draft only) a pending 新增单位 request in its place: never
            # both, never neither (the request's approval swaps one for the other).
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False) & models.Q(unit_request__isnull=True))
                | (
                    models.Q(unit__isnull=True)
                    & models.Q(unit_request__isnull=False)
                    & models.Q(status="draft")
                ),
                name="case_unit_or_pending_request",
            ),
            # A lift of 「已禁止再报」 opens ONE application.
            models.UniqueConstraint(
                fields=["reapply_lift"],
                condition=models.Q(reapply_lift__isnull=False),
                name="case_reapply_lift_once",
            ),
        ]

    def __str__(self) -> str:
        return self.number
