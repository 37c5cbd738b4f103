"""Forms of the application pages. Every section saves on its own (drafts may be partial);
what is still missing is the checklist's job, not the forms'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.cases.models import Case
from rencai.catalog import selectors as catalog
from rencai.catalog.models import EducationLevel, Institution, Major, TitleSeries
from rencai.orgs.forms import UnitChoiceField

TITLE_LEVELS = [("", "—"), *((v, v) for v in ("初级", "中级", "副高级", "正高级"))]
SKILL_LEVELS = [
    ("", "—"),
    *(
        (v, v)
        for v in (
            "五级/初级工",
            "四级/中级工",
            "三级/高级工",
            "二级/技师",
            "一级/高级技师",
        )
    ),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CatalogPickerWidget(forms.Widget):
    """School / major from the catalogue. Works without JS: a search box and a button
    (named `<field>_search`) re-render the form with the matches as radio buttons."""

    template_name = "cases/widgets/catalog_picker.html"
    model = None
    search = None
    kind = ""

    def __init__(self, *, kind: str, attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.model = Institution if kind == "institution" else Major

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = value if isinstance(value, self.model) else None
        if chosen is None and str(value or "").isdigit():
            chosen = self.model.objects.filter(pk=int(value), is_active=True).first()
        data = getattr(self, "_search_data", None) or {}
        query = (data.get(f"{name}_q") or "").strip()[:60]
        results, message = [], ""
        if query:
            if self.kind == "institution":
                results = catalog.institution_search(q=query)
            else:
                results = catalog.major_search(q=query)
            if len(query) < catalog.SEARCH_MIN_CHARS:
                message = _("请至少输入%(n)d个字") % {"n": catalog.SEARCH_MIN_CHARS}
            elif not results:
                message = _("没有找到匹配的结果")
        context["widget"].update(
            {"chosen": chosen, "query": query, "results": results, "message": message}
        )
        return context


class CatalogChoiceField(forms.ModelChoiceField):
    def __init__(self, *, kind: str, **kwargs):
        model = Institution if kind == "institution" else Major
        super().__init__(
            queryset=model.objects.filter(is_active=True),
            widget=CatalogPickerWidget(kind=kind),
            required=False,
            **kwargs,
        )

    def get_bound_field(self, form, field_name):
        self.widget._search_data = form.data if form.is_bound else None
        return super().get_bound_field(form, field_name)


def is_search_submit(data) -> bool:
    """The form was sent by a picker's own search button: re-render, do not save."""
    return any(key.endswith("_search") for key in data)


class StartForm(forms.Form):
    category = forms.ChoiceField(
        label=_("申报类别"), choices=Case.Category.choices, widget=forms.RadioSelect
    )
    unit = UnitChoiceField(label=_("引进单位（现工作单位）"))


class EducationForm(forms.Form):
    section = "education"
    education_level = forms.ChoiceField(
        label=_("最高学历"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    institution = CatalogChoiceField(kind="institution", label=_("毕业院校（大专及以上）"))
    major = CatalogChoiceField(kind="major", label=_("专业（大专及以上）"))
    institution_name = forms.CharField(
        label=_("毕业院校（大专以下手动填写）"), max_length=100, required=False
    )
    major_name = forms.CharField(label=_("专业（大专以下手动填写）"), max_length=60, required=False)
    graduation_date = forms.DateField(label=_("毕业时间"), required=False, widget=DateInput)
    diploma_number = forms.CharField(label=_("毕业证书编号"), max_length=40, required=False)
    degree_number = forms.CharField(
        label=_("学位证书编号（本科及以上）"), max_length=40, required=False
    )


class TitleForm(forms.Form):
    section = "title"
    title_series = forms.ModelChoiceField(
        label=_("职称系列"),
        queryset=TitleSeries.objects.filter(is_active=True),
        required=False,
        empty_label="—",
    )
    qualification_name = forms.CharField(
        label=_("资格名称"),
        max_length=60,
        required=False,
        help_text=_("按职称证书填写；系统没有相应的资格名称时请直接输入（FAQ 一.14）。"),
    )
    qualification_level = forms.ChoiceField(
        label=_("资格级别"), choices=TITLE_LEVELS, required=False
    )
    certificate_number = forms.CharField(label=_("证书编号"), max_length=40, required=False)
    certificate_date = forms.DateField(label=_("发证日期"), required=False, widget=DateInput)


class SkillForm(forms.Form):
    section = "skill"
    qualification_name = forms.CharField(
        label=_("职业（工种）名称"),
        max_length=60,
        required=False,
        help_text=_("按职业资格证书或职业技能等级证书填写。"),
    )
    qualification_level = forms.ChoiceField(
        label=_("职业资格/职业技能等级"), choices=SKILL_LEVELS, required=False
    )
    certificate_number = forms.CharField(label=_("证书编号"), max_length=40, required=False)
    certificate_date = forms.DateField(label=_("发证日期"), required=False, widget=DateInput)


DETAIL_FORMS = {
    Case.Category.EDUCATION: EducationForm,
    Case.Category.TITLE: TitleForm,
    Case.Category.SKILL: SkillForm,
}


class UnitForm(forms.Form):
    section = "unit"
    unit = UnitChoiceField(label=_("引进单位（现工作单位）"))


class UploadForm(forms.Form):
    type_code = forms.ChoiceField(label=_("材料类型"))
    file = forms.FileField(
        label=_("文件（JPEG、PNG 或 PDF）"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, type_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = list(type_choices)


class ActionForm(forms.Form):
    action = forms.CharField(max_length=30)
    reason = forms.CharField(label=_("意见/原因"), required=False, widget=forms.Textarea)
    expected_version = forms.IntegerField(min_value=1)


class LookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )


class StartForPersonForm(LookupForm):
    category = forms.ChoiceField(
        label=_("申报类别"), choices=Case.Category.choices, widget=forms.RadioSelect
    )
