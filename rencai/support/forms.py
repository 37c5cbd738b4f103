"""Forms of the support pages. Validation of rules lives in services; these only shape
the input (and keep what was typed when a service refuses it)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.support.models import Ticket
from rencai.support.services import TAGS


class TicketForm(forms.Form):
    topic = forms.ChoiceField(label=_("问题类型"), choices=Ticket.Topic.choices)
    body = forms.CharField(
        label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请描述遇到的问题。无需填写身份证号码，也无需截图：申请编号、状态和办理机构已自动带上。"),
    )  # fmt: skip


class TicketActionForm(forms.Form):
    action = forms.CharField(max_length=30)
    expected_version = forms.IntegerField(min_value=1)
    reason = forms.CharField(
        label=_("答复/说明"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    target_office = forms.IntegerField(required=False)
    case_version = forms.IntegerField(required=False, min_value=1)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 基本满意")),
                 (2, _("2 不满意")), (1, _("1 非常不满意"))],
    )  # fmt: skip
    tags = forms.MultipleChoiceField(
        label=_("评价标签"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(TAGS.items()),
    )  # fmt: skip
    comment = forms.CharField(
        label=_("评价内容（选填）"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class WorkOrderAnswerForm(forms.Form):
    expected_version = forms.IntegerField(min_value=1)
    reason = forms.CharField(
        label=_("整改答复"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
