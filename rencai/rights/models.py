"""Unit-admin rights requests (单位系统管理员权限申请, FAQ 二.1, 二.2): a personal account
asks for the rights of one unit; the unit's approving department decides.

A process of rencai.process (declared in rencai.rights.processes): number, holding office,
deadline in working days, a decision with its reason; status, version, deadline and
decision columns are written only by the engine's transitions.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.process.models import ReviewedFields, review_rules, user_ref
from rencai.process.models import ref as process_ref

INDEXES, CONSTRAINTS = review_rules("unit_admin")


class UnitAdminRequest(ReviewedFields):
    applicant = user_ref(_("申请人"), optional=False)
    unit = process_ref("orgs.Unit", _("单位"), optional=False, related_name="admin_requests")
    office = process_ref("orgs.Office", _("审批部门"), optional=False)
    grant = models.OneToOneField(
        "accounts.RoleGrant",
        verbose_name=_("授权"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="admin_request",
    )

    class Meta(ReviewedFields.Meta):
        # The table kept its name when the model moved here from rencai.changes.
        db_table = "changes_unitadminrequest"
        verbose_name = _("单位系统管理员权限申请")
        verbose_name_plural = _("单位系统管理员权限申请")
        indexes = INDEXES
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "unit"],
                condition=models.Q(status="pending"),
                name="one_pending_unit_admin_request",
            ),
            *CONSTRAINTS,
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.unit}"
