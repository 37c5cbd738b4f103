"""Page forms of unit-admin rights; the rules live in rencai.rights.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.orgs.forms import UnitChoiceField
from rencai.orgs.models import Office
from rencai.process.forms import DecideForm


class UnitAdminApplyForm(forms.Form):
    unit = UnitChoiceField(label=_("申请管理的单位"))
    office = forms.ModelChoiceField(
        label=_("审批部门"),
        required=False,
        empty_label=_("请选择"),
        queryset=Office.objects.filter(
            kind__in=[Office.Kind.SUPERVISORY, Office.Kind.DISTRICT_WINDOW], is_active=True
        ).order_by("kind", "sort_order", "code"),
        help_text=_(
            "区属单位选择所属区的人社局（如广州市天河区人力资源和社会保障局）；市直单位选择其市直主管部门。"
        ),
    )
    note = forms.CharField(
        label=_("补充说明（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=500)


class ApproveForm(DecideForm):
    """The department approves (审批), it does not review: its words on the form too."""

    reason = forms.CharField(
        label=_("审批意见（不通过时必填）"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
