"""Page forms. They only shape input; the rules live in rencai.changes.services. (The
attachment fields and the decide form: rencai.process.forms.)"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.catalog.models import EducationLevel, Institution
from rencai.changes import rules
from rencai.changes.attachments import ATTACHMENTS
from rencai.orgs.forms import UnitChoiceField
from rencai.orgs.models import District, Office, Unit
from rencai.orgs.validators import CODE_FORMAT
from rencai.process.forms import RequestFormBase
from rencai.process.forms import choices as _choices


class ChangeFormBase(RequestFormBase):
    """A change request's form (its attachment fields: rencai.changes.attachments; 必传
    where rules.required_attachments may ask for them)."""

    attachments = ATTACHMENTS
    required_hint = staticmethod(
        lambda kind: rules.required_attachments(kind, name_changed=True, code_changed=True)
    )


class UnitNewForm(ChangeFormBase):
    kind = rules.Kind.UNIT_NEW
    name = forms.CharField(
        label=_("单位名称"), max_length=200, help_text=_("与营业执照或法人证书上的名称完全一致。")
    )
    code = forms.CharField(
        label=_("统一社会信用代码/组织机构代码"), max_length=40, help_text=CODE_FORMAT
    )
    nature = forms.ChoiceField(label=_("单位性质"), choices=_choices(Unit.Nature.choices))
    level = forms.ChoiceField(label=_("隶属层级"), choices=_choices(Unit.Level.choices))
    district = forms.ModelChoiceField(
        label=_("所在区"), queryset=District.objects.all(), empty_label=_("请选择")
    )
    supervisory_office = forms.ModelChoiceField(
        label=_("主管部门（市属单位必填）"),
        required=False,
        queryset=Office.objects.filter(kind=Office.Kind.SUPERVISORY, is_active=True),
        empty_label=_("无"),
    )
    phone = forms.CharField(label=_("单位电话（选填）"), max_length=40, required=False)
    address = forms.CharField(label=_("单位地址（选填）"), max_length=200, required=False)
    confirm_new = forms.BooleanField(label=_("以上都不是，我要新增这个单位"), required=False)


class UnitChangeForm(ChangeFormBase):
    kind = rules.Kind.UNIT_CHANGE
    unit = UnitChoiceField(label=_("要修改的单位"))
    new_name = forms.CharField(
        label=_("新单位名称"),
        max_length=200,
        required=False,
        help_text=_("名称已变更时填写（按营业执照）；名称未变更的留空。"),
    )
    new_code = forms.CharField(
        label=_("新统一社会信用代码"),
        max_length=40,
        required=False,
        help_text=_(
            "需把9位组织机构代码改为18位统一社会信用代码时填写；名称变更但保留原9位代码的留空。"
        ),
    )


EDUCATION_CHOICES = _choices(EducationLevel.choices)


class InstitutionNewForm(ChangeFormBase):
    kind = rules.Kind.INSTITUTION_NEW
    education_level = forms.ChoiceField(label=_("学历层次"), choices=EDUCATION_CHOICES)
    name = forms.CharField(
        label=_("院校名称"), max_length=100, help_text=_("按毕业证书填写完整的学校名称。")
    )
    level = forms.ChoiceField(label=_("办学层次"), choices=_choices(Institution.Level.choices))
    location = forms.CharField(label=_("所在地（选填）"), max_length=40, required=False)
    moe_code = forms.CharField(
        label=_("学校标识码（选填，10位数字）"), max_length=10, required=False
    )
    confirm_new = forms.BooleanField(label=_("以上都不是，我要增加这所院校"), required=False)


class MajorNewForm(ChangeFormBase):
    kind = rules.Kind.MAJOR_NEW
    education_level = forms.ChoiceField(label=_("学历层次"), choices=EDUCATION_CHOICES)
    name = forms.CharField(
        label=_("专业名称"), max_length=60, help_text=_("按毕业证书填写完整的专业名称。")
    )
    major_code = forms.CharField(label=_("专业代码（选填）"), max_length=10, required=False)
    confirm_new = forms.BooleanField(label=_("以上都不是，我要增加这个专业"), required=False)


class UnitContactForm(ChangeFormBase):
    kind = rules.Kind.UNIT_CONTACT
    phone = forms.CharField(
        label=_("新单位电话"), max_length=40, required=False, help_text=_("不修改的留空。")
    )
    nature = forms.ChoiceField(
        label=_("新单位性质"), choices=_choices(Unit.Nature.choices, _("不修改")), required=False
    )


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("申请编号"), max_length=20, help_text=_("如 BG2026-000123 或 QX2026-000123")
    )
