from django import forms
from django.utils.translation import gettext_lazy as _


class ObjectionForm(forms.Form):
    """Fields only; the rules (and their Chinese messages) are in services.objection_file."""

    contact_name = forms.CharField(label=_("联系人姓名"), required=False, max_length=40)
    contact_phone = forms.CharField(
        label=_("联系电话"), required=False, max_length=20,
        help_text=_("联系电话与电子邮箱至少填写一项，仅供核查时联系您，不公开。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    contact_email = forms.CharField(
        label=_("电子邮箱"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    text = forms.CharField(
        label=_("异议内容"), required=False, max_length=2000,
        help_text=_("请说明对哪项公示信息有异议及理由（不超过2000字）。"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
