"""The working-day calendar's own data: admin overrides, official years and a revision token.

Every write to `WorkdayOverride` or `OfficialYear` (instance save/delete and queryset
update/delete/bulk writes) replaces `CalendarRevision.token` with a fresh random value
in the same transaction. `rencai.workdays.calendar` caches its per-year day sets keyed by
that token, so a change is seen by every process at once, and a rolled-back change
(tests included) leaves behind a token whose cached calendar still matches the database.
Nobody ever has to clear a cache by hand.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connections, models, router
from django.utils.translation import gettext_lazy as _

from rencai.core import clock

WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")


class CalendarRevision(models.Model):
    """One row (pk=1): a random token that changes with every calendar write."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("日历版本")
        verbose_name_plural = _("日历版本")

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current_token(cls) -> str:
        """The token in force, read on every calendar call: a bare cursor, ~20x cheaper than
        the ORM (`cls.objects.filter(pk=1).values_list("token", flat=True).first()`)."""
        connection = connections[router.db_for_read(cls)]
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {table} WHERE id = 1")  # noqa: S608 (no input)
            row = cursor.fetchone()
        return row[0] if row else ""

    @classmethod
    def bump(cls) -> str:
        token = uuid.uuid4().hex
        values = {"token": token, "changed_at": clock.now()}
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.update_or_create(pk=1, defaults=values)
        from rencai.core import refcache

        refcache.bump()  # the token is reference data read from the shared cache
        return token


class _BumpingQuerySet(models.QuerySet):
    """Bulk writes change the calendar too: bump the revision after each."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        CalendarRevision.bump()
        return rows

    def delete(self):
        result = super().delete()
        CalendarRevision.bump()
        return result

    def bulk_create(self, objs, *args, **kwargs):
        result = super().bulk_create(objs, *args, **kwargs)
        CalendarRevision.bump()
        return result

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        CalendarRevision.bump()
        return rows


class _BumpingModel(models.Model):
    objects = _BumpingQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        CalendarRevision.bump()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        CalendarRevision.bump()
        return result


class WorkdayOverride(_BumpingModel):
    """One date whose status an administrator fixed by hand; wins over the package."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("是工作日"), help_text=_("勾选：当天上班（如调休补班）；不勾选：当天放假。")
    )
    note = models.CharField(
        _("说明"), max_length=200, blank=True, help_text=_("如：2027年春节调休补班。")
    )
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date.isoformat()}（周{WEEKDAYS_ZH[self.date.weekday()]}）{kind}"


class OfficialYear(_BumpingModel):
    """A year whose State Council holiday schedule (国务院节假日安排) is loaded.

    Years the `chinesecalendar` package knows are official without a row here; the
    `workdays.services.official_years_sync` loader records them for the admin's view.
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar 软件包")
        IMPORT = "import", _("命令导入（load-holidays）")
        ADMIN = "admin", _("管理员确认")

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    loaded_at = models.DateTimeField(_("加载时间"), null=True, blank=True, editable=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("已加载的官方年份")
        verbose_name_plural = _("已加载的官方年份")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1900) & models.Q(year__lte=2200),
                name="workdays_officialyear_year_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}（{self.get_source_display()}）"
