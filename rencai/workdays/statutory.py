"""Where a year's days off come from, before any administrator override.

* Years covered by the `chinesecalendar` package: the State Council schedule it ships
  (holidays and swapped workdays, 调休).
* Any other year: the provisional calendar — weekends plus the core holidays fixed by
  《全国年节及纪念日放假办法》 (2024 revision, in force from 2025), 13 days:
  元旦 1月1日; 春节 除夕 to 正月初三 (4 days); 清明节 (solar-term day); 劳动节 5月1–2日;
  端午节 (五月初五); 中秋节 (八月十五); 国庆节 10月1–3日.
  Lunar dates and the 清明 solar term are computed with `lunar_python`, never typed in.

Everything here is a pure function of the installed packages, so the lru_caches below
never need clearing.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from lunar_python import Lunar

PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year


def package_covers(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=512)
def core_holidays(year: int) -> dict[date, str]:
    """The statutory core holidays of `year` under current law, computed, with their names."""
    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    new_year = _solar(Lunar.fromYmd(year, 1, 1))  # 正月初一 of the lunar year starting in `year`
    for offset in range(-1, 3):  # 除夕 .. 初三
        days[new_year + timedelta(days=offset)] = "春节"
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[date(year, 5, 1)] = "劳动节"
    days[date(year, 5, 2)] = "劳动节"
    days[_solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    # 中秋 can fall on 1–3 October (2028-10-03): then it names that day and adds none.
    days[_solar(Lunar.fromYmd(year, 8, 15))] = "中秋节"
    return days


def statutory_holidays(year: int) -> dict[date, str]:
    """Dates of `year` that are holidays by law or by the loaded State Council schedule.

    An override may never turn one of these into a workday.
    """
    if package_covers(year):
        names = {h.value: h.chinese for h in chinese_calendar.Holiday}
        return {
            d: names.get(name, name)
            for d, name in chinese_calendar.holidays.items()
            if d.year == year
        }
    return core_holidays(year)


@lru_cache(maxsize=512)
def base_days_off(year: int) -> frozenset[date]:
    """Every non-working day of `year` before overrides (weekends included)."""
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    if package_covers(year):
        return frozenset(d for d in days if not chinese_calendar.is_workday(d))
    core = core_holidays(year)
    return frozenset(d for d in days if d.weekday() >= 5 or d in core)
