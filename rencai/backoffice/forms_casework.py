"""Forms of the objection and card-revocation panels on the officials' case page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.cards.services import REASON_MAX
from rencai.notice.services import FINDING_MAX


class ObjectionFindingForm(forms.Form):
    finding = forms.CharField(
        label=_("核查意见"),
        max_length=FINDING_MAX,
        help_text=_(
            "办理异议（不成立/成立）时，本意见将通过短信或邮件告知异议人；请勿写入申请人的个人信息。"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("核查意见：请填写对该异议的核查意见（必填）"),
            "max_length": _("核查意见：不能超过%(limit_value)d字"),
        },
    )


class CardRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=REASON_MAX,
        help_text=_("将以短信告知持卡人，并记入审计记录。"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("作废原因：请填写作废入户卡的原因（必填）。"),
            "max_length": _("作废原因：不能超过%(limit_value)d个字。"),
        },
    )
    code = forms.CharField(
        label=_("动态口令"),
        max_length=6,
        min_length=6,
        help_text=_("作废入户卡须再次输入验证器当前显示的6位动态口令。"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        error_messages={
            "required": _("动态口令：请输入验证器当前显示的6位数字。"),
            "min_length": _("动态口令：请输入6位数字。"),
            "max_length": _("动态口令：请输入6位数字。"),
        },
    )
