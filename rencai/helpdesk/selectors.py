"""Reads for the help centre: articles, search, and the office directory with today's state."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core import clock
from rencai.core.errors import NotFound
from rencai.helpdesk.models import Article
from rencai.orgs.models import Office

SEARCH_MIN_CHARS = 2
SEARCH_MAX_CHARS = 50
DIRECTORY_KINDS = [Office.Kind.DISTRICT_WINDOW, Office.Kind.CITY_BUREAU, Office.Kind.DATA_CENTRE]
GUANGZHOU_AREA_CODE = "020"
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-+\s*(\d{1,2}):(\d{2})")


def article_list() -> QuerySet[Article]:
    return Article.objects.filter(published=True)


def article_get(*, slug: str) -> Article:
    article = article_list().filter(slug=slug).first()
    if article is None:
        raise NotFound(gettext_lazy("帮助文章不存在 Article not found"))
    return article


def article_search(*, q: str) -> QuerySet[Article]:
    """Published articles whose question, answer or note contains `q` (a substring of the
    Chinese or of the English text)."""
    q = (q or "").strip()[:SEARCH_MAX_CHARS]
    if len(q) < SEARCH_MIN_CHARS:
        return Article.objects.none()
    return article_list().filter(
        Q(question__icontains=q)
        | Q(answer__icontains=q)
        | Q(rencai_note__icontains=q)
        | Q(question_en__icontains=q)
        | Q(answer_en__icontains=q)
        | Q(rencai_note_en__icontains=q)
    )


# --- office directory ---------------------------------------------------------


@dataclass
class Phone:
    display: str
    tel: str


@dataclass
class DirectoryRow:
    office: Office
    phones: list[Phone] = field(default_factory=list)
    today: str = ""  # 今日办公 / 今日休息（法定节假日）
    state: str = ""  # 办公中 / 已下班 / ...
    state_class: str = ""  # badge-ok / badge-warn / badge-err

    @property
    def open_now(self) -> bool:
        return self.state_class == "badge-ok"


def phone_links(numbers: list[str]) -> list[Phone]:
    """Guangzhou landlines are 8 digits: dial 020 first. Service numbers (12333) stay as they are."""
    out = []
    for raw in numbers:
        digits = re.sub(r"\D", "", raw or "")
        if not digits:
            continue
        if len(digits) == 8:
            out.append(
                Phone(f"{GUANGZHOU_AREA_CODE}-{digits}", f"tel:{GUANGZHOU_AREA_CODE}{digits}")
            )
        else:
            out.append(Phone(digits, f"tel:{digits}"))
    return out


def _span(text: str) -> tuple[time, time] | None:
    m = _HOURS.search(text or "")
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    return time(h1, m1), time(h2, m2)


def _hm(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def office_state(office: Office, at: datetime) -> tuple[str, str, str]:
    """(today, state, css class) for an office at a moment, on the statutory calendar."""
    from rencai.workdays.calendar import is_workday

    local = at.astimezone(clock.SHANGHAI)
    day, now = local.date(), local.time()
    if not is_workday(day):
        reason = _("周末") if day.weekday() >= 5 else _("法定节假日")
        label = _("今日休息（%(reason)s）") % {"reason": reason}
        return label, label, "badge-err"
    today = _("今日办公")
    spans = [s for s in (_span(office.hours_morning), _span(office.hours_afternoon)) if s]
    if not spans:
        return today, _("今日办公，请来电或邮件咨询"), "badge"
    for start, end in spans:
        if start <= now < end:
            return today, _("办公中"), "badge-ok"
    if now < spans[0][0]:
        return today, _("未到办公时间（%(t)s开始）") % {"t": _hm(spans[0][0])}, "badge-warn"
    if now >= spans[-1][1]:
        return today, _("已下班"), "badge-err"
    resume = next(s for s, _e in spans if s > now)
    return today, _("午间休息（%(t)s恢复）") % {"t": _hm(resume)}, "badge-warn"


def office_directory(*, at: datetime | None = None) -> list[DirectoryRow]:
    """District windows in the seed's order, then the city bureau and the data service centre."""
    at = at or clock.now()
    offices = Office.objects.filter(is_active=True, kind__in=DIRECTORY_KINDS).select_related(
        "district"
    )
    from rencai.workdays.calendar import pinned

    rows = []
    with pinned():  # one calendar read for the page, not one per office
        for office in sorted(offices, key=lambda o: (DIRECTORY_KINDS.index(o.kind), o.sort_order)):
            today, state, css = office_state(office, at)
            rows.append(DirectoryRow(office, phone_links(office.phones), today, state, css))
    return rows


#: The status page's "what next" panel after the card (issue #11): this article, edited in
#: the admin (migration 0002 creates it; a database flushed by tests may lack it).
AFTER_CARD_SLUG = "after-card"


def after_card_article() -> Article | None:
    return article_list().filter(slug=AFTER_CARD_SLUG).first()
