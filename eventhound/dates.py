"""Date normalization: a published date string -> a Moment in the source's time zone.

Pure: never reads the clock; "now" is always passed in (the crawl's start).

`parse_moment(text, tz, now, languages)` tries, in order:

1. an ISO 8601 fast path (one compiled regex) that also recovers the broken values real
   pages carry: single-digit months/days, dashes as time separators (``10-10-00``), a
   space instead of ``T``, the compact ``20270304T183000``, fractions, ``Z``, ``-0500``,
   ``-00`` (unknown offset), ``+0:00`` (malformed offset), trailing junk;
2. dateparser, with the languages fixed (never auto-detected), ``TIMEZONE`` = the source
   zone, ``RELATIVE_BASE`` = now as local wall time in the source zone and
   ``PREFER_DATES_FROM`` = "future".

Offsets (ISO path):

- no offset, or ``-00`` (an unknown offset): local wall time in ``tz``;
- a zero offset (``Z``, ``+00:00``, ``-0000``): a UTC instant, expressed in ``tz``
  (a zero offset is how servers serialize, not where the event is);
- ``+0:00`` (a malformed zero offset): taken as local wall time in ``tz``, with a warning;
- any other offset: the instant is kept. It is expressed with the ``tz`` zone object when
  that is tz's offset at that instant (so formatting gives the local wall time), else with
  the stated fixed offset (e.g. songkick lists concerts in other zones). When the stated
  offset is one tz uses at another time of year (a likely DST slip by the publisher), it is
  still kept as stated but a warning says so.

A text without a time of day gives a `date` (``all_day``), never an invented midnight:
dateparser's own record of what the text named (``DateData.parts``) decides, a clock-time
regex when that is missing; a part of day ("tomorrow evening") is not a time. A yearless
date that is today stays today (PREFER_DATES_FROM would move it a year on). Sub-second
precision is dropped. `parse_moment` returns None when there is no usable date: no day
known ("March 2027", "next week", "6:30 PM"), an ISO-shaped impossible value
("2027-13-04": no guessing), garbage. It never raises. Results are cached by
(text, tz, now, languages); `now` is fixed within a crawl, so keying on the full `now`
costs no hits and keeps relative phrases exact.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["Moment", "parse_moment", "to_iso", "to_utc_iso", "zone"]

UTC = timezone.utc
MAX_FREE_TEXT = 200  # longer texts are not dates; dateparser is not asked about them


@dataclass(frozen=True)
class Moment:
    value: datetime | date  # aware datetime in a real zone, or a date when no time of day is known
    all_day: bool  # True when value is a date
    warning: str | None = None  # e.g. "malformed offset +0:00 ignored: read as local time in Europe/Paris"


# --- zones ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _zone(tz: str) -> tuple[tzinfo, str | None]:
    try:
        return ZoneInfo(tz), None
    except Exception:  # ZoneInfoNotFoundError, ValueError for odd keys, TypeError
        return UTC, f"unknown time zone {tz!r}: read as UTC"


def zone(tz: str) -> tzinfo:
    """The zone for an IANA name; UTC when the name is unknown."""
    return _zone(tz)[0]


def _fmt_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _local(wall: datetime, z: tzinfo) -> tuple[datetime, str | None]:
    """Naive local wall time in zone z -> aware; a time in a DST gap moves forward."""
    aware = wall.replace(tzinfo=z)
    if z is UTC or aware.utcoffset() == aware.replace(fold=1).utcoffset():
        return aware, None  # not in a DST gap or fold: the common case, no round trip
    normalized = aware.astimezone(UTC).astimezone(z)
    if normalized.replace(tzinfo=None) != wall:
        return normalized, f"{wall.isoformat()} does not exist in {z}: moved to {normalized.isoformat()}"
    return aware, None


def _express(instant: datetime, z: tzinfo, stated: timedelta) -> tuple[datetime, str | None]:
    """An instant with a stated offset: in zone z when z has that offset then, else fixed."""
    local = instant.astimezone(z)
    actual = local.utcoffset()
    if stated == actual or stated == timedelta(0):
        return local, None
    fixed = instant.astimezone(timezone(stated))
    warning = None
    if z is not UTC:
        jan = datetime(local.year, 1, 15, 12, tzinfo=z).utcoffset()
        jul = datetime(local.year, 7, 15, 12, tzinfo=z).utcoffset()
        if stated in (jan, jul):
            warning = (f"offset {_fmt_offset(stated)} is not {z}'s offset at that time "
                       f"({_fmt_offset(actual)}): kept as stated")
    return fixed, warning


# --- ISO 8601 fast path --------------------------------------------------------------

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


_INVALID = Moment(date.min, True, "invalid ISO 8601 value")  # sentinel: ISO-shaped, impossible


def _parse_iso(text: str, z: tzinfo, tzname: str) -> tuple[Moment | None, str]:
    """(moment, rest) from the ISO fast path; None when it does not apply, _INVALID when
    the text is ISO-shaped but names no real moment."""
    m = _ISO.match(text)
    if not m:
        return None, text
    rest = text[m.end():]
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
        return Moment(day, True), text[m.start("sep"):]
    hour, minute, second = int(g["H"]), int(g["M"]), int(g["S"] or 0)
    ampm = _AMPM.match(rest)
    if ampm and g["off"] is None and 1 <= hour <= 12:
        hour = hour % 12 + (12 if ampm.group(1).lower() == "p" else 0)
        rest = rest[ampm.end():]
    if hour == 24 and minute == 0 and second == 0:
        day, hour = day + timedelta(days=1), 0
    if hour > 23 or minute > 59 or second > 60:
        return _INVALID, ""
    wall = datetime.combine(day, time(hour, minute, min(second, 59)))

    off = g["off"]
    warning = None
    if off is None:
        value, warning = _local(wall, z)
        return Moment(value, False, warning), rest
    if off in ("Z", "z"):
        return Moment(wall.replace(tzinfo=UTC).astimezone(z), False), rest
    sign = -1 if off[0] == "-" else 1
    digits = off[1:].replace(":", "")
    if len(digits) in (1, 3):  # +0:00, -5:00, +530: a one-digit hour
        hours, minutes = int(digits[0]), int(digits[1:] or 0)
        malformed = True
    else:
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        malformed = False
    if not -11 <= sign * hours <= 14 or minutes > 59:
        # not a real offset (e.g. "10:00-20:00", "-12:00"): local time, the rest is junk
        value, warning = _local(wall, z)
        return Moment(value, False, warning), text[m.start("off"):]
    if digits == "00" and sign < 0:
        # "-00": the offset is unknown (RFC 3339 spirit): local wall time
        value, warning = _local(wall, z)
        return Moment(value, False, warning), rest
    stated = sign * timedelta(hours=hours, minutes=minutes)
    if malformed and stated == timedelta(0):
        value, _ = _local(wall, z)
        return Moment(value, False, f"malformed offset {off} ignored: read as local time in {tzname}"), rest
    instant = wall.replace(tzinfo=timezone(stated))
    value, warning = _express(instant, z, stated)
    if malformed:
        warning = f"malformed offset {off} read as {_fmt_offset(stated)}"
    return Moment(value, False, warning), rest


# --- dateparser ----------------------------------------------------------------------


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


def _parse_free(text: str, z: tzinfo, tz: str, now_local: datetime,
                languages: tuple[str, ...]) -> Moment | None:
    if len(text) > MAX_FREE_TEXT or not any(c.isdigit() or c.isalpha() for c in text):
        return None
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


# --- entry point ---------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")


def _clean(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    return " ".join(text.replace("\u200b", "").split())


def parse_moment(text: str, tz: str, now: datetime,
                 languages: tuple[str, ...] = ("en",)) -> Moment | None:
    """The moment a published date string names, in the source zone tz; None if none."""
    if not isinstance(text, str) or not isinstance(tz, str) or not isinstance(now, datetime):
        return None
    if not isinstance(languages, tuple):
        try:
            languages = tuple(languages)
        except TypeError:
            return None
    try:
        return _parse_cached(text, tz, now, languages)
    except TypeError:  # unhashable languages entries
        return _parse_cached.__wrapped__(text, tz, now, languages)


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str, tz: str, now: datetime, languages: tuple[str, ...]) -> Moment | None:
    # Keyed by the full `now` (fixed within a crawl): relative phrases stay exact.
    z, zone_warning = _zone(tz)
    text = _clean(text)
    if not text:
        return None
    moment = None
    try:
        moment, rest = _parse_iso(text, z, tz)
        if moment is _INVALID:
            return None
        if moment is not None and (moment.all_day and has_clock_time(rest)):
            # "2027-03-04, 6:30 PM": the time is in the rest; let dateparser read both
            moment = _parse_free(text, z, tz, _now_local(now, z), languages) or moment
        if moment is None:
            moment = _parse_free(text, z, tz, _now_local(now, z), languages)
    except (ValueError, OverflowError):
        return None
    if moment is not None and zone_warning and not moment.warning:
        moment = Moment(moment.value, moment.all_day, zone_warning)
    return moment


def _now_local(now: datetime, z: tzinfo) -> datetime:
    """now as naive wall time in zone z (a naive now is taken as UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(z).replace(tzinfo=None, microsecond=0)


# --- formatting ----------------------------------------------------------------------


def to_iso(value: datetime | date) -> str:
    """``2027-03-04T18:30:00-06:00`` for a datetime, ``2027-03-04`` for a date."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def to_utc_iso(value: datetime | date, tz: str) -> str:
    """The instant in UTC as ``2027-03-05T00:30:00+00:00`` (always this form: sorts as text).

    A date counts from local midnight in tz. A naive datetime is taken as wall time in tz.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = _local(value, zone(tz))[0]
    else:
        value = _local(datetime.combine(value, time(0)), zone(tz))[0]
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
