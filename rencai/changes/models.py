"""Reference-data change requests (信息变更申请): new or changed units, schools, majors.

A process of rencai.process (rencai.changes.processes): a number, a holding office, a
deadline in working days, a decision with its reason, all written by the engine only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.process.models import ReviewedFields, ref, review_rules, user_ref

CHANGE_INDEXES, CHANGE_CONSTRAINTS = review_rules("change")


class ChangeRequest(ReviewedFields):
    """新增/修改单位信息, 增加院校/专业, 修改单位电话/性质 — reviewed by the data service centre."""

    class Kind(models.TextChoices):
        UNIT_NEW = "unit_new", _("新增单位信息")
        UNIT_CHANGE = "unit_change", _("修改单位信息")
        INSTITUTION_NEW = "institution_new", _("增加院校")
        MAJOR_NEW = "major_new", _("增加专业")
        UNIT_CONTACT = "unit_contact", _("修改单位电话/单位性质")

    kind = models.CharField(_("申请类型"), max_length=20, choices=Kind.choices)
    requester = user_ref(_("申请人"), optional=False)
    # The unit the requester was acting as (unit admins): its other admins see the request too.
    acting_unit = ref("orgs.Unit", _("申请单位"))
    office = ref("orgs.Office", _("审核机构"), optional=False)
    folder = models.OneToOneField(
        "documents.Folder", verbose_name=_("附件"), on_delete=models.PROTECT, related_name="+"
    )

    # The unit concerned: the one to change, or (after approval) the one created.
    unit = ref("orgs.Unit", _("单位"), related_name="change_requests")
    institution = ref("catalog.Institution", _("院校"))
    major = ref("catalog.Major", _("专业"))

    # Proposed values (which ones are used depends on `kind`).
    name = models.CharField(_("名称"), max_length=200, blank=True)
    code = models.CharField(_("代码"), max_length=18, blank=True)
    nature = models.CharField(_("单位性质"), max_length=20, blank=True)
    level = models.CharField(_("隶属层级/办学层次"), max_length=16, blank=True)
    district = ref("orgs.District", _("所在区"))
    supervisory_office = ref("orgs.Office", _("主管部门"))
    phone = models.CharField(_("单位电话"), max_length=40, blank=True)
    address = models.CharField(_("地址/所在地"), max_length=200, blank=True)
    education_level = models.CharField(_("学历层次"), max_length=10, blank=True)
    # Values before the change, for the reviewer and the record: {"name": ..., "code": ...}.
    before = models.JSONField(_("变更前"), default=dict, blank=True)

    class Meta(ReviewedFields.Meta):
        verbose_name = _("信息变更申请")
        verbose_name_plural = _("信息变更申请")
        indexes = CHANGE_INDEXES
        constraints = CHANGE_CONSTRAINTS

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"
