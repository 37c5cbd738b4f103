"""Reference catalogues: title series, attachment types, education levels, institutions, majors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class EnglishNameMixin:
    """`display_name`: the English name when English is active and one is set."""

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class TitleSeries(EnglishNameMixin, models.Model):
    """One of the 28 professional-title series (职称系列) of FAQ 一.14."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("系列名称"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("职称系列")
        verbose_name_plural = _("职称系列")

    def __str__(self) -> str:
        return self.display_name


class AttachmentType(EnglishNameMixin, models.Model):
    """Typed attachments of an application. Other apps reference these by `code`."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("材料名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    description = models.TextField(_("说明"), blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("附件类型")
        verbose_name_plural = _("附件类型")

    def __str__(self) -> str:
        return self.display_name


class EducationLevel(models.TextChoices):
    """Highest education (最高学历). From 大专 up the school must come from the catalogue (FAQ 一.8)."""

    JUNIOR_OR_BELOW = "junior", _("初中及以下")
    SENIOR_SECONDARY = "senior", _("高中/中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")


#: Levels whose school (and major) must be chosen from the catalogue; below 大专 it is free text.
CATALOGUE_SCHOOL_LEVELS = frozenset(
    {EducationLevel.COLLEGE, EducationLevel.BACHELOR, EducationLevel.MASTER, EducationLevel.DOCTOR}
)


def education_needs_catalogue_school(level: str) -> bool:
    return level in CATALOGUE_SCHOOL_LEVELS


class Institution(models.Model):
    """A regular higher-education institution (全国普通高等学校名单)."""

    class Level(models.TextChoices):
        UNDERGRADUATE = "本科", _("本科")
        JUNIOR_COLLEGE = "专科", _("专科")

    moe_code = models.CharField(_("学校标识码"), max_length=10, unique=True)
    name = models.CharField(_("学校名称"), max_length=100, db_index=True)
    former_names = models.TextField(
        _("曾用名"), blank=True, help_text=_("每行一个；按曾用名也能搜到该校。")
    )
    competent_authority = models.CharField(_("主管部门"), max_length=60, blank=True)
    location = models.CharField(_("所在地"), max_length=40, blank=True)
    level = models.CharField(_("办学层次"), max_length=4, choices=Level.choices)
    remarks = models.CharField(_("备注"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=80, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["moe_code"]
        verbose_name = _("高等学校")
        verbose_name_plural = _("高等学校")

    def __str__(self) -> str:
        return self.name


class Major(models.Model):
    """A major of the MOE undergraduate or vocational (高职专科) catalogue."""

    class Level(models.TextChoices):
        UNDERGRADUATE = "undergraduate", _("本科")
        VOCATIONAL = "vocational", _("高职专科")

    code = models.CharField(_("专业代码"), max_length=10, unique=True)  # 080901, 080904K, 510201
    name = models.CharField(_("专业名称"), max_length=60, db_index=True)
    discipline_code = models.CharField(_("门类代码"), max_length=2)
    discipline = models.CharField(_("学科门类/专业大类"), max_length=30)
    category_code = models.CharField(_("专业类代码"), max_length=4)
    category = models.CharField(_("专业类"), max_length=30)
    level = models.CharField(_("层次"), max_length=16, choices=Level.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    source = models.CharField(_("来源"), max_length=80, blank=True)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("专业")
        verbose_name_plural = _("专业")
        indexes = [models.Index(fields=["level", "category_code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
