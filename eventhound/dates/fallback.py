"""dateparser, the fallback for texts the grammar cannot read; clock times in free text."""

from __future__ import annotations

import functools
import re
from datetime import datetime, tzinfo

from eventhound.dates.values import MAX_FREE_TEXT, UTC, Moment
from eventhound.dates.zones import _local

# Clock times: 6:30, 18:30:00, 6pm, 6 p.m., 6.30pm, 18h, 18h30, 18 Uhr, noon, midnight.
_CLOCK = re.compile(
    r"(?<![\d.:/-])(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?"
    r"|\d{1,2}(?:\.\d{2})?\s*[ap]\.?\s?m\b\.?"
    r"|\d{1,2}\s?h(?:\s?\d{2})?\b"
    r"|\d{1,2}(?:[:.]\d{2})?\s*uhr\b)"
    r"|\b(?:noon|midnight|midday|mittag|mitternacht|midi|minuit|mediod[ií]a|medianoche)\b",
    re.IGNORECASE,
)
# What may stand around a clock time without naming a day.
_FILLER = re.compile(
    r"(?i)\b(?:at|from|to|until|till|and|starts?|starting|begins?|doors|opens?|time|local|"
    r"[ecmp][sd]t|utc|gmt|bst|cet|cest|à|a|um|ab|de|las|le)\b|[^\w]|_"
)


def has_clock_time(text: str) -> bool:
    """Whether a text names a time of day (6:30, 6pm, 18h, 18 Uhr, noon, midnight)."""
    return _CLOCK.search(text) is not None


@functools.lru_cache(maxsize=64)
def _date_parser(languages: tuple[str, ...], tz: str, relative_base: datetime):
    """One DateDataParser per (languages, zone, now): dateparser binds settings at construction.

    Within a crawl `now` is fixed, so this is one parser per (languages, zone).
    """
    from dateparser.date import (
        DateDataParser,  # slow import; only when free text is met
    )

    return DateDataParser(
        languages=list(languages),
        settings={
            "TIMEZONE": tz,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": relative_base,
            "PREFER_DATES_FROM": "future",
        },
    )


def _time_only(text: str) -> bool:
    """A text that names a time of day but no day ("6:30 PM", "from 6pm")."""
    return not _FILLER.sub("", _CLOCK.sub("", text)).strip()


def _parse_free(text: str, z: tzinfo, tz: str, now_local: datetime, languages: tuple[str, ...]) -> Moment | None:
    if len(text) > MAX_FREE_TEXT or not any(c.isalpha() for c in text):
        return None  # numbers alone the grammar did not read ("$25", "12") are not dates
    try:
        data = _date_parser(languages, tz if z is not UTC else "UTC", now_local).get_date_data(text)
    except Exception:  # dateparser: unknown language, overflow, its own bugs on odd input
        return None
    parsed = data.date_obj
    if parsed is None or data.period not in ("day", "time"):
        return None  # "March 2027", "2027", "next week": no day known
    if not 1000 <= parsed.year <= 9998:
        return None
    parts = getattr(data, "parts", None)
    if parts is None:  # dateparser without DateData.parts: look for a clock time ourselves
        has_time = has_clock_time(text)
    else:
        has_time = "time" in parts and getattr(data, "part_of_day", None) is None
    if has_time and _time_only(text):
        return None
    wall = parsed.astimezone(z).replace(tzinfo=None) if parsed.tzinfo else parsed
    if parts is not None and "year" not in parts:
        # PREFER_DATES_FROM=future moves a yearless date earlier than now to next year,
        # even when it is today ("Jan 10" read on Jan 10 at 09:15): keep today.
        try:
            same_day = wall.replace(year=wall.year - 1)
        except ValueError:
            same_day = None
        if same_day is not None and same_day.date() == now_local.date():
            wall = same_day
    if not has_time:
        return Moment(wall.date(), True)
    value, warning = _local(wall.replace(microsecond=0), z)
    return Moment(value, False, warning)
