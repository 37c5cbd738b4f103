"""Offices (the seed's directory, supervisory departments) and the employer registry."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("区名"), max_length=20, unique=True)  # 越秀区
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """An office that acts on cases or requests."""

    class Kind(models.TextChoices):
        DISTRICT_WINDOW = "district", _("区人社局（人才服务窗口）")
        CITY_BUREAU = "city", _("市人社局")
        SUPERVISORY = "supervisory", _("市直主管部门")
        DATA_CENTRE = "data_centre", _("数据服务中心")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("机构名称"), max_length=100)  # 广州市越秀区人力资源和社会保障局
    short_name = models.CharField(_("简称"), max_length=40, blank=True)  # 越秀区人社局
    service_point = models.CharField(_("受理点"), max_length=100, blank=True)
    service_point_en = models.CharField(_("受理点（英文）"), max_length=150, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("行政区"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    address_en = models.CharField(_("地址（英文）"), max_length=300, blank=True)
    phones = models.JSONField(_("咨询电话"), default=list, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    hours_morning = models.CharField(_("上午办公时间"), max_length=20, blank=True)
    hours_afternoon = models.CharField(_("下午办公时间"), max_length=20, blank=True)
    open_days = models.CharField(_("办公日"), max_length=20, default="周一至周五")
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    customised = models.BooleanField(
        _("已在后台修改"),
        default=False,
        help_text=_("在后台修改后自动勾选；重新加载参考数据时不会覆盖本机构的信息。"),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="district") | models.Q(district__isnull=False),
                name="district_office_has_district",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hours_text(self) -> str:
        parts = [p for p in (self.hours_morning_display, self.hours_afternoon_display) if p]
        return f"{self.open_days_display} " + pgettext("list separator", "，").join(parts)

    # English forms of the reference data (issue #11): the English field when English is
    # active and one is set, else the Chinese text the bureau entered.
    @property
    def address_display(self) -> str:
        return _english(self.address_en) or self.address

    @property
    def service_point_display(self) -> str:
        return _english(self.service_point_en) or self.service_point

    @property
    def open_days_display(self) -> str:
        days = OPEN_DAYS.get(self.open_days)
        return str(days) if days is not None else self.open_days

    @property
    def hours_morning_display(self) -> str:
        return _hours(self.hours_morning)

    @property
    def hours_afternoon_display(self) -> str:
        return _hours(self.hours_afternoon)


#: The office days the bureau uses, as msgids (an admin's other wording shows as typed).
OPEN_DAYS = {"周一至周五": _("周一至周五"), "周一至周六": _("周一至周六"), "每天": _("每天")}
_SPAN = re.compile(r"^(上午|下午)?\s*(\d{1,2}:\d{2})\s*[-–—~～至]+\s*(\d{1,2}:\d{2})$")


def _english(value: str) -> str:
    return value if value and (get_language() or "").startswith("en") else ""


def _hours(text: str) -> str:
    """「上午9:00-12:00」 in the active language ("9:00–12:00 (morning)" in English)."""
    m = _SPAN.match((text or "").strip())
    if not m or not (get_language() or "").startswith("en"):
        return text
    part, start, end = m.groups()
    span = f"{start}–{end}"
    if part == "上午":
        return gettext("上午%(span)s") % {"span": span}
    if part == "下午":
        return gettext("下午%(span)s") % {"span": span}
    return span


class Unit(models.Model):
    """An employer (引进单位). Applications reference it; names are never typed freely."""

    class Nature(models.TextChoices):
        ORGAN = "organ", _("机关")
        INSTITUTION = "institution", _("事业单位")
        CITY_SOE = "city_soe", _("市属国有企业")
        DISTRICT_SOE = "district_soe", _("区属国有企业")
        PRIVATE = "private", _("民营企业")
        FOREIGN = "foreign", _("外资企业")
        SOCIAL = "social", _("社会组织")
        OTHER = "other", _("其他")

    class Level(models.TextChoices):
        CITY = "city", _("市属")
        DISTRICT = "district", _("区属")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        CANCELLED = "cancelled", _("注销")

    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    code = models.CharField(
        _("统一社会信用代码/组织机构代码"), max_length=18, unique=True
    )  # normalized: upper-case, no separators
    nature = models.CharField(_("单位性质"), max_length=20, choices=Nature.choices)
    level = models.CharField(_("隶属层级"), max_length=10, choices=Level.choices)
    district = models.ForeignKey(District, verbose_name=_("所在区"), on_delete=models.PROTECT)
    supervisory_office = models.ForeignKey(
        Office,
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_units",
        limit_choices_to={"kind": "supervisory"},
    )
    phone = models.CharField(_("单位电话"), max_length=40, blank=True)
    address = models.CharField(_("单位地址"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="active")
    # Search keys, computed at write time (rencai.orgs.services.unit_search_keys):
    name_pinyin_initials = models.CharField(max_length=200, blank=True, db_index=True)
    # Bigrams of the name and former names (see rencai.orgs.names); indexed by the
    # SQLite FTS5 table orgs_unit_fts / the PostgreSQL pg_trgm GIN index (migration 0003).
    search_grams = models.TextField(blank=True, default="", editable=False)
    # Normalized name and former names, space-separated; PostgreSQL's pg_trgm index for
    # queries of 3+ characters (trigrams of consecutive characters are selective).
    search_text = models.TextField(blank=True, default="", editable=False)
    # The 9-character organisation code: the code itself, or characters 9–17 of a USCC,
    # so a search by a legacy code finds a unit that moved to an 18-character code.
    org_code = models.CharField(max_length=9, blank=True, default="", db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The search keys are a cache of name, code and former names; keeping them in
        # save() means every writer (services, demo data, factories, admin) stays
        # searchable. Bulk imports compute them in rencai.orgs.importer instead.
        from rencai.orgs.names import name_grams, names_text, pinyin_initials
        from rencai.orgs.validators import org_code_of

        former = (
            list(UnitNameHistory.objects.filter(unit_id=self.pk).values_list("name", flat=True))
            if self.pk
            else []
        )
        self.name_pinyin_initials = pinyin_initials(self.name)
        self.search_grams = name_grams([self.name, *former])
        self.search_text = names_text([self.name, *former])
        self.org_code = org_code_of(self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "code"} & set(update_fields):
            kwargs["update_fields"] = {
                *update_fields,
                "name_pinyin_initials",
                "search_grams",
                "search_text",
                "org_code",
            }
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class UnitNameHistory(models.Model):
    """Former names: a renamed unit keeps one identity and is found by both names."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(max_length=200, db_index=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")

    def __str__(self) -> str:
        return self.name


class UnitImportCheckpoint(models.Model):
    """Progress of `rencai import-units` per input file, so an interrupted import resumes."""

    file_key = models.CharField(max_length=200, unique=True)  # name + size + hash of the head
    path = models.CharField(max_length=500)
    lines_done = models.PositiveBigIntegerField(default=0)  # data lines processed (committed)
    imported = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)
    finished = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("单位导入进度")
        verbose_name_plural = _("单位导入进度")

    def __str__(self) -> str:
        return f"{self.path}: {self.lines_done}"
