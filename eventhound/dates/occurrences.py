"""The next occurrence of a parsed rule: a direct computation for the simple shapes, else dateutil."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from eventhound.dates.days import _nth_weekday
from eventhound.dates.zones import _local

_FREQS = {"YEARLY": 0, "MONTHLY": 1, "WEEKLY": 2, "DAILY": 3}
# How many years ahead the next occurrence is looked for.
_SEARCH_YEARS = {"YEARLY": 12, "MONTHLY": 4, "WEEKLY": 2, "DAILY": 2}


def _rrule(rule: dict, dtstart: datetime):
    """The dateutil rrule that finds a parsed rule's next occurrence (built directly: no
    text round trip). INTERVAL is left at 1: the text does not say which week (month,
    year) an "every other" rule is in, so the nearest day that fits is the next one; COUNT
    too (the next occurrence from today is the first either way)."""
    from dateutil.rrule import rrule, weekday

    return rrule(
        _FREQS[rule["FREQ"]],
        dtstart=dtstart,
        interval=1,
        cache=False,
        bymonth=rule["BYMONTH"] or None,
        byweekno=rule["BYWEEKNO"] or None,
        byyearday=rule["BYYEARDAY"] or None,
        bymonthday=rule["BYMONTHDAY"] or None,
        byweekday=[weekday(d, o) for o, d in rule["BYDAY"]] or None,
        byhour=rule["BYHOUR"] or None,
        byminute=rule["BYMINUTE"] or None,
        bysetpos=rule["BYSETPOS"] or None,
    )


def _after(rule: dict, dtstart: datetime, after: datetime) -> datetime | None:
    """The first occurrence on or after `after` (naive wall times), in a bounded search.

    dateutil looks for a match until the year 9999 (UNTIL only stops a rule that matches),
    so the search runs 400*k years later, just before 9999: the Gregorian calendar (its
    weekdays, leap years, ISO weeks) repeats every 400 years, and a rule that never
    matches stops after _SEARCH_YEARS.
    """
    shift = max(0, (9999 - _SEARCH_YEARS[rule["FREQ"]] - dtstart.year) // 400 * 400)
    found = _rrule(rule, dtstart.replace(year=dtstart.year + shift)).after(
        after.replace(year=after.year + shift), inc=True
    )
    return found.replace(year=found.year - shift) if found is not None else None


def _month_days(rule: dict, y: int, m: int) -> list[date]:
    """The days of a month a rule's BYDAY ordinals and BYMONTHDAY name, in order."""
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    days = set()
    for o, wd in rule["BYDAY"]:
        day = _nth_weekday(y, m, o, wd)
        if day is not None:
            days.add(day)
    for md in rule["BYMONTHDAY"]:
        d = md if md > 0 else last + md + 1
        if 1 <= d <= last:
            days.add(date(y, m, d))
    return sorted(days)


def _simple(rule: dict) -> bool:
    """A rule the fast path computes: weekly/daily on weekdays; monthly/yearly on ordinal
    weekdays or days of the month (not both); nothing else but hours and minutes."""
    if rule["BYSETPOS"] or rule["BYWEEKNO"] or rule["BYYEARDAY"]:
        return False
    freq, byday = rule["FREQ"], rule["BYDAY"]
    if freq in ("WEEKLY", "DAILY") or (freq == "MONTHLY" and byday and all(o is None for o, _ in byday)):
        # "monthly on tue and fri" is every Tuesday and Friday
        return (
            not rule["BYMONTH"]
            and not rule["BYMONTHDAY"]
            and all(o is None for o, _ in byday)
            and (bool(byday) or freq == "DAILY")
        )
    if bool(byday) == bool(rule["BYMONTHDAY"]) or any(o is None for o, _ in byday):
        return False
    return bool(rule["BYMONTH"]) if freq == "YEARLY" else not rule["BYMONTH"]


