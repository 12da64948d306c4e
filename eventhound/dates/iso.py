"""The ISO 8601 fast path, which also recovers the broken values real pages carry."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from eventhound.dates.values import Moment
from eventhound.dates.zones import _apply_offset, _local

_ISO = re.compile(
    r"""[\s"'(\[]*
    (?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})      # 2027-03-04, 2019-9-18
      |(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2}))        # 20270304
    (?![\d])
    (?:(?P<sep>[Tt]|\s+[Tt]?\s*)
      (?P<H>\d{1,2})(?P<ts>[:-]?)(?P<M>\d{2})          # 18:30, 18-30, 1830
      (?:(?P=ts)(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?      # :00, -00, 00, .000
      (?![\d])
      \s*(?P<off>[Zz](?![A-Za-z])|[+-]\d{1,2}(?::?\d{2})?(?![\d]))?
    )?
    """,
    re.VERBOSE,
)
_AMPM = re.compile(r"\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)


_INVALID = Moment(date.min, True, "invalid ISO 8601 value")  # sentinel: ISO-shaped, impossible


def _parse_iso(text: str, z: tzinfo, tzname: str) -> tuple[Moment | None, str]:
    """(moment, rest) from the ISO fast path; None when it does not apply, _INVALID when
    the text is ISO-shaped but names no real moment."""
    m = _ISO.match(text)
    if not m:
        return None, text
    rest = text[m.end() :]
    g = m.groupdict()
    try:
        if g["y"]:
            day = date(int(g["y"]), int(g["m"]), int(g["d"]))
        else:
            day = date(int(g["cy"]), int(g["cm"]), int(g["cd"]))
    except ValueError:
        return _INVALID, ""  # ISO-shaped but no such day (2027-13-04): no guessing
    if not 1000 <= day.year <= 9998:
        return _INVALID, ""
    if g["H"] is None:
        return Moment(day, True), rest
    if "t" not in g["sep"].lower() and g["ts"] != ":":
        # after a space only "18:30" is a time ("2027-03-04 2027-03-06" is not 20:27)
        return Moment(day, True), text[m.start("sep") :]
    hour, minute, second = int(g["H"]), int(g["M"]), int(g["S"] or 0)
    ampm = _AMPM.match(rest)
    if ampm and g["off"] is None and 1 <= hour <= 12:
        hour = hour % 12 + (12 if ampm.group(1).lower() == "p" else 0)
        rest = rest[ampm.end() :]
    if hour == 24 and minute == 0 and second == 0:
        day, hour = day + timedelta(days=1), 0
    if hour > 23 or minute > 59 or second > 60:
        return _INVALID, ""
    wall = datetime.combine(day, time(hour, minute, min(second, 59)))

    off = g["off"]
    if off is None:
        value, warning = _local(wall, z)
        return Moment(value, False, warning), rest
    applied = _apply_offset(wall, off, z, tzname)
    if applied is None:
        # not a real offset (e.g. "10:00-20:00", "-13:00"): local time, the rest is junk
        value, warning = _local(wall, z)
        return Moment(value, False, warning), text[m.start("off") :]
    return Moment(applied[0], False, applied[1]), rest
