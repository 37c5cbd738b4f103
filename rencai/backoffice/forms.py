"""Forms of the back office: format rules only; messages name the field and the rule."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from rencai.accounts.forms import _check, char
from rencai.accounts.validators import validate_id_number
from rencai.backoffice import backup_codes
from rencai.cases.models import Case
from rencai.orgs.models import Unit
from rencai.orgs.validators import normalize_unit_code


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        error_messages={"invalid": f"{label}：日期格式应为 YYYY-MM-DD。"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class WorklistFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("申报类别"),
        required=False,
        choices=[("", _("全部"))] + list(Case.Category.choices),
        error_messages={"invalid_choice": "申报类别：请从列表中选择。"},
    )
    unit = char(
        _("引进单位（统一社会信用代码）"),
        max_length=30,
        required=False,
        help_text=_("18位统一社会信用代码或9位组织机构代码"),
    )
    submitted_from = _date(_("送审日期自"))
    submitted_to = _date(_("送审日期至"))
    step = forms.TypedChoiceField(
        label=_("当前步骤"), required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        if steps:
            self.fields["step"].choices = [("", _("全部"))] + [(s.pk, str(s)) for s in steps]
        else:
            del self.fields["step"]

    def clean_unit(self):
        code = normalize_unit_code(self.cleaned_data.get("unit") or "")
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first() or Unit.objects.filter(org_code=code).first()
        if unit is None:
            raise forms.ValidationError(
                format_lazy(gettext_lazy("引进单位：没有代码为“{code}”的单位。"), code=code)
            )
        return unit

    def clean(self):
        cleaned = super().clean()
        lo, hi = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if lo and hi and lo > hi:
            self.add_error("submitted_to", "送审日期至：不能早于开始日期。")
        return cleaned


class ActionForm(forms.Form):
    action = forms.CharField(max_length=30, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": "页面已过期，请刷新后重试。"},
    )
    reason = forms.CharField(
        label=_("意见/原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "意见/原因：最多%(limit_value)d个字符。"},
    )
    target_office = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TotpForm(forms.Form):
    code = char(
        _("动态口令"),
        max_length=8,
        autocomplete="one-time-code",
        inputmode="numeric",
        autofocus=True,
        help_text=_("验证器（如微信小程序“腾讯身份验证器”、Google Authenticator）显示的6位数字"),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(gettext_lazy("动态口令：请输入6位数字。"))
        return code


class TotpVerifyForm(TotpForm):
    """The login step: the authenticator's 6 digits, or one of the 10-character backup codes."""

    code = char(
        _("动态口令"),
        max_length=20,
        autocomplete="one-time-code",
        autofocus=True,
        help_text=_(
            "验证器显示的6位数字；手机不在身边时，可输入一个10位备用码（每个备用码只能用一次）"
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if backup_codes.looks_like_backup_code(code):
            return code
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(
                gettext_lazy("动态口令：请输入6位数字，或一个10位备用码（如 abcde-fghjk）。")
            )
        return code


class PersonLookupForm(forms.Form):
    id_number = char(_("身份证号码"), max_length=22, autocomplete="off")

    def clean_id_number(self):
        return _check(validate_id_number, self.cleaned_data["id_number"])


class ReapplyLiftForm(PersonLookupForm):
    reason = forms.CharField(
        label=_("开通原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "开通原因：请填写开通再次申报权限的原因。",
            "max_length": "开通原因：最多%(limit_value)d个字符。",
        },
    )


class StatsForm(forms.Form):
    date_from = _date(_("统计期自"))
    date_to = _date(_("统计期至"))
    office = forms.TypedChoiceField(
        label=_("机构"), required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if offices:
            self.fields["office"].choices = [("", _("全市"))] + [(o.pk, o.name) for o in offices]
        else:
            del self.fields["office"]
