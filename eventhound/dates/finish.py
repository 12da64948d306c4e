"""From the grammar's reading to a `When`: days, times, ranges, zones and offsets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from eventhound.dates.days import _next_d, _next_md, _nth_weekday, _valid, _weekday_warning, _yearless
from eventhound.dates.grammar import _has_date, _Part, _Reading
from eventhound.dates.tokens import _Time
from eventhound.dates.values import GRACE, ONLY_A_TIME, UTC, When, _join, to_iso
from eventhound.dates.zones import _apply_offset, _fmt_offset, _local, _named_zone, _zone_label


def _pair_minutes(s: _Time, e: _Time) -> tuple[int, int]:
    """Minutes of day of a start and end clock time, sharing what one says of the meridiem:
    the reading that gives the shorter event wins ("11-1pm" is 11:00-13:00)."""
    if s.amb and not e.amb:
        em = e.minutes()
        return min(s.candidates(), key=lambda c: (em - c) % 1440 or 1440), em
    sm = s.minutes()
    if e.amb:
        return sm, min(e.candidates(), key=lambda c: (c - sm) % 1440 or 1440)
    return sm, e.minutes()


def _day_of(p: _Part, today: date) -> tuple[date | None, str | None, str | None]:
    """(day, warning, error) of a part."""
    if p.rel is not None:
        return today + timedelta(days=p.rel), None, None
    if p.nth is not None and p.wd is not None:
        if p.m is None:
            return None, None, "no month for the weekday of the month"
        if p.y is not None:
            day = _nth_weekday(p.y, p.m, p.nth, p.wd)
            return day, None, (None if day else "no such weekday in that month")
        floor = today - GRACE
        for y in range(floor.year, floor.year + 3):
            day = _nth_weekday(y, p.m, p.nth, p.wd)
            if day is not None and day >= floor:
                return day, None, None
        return None, None, "no such weekday in that month"
    if p.d is not None and p.m is not None:
        if p.y is not None:
            if not _valid(p.y, p.m, p.d):
                return None, None, f"no such day {p.y:04d}-{p.m:02d}-{p.d:02d}"
            day = date(p.y, p.m, p.d)
            warning = _weekday_warning(p.wd, day) if p.wd is not None and day.weekday() != p.wd else None
            return day, warning, None
        day, warning = _yearless(p.m, p.d, p.wd, today)
        return day, warning, (None if day else f"no such day {p.m:02d}-{p.d:02d}")
    if p.d is not None:
        if p.y is not None:
            return None, None, "no month: only a day and a year"
        day = _next_d(p.d, today - GRACE)
        if day is None:
            return None, None, "no such day of the month"
        warning = _weekday_warning(p.wd, day) if p.wd is not None and day.weekday() != p.wd else None
        return day, warning, None
    if p.wd is not None:
        return today + timedelta(days=(p.wd - today.weekday()) % 7), None, None
    if p.m is not None:
        return None, None, "no day: only a month" + (" and a year" if p.y is not None else "")
    if p.y is not None:
        return None, None, "no day: only a year"
    if p.time is not None:
        return None, None, ONLY_A_TIME
    return None, None, "no date found"


def _zone_of(p: _Part, z: tzinfo, year: int) -> tzinfo:
    return _named_zone(p.zone, z, year) if p.zone is not None else z


def _gmt_offset(text: str) -> timedelta | None:
    """GMT+2, UTC-05:00, gmt +5:30 -> the offset; None when out of range."""
    body = text[3:].replace(" ", "").replace("−", "-")
    sign = -1 if body[0] == "-" else 1
    digits = body[1:]
    if ":" in digits:
        hours, minutes = (int(x) for x in digits.split(":", 1))
    elif len(digits) > 2:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    else:
        hours, minutes = int(digits), 0
    if hours > 14 or minutes > 59:
        return None
    return sign * timedelta(hours=hours, minutes=minutes)


def _make(
    day: date, minutes: int, second: int, p: _Part, z: tzinfo, tzname: str, tzover: tzinfo | None = None
) -> tuple[datetime, str | None]:
    """The aware datetime of a day and a time of day (minutes may run past midnight), in
    the part's zone or offset, else the source zone."""
    extra_days, minutes = divmod(minutes, 1440)
    wall = datetime.combine(day + timedelta(days=extra_days), time(minutes // 60, minutes % 60, second))
    if tzover is not None:
        if tzover is UTC or getattr(tzover, "key", None):
            return _local(wall, tzover)
        return wall.replace(tzinfo=tzover), None
    if p.off is not None:
        off = p.off
        if off[:3].lower() in ("gmt", "utc"):  # GMT+2, UTC-05:00: the same rules as -05:00
            stated = _gmt_offset(off)
            off = _fmt_offset(stated) if stated else None
            if stated is not None and not stated:
                return wall.replace(tzinfo=UTC), None  # "GMT+0" is UTC, as written
        applied = _apply_offset(wall, off, z, tzname) if off else None
        if applied is not None:
            return applied
    return _local(wall, _zone_of(p, z, day.year))


def _inherit(start: _Part, end: _Part) -> None:
    """Fill what one end of a range leaves out from the other ("March 3-5, 2027")."""
    if start.iso is None and end.iso is None and _has_date(end):
        if end.m is None and end.d is not None and start.m is not None and end.nth is None:
            end.m = start.m
            if start.d is not None and end.d < start.d:  # "March 30 - 2": the next month's
                end.m = start.m % 12 + 1
                if start.m == 12 and start.y is not None and end.y is None:
                    end.y = start.y + 1
        if start.m is None and start.d is not None and end.m is not None:
            start.m = end.m  # "3-5 March"
        if start.y is None and end.y is not None and start.m is not None and start.d is not None:
            start.y = end.y  # "March 30 - April 2, 2027"; "Dec 30 - Jan 2, 2027" is 2026's Dec 30
            if end.m is not None and start.m > end.m:
                start.y = end.y - 1
        if end.y is None and start.y is not None and end.m is not None and end.d is not None:
            end.y = start.y
            if start.m is not None and end.m < start.m:
                end.y = start.y + 1
    # a zone or offset written once applies to both ends
    if start.zone is None and start.off is None:
        start.zone, start.off = end.zone, end.off
    if end.zone is None and end.off is None:
        end.zone, end.off = start.zone, start.off


def _before(end, start) -> bool:
    if isinstance(end, datetime) and isinstance(start, datetime):
        return end < start
    e = end.date() if isinstance(end, datetime) else end
    s = start.date() if isinstance(start, datetime) else start
    return e < s


def _finish(r: _Reading, today: date, z: tzinfo, tzname: str) -> When | None:
    """A When from the grammar's reading; None when the grammar found nothing to go on."""
    label = _zone_label(z)
    parts = [p for p in r.parts if not p.empty()]
    if not parts:
        if r.invalid:
            return When(timezone=label, error=r.invalid)
        if r.vague:
            return When(timezone=label, error="no date: to be announced")
        return None
    start, end = _ends(r, parts[0])
    day, warning, error = _day_of(start, today)
    if day is None:
        if r.invalid and error == "no date found":
            error = r.invalid
        if r.vague and error in ("no date found", ONLY_A_TIME):
            error = "no date: to be announced"
        return When(timezone=label, error=error)
    if not 1000 <= day.year <= 9998:
        return When(timezone=label, error=f"year {day.year} out of range")
    warnings = [warning]
    value = _start_value(start, end, day, z, tzname, warnings)
    end_value = _end_value(start, end, value, z, tzname, warnings) if end is not None else None
    if end_value is not None and _before(end_value, value):
        warnings.append(f"end {to_iso(end_value)} is before the start: dropped")
        end_value = None
    if isinstance(value, datetime):
        return When(
            start=value, end=end_value, all_day=False, timezone=_zone_label(value.tzinfo), warning=_join(*warnings)
        )
    return When(start=value, end=end_value, all_day=True, timezone=label, warning=_join(*warnings))


def _ends(r: _Reading, start: _Part) -> tuple[_Part, _Part | None]:
    """The start and the range's end (None when there is none), each filled from the other."""
    end = r.parts[r.range_idx] if r.range_idx is not None else None
    if end is not None and (end.empty() or end is start):
        end = None
    if end is not None:
        if not _has_date(start) and _has_date(end):
            # "10am - 2pm, March 3": the date is written once, after both times
            start.y, start.m, start.d, start.wd, start.nth, start.rel = end.y, end.m, end.d, end.wd, end.nth, end.rel
            if end.time is None:
                end = None
        elif start.time is None and end.time is not None and not _has_date(end):
            # "2018-11-28 - 9:00 a.m.": a date, then its time
            start.time = end.time
            start.zone, start.off = start.zone or end.zone, start.off or end.off
            end = None
    if (
        end is not None
        and start.zone
        and end.zone
        and start.zone != end.zone
        and (not _has_date(end) or (end.y, end.m, end.d) == (start.y, start.m, start.d))
    ):
        end = None  # "6 p.m. Eastern / 5 p.m. Central": one moment, written in two zones
    if end is not None:
        _inherit(start, end)
    return start, end


def _start_value(start: _Part, end: _Part | None, day: date, z: tzinfo, tzname: str, warnings: list) -> datetime | date:
    """The start: its ISO value, its day and time (the meridiem shared with the end's), or its day."""
    if start.iso is not None:
        warnings.append(start.iso.warning)
        return start.iso.value
    if start.time is None:
        return day
    if end is not None and end.time is not None:
        sm = _pair_minutes(start.time, end.time)[0]
    else:
        sm = start.time.minutes()
    value, w = _make(day, sm, start.time.s, start, z, tzname)
    warnings.append(w)
    return value


def _end_value(
    start: _Part, end: _Part, value: datetime | date, z: tzinfo, tzname: str, warnings: list
) -> datetime | date | None:
    """The end: a dated end, or a time of day on the start's day (one before the start is
    on the next day); None when it cannot be read."""
    if _has_date(end):
        if end.iso is not None:
            warnings.append(end.iso.warning)
            return end.iso.value
        return _dated_end(start, end, value, z, tzname, warnings)
    if end.time is None or not isinstance(value, datetime):
        return None
    if start.iso is not None:
        st = _Time(value.hour, value.minute, value.second, None, False)
        tzover = value.tzinfo if end.zone is None and end.off is None else None
    else:
        st, tzover = start.time, None
    sm, em = _pair_minutes(st, end.time)
    if em < sm:
        em += 1440
    end_value, w = _make(value.date(), em, end.time.s, end, z, tzname, tzover)
    warnings.append(w)
    return end_value


def _dated_end(
    start: _Part, end: _Part, value: datetime | date, z: tzinfo, tzname: str, warnings: list
) -> datetime | date | None:
    """An end that names its day: a yearless one is the first such day from the start."""
    start_day = value.date() if isinstance(value, datetime) else value
    if end.y is None and end.m is not None and end.d is not None and end.nth is None:
        end_day = _next_md(end.m, end.d, start_day)
        w_end = (
            _weekday_warning(end.wd, end_day)
            if end_day and end.wd is not None and end_day.weekday() != end.wd
            else None
        )
        err_end = None if end_day else "no such day"
    else:
        end_day, w_end, err_end = _day_of(end, start_day)
    if end_day is None:
        warnings.append(f"end not read: {err_end}")
        return None
    warnings.append(w_end)
    if end.time is None:
        return end_day
    em = _pair_minutes(start.time, end.time)[1] if start.time is not None else end.time.minutes()
    end_value, w = _make(end_day, em % 1440, end.time.s, end, z, tzname)
    warnings.append(w)
    return end_value
