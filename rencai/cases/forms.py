"""Forms of the application pages. Every section saves on its own (drafts may be partial);
what is still missing is the checklist's job, not the forms'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.cases.models import Case
from rencai.catalog import selectors as catalog
from rencai.catalog.models import EducationLevel, Institution, Major, TitleSeries
from rencai.core.validators import not_future
from rencai.orgs.forms import UnitChoiceField, UnitPickerWidget

# Stored in Chinese (the record), shown in the viewer's language.
TITLE_LEVELS = [
    ("", "—"),
    ("初级", _("初级")),
    ("中级", _("中级")),
    ("副高级", _("副高级")),
    ("正高级", _("正高级")),
]
SKILL_LEVELS = [
    ("", "—"),
    ("五级/初级工", _("五级/初级工")),
    ("四级/中级工", _("四级/中级工")),
    ("三级/高级工", _("三级/高级工")),
    ("二级/技师", _("二级/技师")),
    ("一级/高级技师", _("一级/高级技师")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


#: 资格名称 suggestions for the common 职称 series, low to high (人社部 series titles).
#: Only suggestions: FAQ 一.14 — a name missing here is typed as it is on the certificate.
TITLE_NAMES = {
    "hei_teacher": ("助教", "讲师", "副教授", "教授"),
    "school_teacher": ("三级教师", "二级教师", "一级教师", "高级教师", "正高级教师"),
    "lab_technician": ("实验员", "助理实验师", "实验师", "高级实验师", "正高级实验师"),
    "natural_science_researcher": ("研究实习员", "助理研究员", "副研究员", "研究员"),
    "social_science_researcher": ("研究实习员", "助理研究员", "副研究员", "研究员"),
    "engineer": ("技术员", "助理工程师", "工程师", "高级工程师", "正高级工程师"),
    "economist": ("助理经济师", "经济师", "高级经济师", "正高级经济师"),
    "accountant": ("助理会计师", "会计师", "高级会计师", "正高级会计师"),
    "statistician": ("助理统计师", "统计师", "高级统计师", "正高级统计师"),
    "agronomist": ("助理农艺师", "农艺师", "高级农艺师", "正高级农艺师"),
    "health_professional": (
        "医师", "主治医师", "副主任医师", "主任医师",
        "护师", "主管护师", "副主任护师", "主任护师",
        "药师", "主管药师", "副主任药师", "主任药师",
    ),
    "journalist": ("助理记者", "记者", "主任记者", "高级记者"),
    "translator": ("三级翻译", "二级翻译", "一级翻译", "译审"),
    "publisher": ("助理编辑", "编辑", "副编审", "编审"),
    "librarian": ("助理馆员", "馆员", "副研究馆员", "研究馆员"),
    "archivist": ("助理馆员", "馆员", "副研究馆员", "研究馆员"),
    "lawyer": ("四级律师", "三级律师", "二级律师", "一级律师"),
    "notary": ("四级公证员", "三级公证员", "二级公证员", "一级公证员"),
}  # fmt: skip


class SuggestInput(forms.TextInput):
    """A text box with a <datalist> of suggestions: pick one or type anything."""

    template_name = "cases/widgets/suggest.html"

    def __init__(self, *, suggestions, attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = (context["widget"]["attrs"].get("id") or name) + "-suggestions"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        context["widget"]["suggestions"] = list(dict.fromkeys(self.suggestions))
        return context


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
        results, message, warning, others = [], "", "", 0
        level = catalog.major_level_for(getattr(self, "_education_level", None))
        all_levels = data.get(f"{name}_all_levels") == "1"
        if query:
            if self.kind == "institution":
                results = catalog.institution_search(q=query)
            elif level and not all_levels:
                # The education's own level only; the others on request, with a warning.
                results = catalog.major_search(q=query, level=level)
                others = len(catalog.major_search(q=query)) - len(results)
            else:
                results = catalog.major_search(q=query)
                if level:
                    results.sort(key=lambda major: major.level != level)  # own level first
                    if any(major.level != level for major in results):
                        warning = _(
                            "以下也列出了其他层次的专业（标有“层次不符”）。请按毕业证书选择："
                            "最高学历为%(education)s的，通常应选%(expected)s专业。"
                        ) % {
                            "education": EducationLevel(self._education_level).label,
                            "expected": Major.Level(level).label,
                        }
            if len(query) < catalog.SEARCH_MIN_CHARS:
                message = _("请至少输入%(n)d个字") % {"n": catalog.SEARCH_MIN_CHARS}
            elif not results:
                message = _("没有找到匹配的结果")
        context["widget"].update(
            {"chosen": chosen, "query": query, "results": results, "message": message,
             "warning": warning, "others": others, "level": level,
             "level_label": Major.Level(level).label if level else ""}
        )  # fmt: skip
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
        source = form.data if form.is_bound else form.initial
        self.widget._education_level = source.get("education_level") or ""
        return super().get_bound_field(form, field_name)


def is_search_submit(data) -> bool:
    """The form was sent by a picker's own search button: re-render, do not save."""
    return any(key.endswith(("_search", "_all_levels")) for key in data)


