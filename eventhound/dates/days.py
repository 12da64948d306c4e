"""Small date helpers: years as written, the next such day, the n-th weekday of a month."""

from __future__ import annotations

from datetime import date, timedelta

from eventhound.dates.values import GRACE, WEEKDAY_NAMES


def _full_year(text: str, today: date) -> int:
    """A year as written: four digits as is; two digits within 50 years of today."""
    year = int(text)
    if len(text) >= 3:
        return year
    century = today.year - today.year % 100
    year += century
    if year > today.year + 50:
        year -= 100
    elif year <= today.year - 50:
        year += 100
    return year


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except (ValueError, OverflowError):
        return False
    return True


def _next_md(m: int, d: int, floor: date) -> date | None:
    """The first date with this month and day on or after floor."""
    for y in range(floor.year, floor.year + 9):
        try:
            candidate = date(y, m, d)
        except ValueError:
            continue
        if candidate >= floor:
            return candidate
    return None


def _next_d(d: int, floor: date) -> date | None:
    """The first date with this day of the month on or after floor."""
    y, m = floor.year, floor.month
    for _ in range(14):
        try:
            candidate = date(y, m, d)
            if candidate >= floor:
                return candidate
        except ValueError:
            pass
        m += 1
        if m > 12:
            m, y = 1, y + 1
    return None


def _nth_weekday(y: int, m: int, n: int, wd: int) -> date | None:
    """The n-th (1..5, or -1 for the last, -2, ...) weekday wd of a month."""
    if n > 0:
        first = date(y, m, 1)
        day = 1 + (wd - first.weekday()) % 7 + 7 * (n - 1)
    else:
        last = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        day = last.day - (last.weekday() - wd) % 7 + 7 * (n + 1)
    return date(y, m, day) if 1 <= day and _valid(y, m, day) else None


def _weekday_warning(wd: int, day: date) -> str:
    return f"{WEEKDAY_NAMES[wd]} does not match {day.isoformat()}, a {WEEKDAY_NAMES[day.weekday()]}: the date is kept"


def _yearless(m: int, d: int, wd: int | None, today: date) -> tuple[date | None, str | None]:
    """A date without a year: the next occurrence on or after today - GRACE; a weekday
    picks the year (the next one with that weekday, or the previous one if recent)."""
    base = _next_md(m, d, today - GRACE)
    if base is None:
        return None, None
    if wd is None or base.weekday() == wd:
        return base, None
    for y in (base.year + 1, base.year - 1):
        if _valid(y, m, d):
            candidate = date(y, m, d)
            if candidate.weekday() == wd and (y > base.year or candidate >= today - timedelta(days=183)):
                return candidate, None
    return base, _weekday_warning(wd, base)