def _fast_after(rule: dict, today: date, times: list[int] | None, after: datetime | None):
    """The first occurrence of a simple rule from `today` (on or after `after`, naive wall
    time, when `times` of day are given): what dateutil's rrule(...).after(inc=True) gives
    for it, without building one (a test compares the two)."""

    def days():
        freq = rule["FREQ"]
        if freq in ("WEEKLY", "DAILY") or all(o is None for o, _ in rule["BYDAY"]) and not rule["BYMONTHDAY"]:
            weekdays = {wd for _, wd in rule["BYDAY"]}
            for k in range(8):
                day = today + timedelta(days=k)
                if not weekdays or day.weekday() in weekdays:
                    yield day
            return
        if freq == "MONTHLY":
            y, m = today.year, today.month
            for _ in range(12 * _SEARCH_YEARS["MONTHLY"]):
                yield from (d for d in _month_days(rule, y, m) if d >= today)
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            return
        for y in range(today.year, today.year + 60):  # a 5th Monday in February: every 28 years or so
            for m in sorted(set(rule["BYMONTH"])):
                yield from (d for d in _month_days(rule, y, m) if d >= today)

    for day in days():
        if times is None:
            return day
        for minutes in times:
            found = datetime.combine(day, time(minutes // 60, minutes % 60))
            if found >= after:
                return found
    return None


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # in a leap year


def _feasible(rule: dict) -> bool:
    """Whether a rule can occur at all (checked before searching, for a clear error): not
    the 30th of February, the 6th Friday of a month, week 12 in December, BYSETPOS=7 of
    a set of five."""
    months = rule["BYMONTH"] or range(1, 13)
    if rule["BYMONTHDAY"] and not any(abs(d) <= _MONTH_DAYS[m - 1] for m in months for d in rule["BYMONTHDAY"]):
        return False
    ordinals = [o for o, _ in rule["BYDAY"] if o is not None]
    limit = 5 if rule["FREQ"] == "MONTHLY" or rule["BYMONTH"] else 53
    if any(o == 0 or abs(o) > limit for o in ordinals):
        return False
    if any(not 1 <= abs(d) <= 366 for d in rule["BYYEARDAY"]):
        return False
    if rule["BYWEEKNO"]:
        if any(not 1 <= abs(w) <= 53 for w in rule["BYWEEKNO"]):
            return False
        if rule["BYMONTH"]:
            weeks = [w for w in rule["BYWEEKNO"] if 1 <= w <= 52]
            if not weeks or not any(
                date.fromisocalendar(2027, w, d).month in rule["BYMONTH"] for w in weeks for d in range(1, 8)
            ):
                return False
    if rule["BYSETPOS"]:
        freq, byday = rule["FREQ"], rule["BYDAY"]
        plain = sum(1 for o, _ in byday if o is None)
        if rule["BYMONTHDAY"] or rule["BYYEARDAY"]:
            size = len(rule["BYMONTHDAY"] or rule["BYYEARDAY"]) * (len(months) if freq == "YEARLY" else 1)
        elif byday:
            per_plain = {"DAILY": 1, "WEEKLY": 1, "MONTHLY": 5}.get(freq, 5 * len(months) if rule["BYMONTH"] else 53)
            size = plain * per_plain + len(byday) - plain
        else:
            size = 1
        size *= max(1, len(rule["BYHOUR"])) * max(1, len(rule["BYMINUTE"]))
        if any(p == 0 or abs(p) > size for p in rule["BYSETPOS"]):
            return False
    return True


def _next_occurrence(rule: dict, ranges, zz: tzinfo, now: datetime):
    """(start, end, warning) of the next occurrence of a rule on or after now (a date when
    no time of day is given), DST-correct in zone zz: the rule runs on local wall times."""
    local_now = now.astimezone(zz).replace(tzinfo=None)
    today = local_now.date()
    simple = _simple(rule)
    if not ranges:
        if simple:
            return _fast_after(rule, today, None, None), None, None
        dtstart = datetime.combine(today, time(0))
        found = _after(rule, dtstart, dtstart)
        return (found.date() if found else None), None, None
    first = min(ranges, key=lambda r: r[0])
    dtstart = datetime.combine(today, time(first[0] // 60 % 24, first[0] % 60, first[2]))
    if simple and not first[2]:
        times = (
            sorted(h * 60 + m for h in rule["BYHOUR"] for m in rule["BYMINUTE"])
            if rule["BYHOUR"]
            else [first[0] % 1440]
        )
        found = _fast_after(rule, today, times, local_now)
    else:
        found = _after(rule, dtstart, local_now)
    if found is None:
        return None, None, None
    start, warning = _local(found, zz)
    end = None
    minutes = found.hour * 60 + found.minute
    for sm, em, _ in ranges:
        if sm % 1440 == minutes and em is not None:
            end, _ = _local(found + timedelta(minutes=(em - sm) % 1440), zz)
            break
    return start, end, warning