class DraftUnitPickerWidget(UnitPickerWidget):
    """The unit picker plus the applicant's own pending 新增单位 requests (issue #11)."""

    applicant = None

    def get_context(self, name, value, attrs):
        from rencai.cases.services_draft_unit import PENDING_PREFIX, pending_unit_requests
        from rencai.changes.models import ChangeRequest

        chosen = ""
        if isinstance(value, ChangeRequest):
            chosen, value = value.number, None
        elif isinstance(value, str) and value.startswith(PENDING_PREFIX):
            chosen, value = value[len(PENDING_PREFIX) :], None
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "pending": list(pending_unit_requests(self.applicant)[:5]),
                "pending_chosen": chosen,
                "pending_prefix": PENDING_PREFIX,
            }
        )
        return context


class DraftUnitChoiceField(UnitChoiceField):
    """A registered unit, or "pending:<number>": the applicant's pending 新增单位 request,
    which cleans to that ChangeRequest (the services check it again under lock)."""

    widget = DraftUnitPickerWidget
    applicant = None

    def prepare_value(self, value):
        from rencai.cases.services_draft_unit import PENDING_PREFIX
        from rencai.changes.models import ChangeRequest

        if isinstance(value, ChangeRequest):
            return PENDING_PREFIX + value.number
        return super().prepare_value(value)

    def to_python(self, value):
        from rencai.cases.services_draft_unit import PENDING_PREFIX, pending_unit_request_for
        from rencai.changes.models import ChangeRequest
        from rencai.core.errors import DomainError

        if isinstance(value, ChangeRequest):
            return value
        if isinstance(value, str) and value.startswith(PENDING_PREFIX):
            try:
                return pending_unit_request_for(self.applicant, value[len(PENDING_PREFIX) :])
            except DomainError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return super().to_python(value)


class _DraftUnitForm(forms.Form):
    def __init__(self, *args, applicant=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.applicant = field.widget.applicant = applicant


class StartForm(_DraftUnitForm):
    category = forms.ChoiceField(
        label=_("申报类别"), choices=Case.Category.choices, widget=forms.RadioSelect
    )
    unit = DraftUnitChoiceField(label=_("引进单位（现工作单位）"))


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
    graduation_date = forms.DateField(
        label=_("毕业时间"), required=False, widget=DateInput, validators=[not_future]
    )
    diploma_number = forms.CharField(label=_("毕业证书编号"), max_length=40, required=False)
    degree_number = forms.CharField(
        label=_("学位证书编号（本科及以上）"), max_length=40, required=False
    )
    #: Not a case field: the applicant's confirmation of a major of another level.
    major_level_confirmed = forms.BooleanField(
        label=_("我确认：毕业证书上的专业属于所选层次（与最高学历不同）"), required=False
    )
    NOT_SAVED = ("major_level_confirmed",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The confirmation is offered only beside a major of another level.
        major_pk = str(self.data.get("major") or "") if self.is_bound else ""
        major = (
            Major.objects.filter(pk=int(major_pk), is_active=True).first()
            if major_pk.isdigit()
            else None
        )
        level = self.data.get("education_level") if self.is_bound else None
        if not catalog.major_level_mismatch(education_level=level, major=major):
            del self.fields["major_level_confirmed"]

    def clean(self):
        data = super().clean()
        warning = catalog.major_level_mismatch(
            education_level=data.get("education_level"), major=data.get("major")
        )
        if warning and not data.get("major_level_confirmed"):
            self.add_error("major", warning)
        return data


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
        widget=SuggestInput(suggestions=[n for names in TITLE_NAMES.values() for n in names]),
        help_text=_("可从建议中选择；系统没有相应的资格名称时请按职称证书直接输入（FAQ 一.14）。"),
    )
    qualification_level = forms.ChoiceField(
        label=_("资格级别"), choices=TITLE_LEVELS, required=False
    )
    certificate_number = forms.CharField(label=_("证书编号"), max_length=40, required=False)
    certificate_date = forms.DateField(
        label=_("发证日期"), required=False, widget=DateInput, validators=[not_future]
    )


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
    certificate_date = forms.DateField(
        label=_("发证日期"), required=False, widget=DateInput, validators=[not_future]
    )


DETAIL_FORMS = {
    Case.Category.EDUCATION: EducationForm,
    Case.Category.TITLE: TitleForm,
    Case.Category.SKILL: SkillForm,
}


class UnitForm(_DraftUnitForm):
    section = "unit"
    unit = DraftUnitChoiceField(label=_("引进单位（现工作单位）"))


class MultipleFileInput(forms.ClearableFileInput):
    """<input type=file multiple>: several files in one POST, with or without JS."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files, each checked as FileField checks one (empty, size limit, name).

    Cleans to [(file, error or None)]: one bad file must not cost the others (the view
    stores the good ones and names each refusal). A single file fails as before."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            return super().clean(None, initial)  # the required message
        out = []
        for one in files:
            try:
                out.append((super().clean(one, initial), None))
            except forms.ValidationError as exc:
                if len(files) == 1:
                    raise
                out.append((one, " ".join(exc.messages)))
        return out


class UploadForm(forms.Form):
    type_code = forms.ChoiceField(label=_("材料类型"))
    file = MultipleFileField(
        label=_("文件（JPEG、PNG 或 PDF，可一次选择多个）"),
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,application/pdf", "multiple": True}
        ),
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
