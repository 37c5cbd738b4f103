"""Help-centre articles (the seed FAQ, editable in the admin)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DIRECTORY_MARKER = "[[directory]]"


def _english() -> bool:
    return (get_language() or "").startswith("en")


class Article(models.Model):
    class Section(models.IntegerChoices):
        PERSONAL = 1, _("一、个人账号申办常见问题")
        UNIT = 2, _("二、法人单位申报及确认常见问题")
        WECHAT = 3, _("三、微信端申报常见问题")

    section = models.PositiveSmallIntegerField(_("栏目"), choices=Section.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    slug = models.SlugField(
        _("网址标识"), max_length=60, unique=True, help_text=_("文章网址的一部分，发布后请勿修改。")
    )
    question = models.CharField(_("问题"), max_length=300)
    answer = models.TextField(
        _("回答"),
        help_text=_(
            "纯文本，每行一段；网址和邮箱自动成为链接；单独一行 [[directory]] 插入办事机构表。"
        ),
    )
    rencai_note = models.TextField(_("在Rencai中"), blank=True)
    # English forms (issue #11), shown when English is active; blank: the Chinese text.
    question_en = models.CharField(_("问题（英文）"), max_length=600, blank=True)
    answer_en = models.TextField(
        _("回答（英文）"), blank=True, help_text=_("格式同“回答”；留空时英文页面显示中文回答。")
    )
    rencai_note_en = models.TextField(
        _("在Rencai中（英文）"), blank=True, help_text=_("留空时英文页面显示中文说明。")
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    published = models.BooleanField(_("发布"), default=True)
    customised = models.BooleanField(
        _("已在后台修改"), default=False, help_text=_("勾选后，重新加载参考数据时不会覆盖本文。")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section", "sort", "number"]
        verbose_name = _("帮助文章")
        verbose_name_plural = _("帮助文章")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "number"], name="helpdesk_article_section_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section}.{self.number} {self.question}"

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:article", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        if _english():
            return f"{self.section}.{self.number}"
        return f"{'一二三'[self.section - 1]}.{self.number}"

    @property
    def question_display(self) -> str:
        return self.question_en if self.question_en and _english() else self.question

    @property
    def answer_display(self) -> str:
        return self.answer_en if self.answer_en and _english() else self.answer

    @property
    def rencai_note_display(self) -> str:
        return self.rencai_note_en if self.rencai_note_en and _english() else self.rencai_note

    @property
    def embeds_directory(self) -> bool:
        return DIRECTORY_MARKER in self.answer_display

    def blocks(self) -> list[tuple[str, str]]:
        """The answer as ("p", text) paragraphs and ("directory", "") placeholders."""
        out: list[tuple[str, str]] = []
        for line in self.answer_display.splitlines():
            line = line.strip()
            if not line:
                continue
            out.append(("directory", "") if line == DIRECTORY_MARKER else ("p", line))
        return out
