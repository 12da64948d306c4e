"""The date engine: a published date text -> when the event is, in the source's time zone.

Pure: the text, ``now`` and the source's zone go in; nothing reads the clock.

``parse_when(text, now, tz, *, languages=("en",), day_first=False) -> When`` reads every
way an event page writes a date: absolute dates, clock times, ranges, zones and offsets,
recurring phrases. It tries, in order:

1. the ISO 8601 fast path (one compiled regex) that also recovers the broken values real
   pages carry: single-digit months/days, dashes as time separators (``10-10-00``), a
   space instead of ``T``, the compact ``20270304T183000``, fractions, ``Z``, ``-0500``,
   ``-00`` (unknown offset), ``+0:00`` (malformed offset), trailing junk;
2. the commonest shape, ``[Weekday,] Month D[-[Month] D], YYYY``, read by one regex
   straight into the grammar's parts (a test checks it reads as the grammar does);
3. the fast grammar: one compiled tokenizer regex and a hand-written reader over its
   tokens (month and weekday names in English, French and Spanish, ordinals, numeric
   dates, clock times, ranges with ``-``/``–``/``to``/``through``/``until``/``|``, zone
   names and offsets); a recurring phrase becomes an RFC 5545 RRULE;
4. dateparser, with the languages fixed (never auto-detected; its parser cached per
   languages, zone and now), only for a text with letters in which the grammar found
   nothing it knows, or that it could not read in a language it has no words for.

Rules (where the text leaves something open):

- Numeric dates: ``2027-03-04`` and ``2027/03/04`` are Y-M-D; ``03/04/2027`` is month-first
  unless ``day_first`` (a value that is only valid the other way round is read that way:
  ``13/03/2014``); dotted dates ``29.02.2020`` are day-first (the European convention).
  A two-digit year is the one within 50 years of now. A month name, a dash and a day is
  that day (``aug-20``, ``Aug-20-2027``, as ``20-aug``); ``aug-2027`` stays a month and a year.
- A missing year: the next occurrence on or after today minus a week (``GRACE``: listings
  keep last week's events on the page). A weekday that contradicts the date gives a
  ``warning``; when the year is missing the weekday picks it: the year after, or the year
  before when that is less than half a year ago (``Thursday, March 4`` read in 2026 ->
  2027). A missing month (``Thu 17th``) is the next such day on or after today minus a
  week. A weekday alone is the next such day, today included.
- A date without a time of day is a ``date`` (``all_day``), never an invented midnight
  (``TBA``, ``time TBD``, ``all day`` say the same). A time of day without a day, a month
  without a day, ``TBA`` alone: an ``error`` with the reason.
- Clock times: a meridiem is shared across a range (``6-8pm``, ``7:30-9 AM``; the reading
  that gives the shorter event wins: ``11-1pm`` is 11:00-13:00); an end before the start is
  on the next day (``9pm - 1am``). An English ``H:MM`` with an hour 1-6 and no am/pm is in
  the afternoon (``4:30`` -> 16:30: events are not held at 4:30 in the night); zero-padded
  and 24-hour values are taken as written. ``9 o'clock`` is 9:00 (``in the morning`` /
  ``in the evening`` after it say which half of the day).
- Ranges: what one end leaves out comes from the other (``March 3-5, 2027``, ``Dec 30 -
  Jan 2, 2027`` starts in 2026); a date, then a dash and a time, is that date's time
  (``2027-03-04 - 9:00 a.m.``); two times without a word between are a range (``4:30 pm
  6:00 pm``); a zone written once applies to both ends; an end before the start is dropped
  with a warning. Dates without a range word between them are a list: the first counts.
- Zones: the source's zone by default, DST-correct. Names in the text after a time
  (``EST``, ``PDT``, ``CT``, ``Eastern``, ``Pacific Time``, ...) map to IANA zones so DST is
  right, and to the source's own zone when it is that zone's name (Detroit writes EST);
  ``GMT``/``UTC`` are UTC; ``GMT+2``, ``-0500``, ``-05:00`` are offsets (next point). One
  time in two zones (``6 p.m. Eastern / 5 p.m. Central``) is one moment.
- Offsets: a zero offset (``Z``, ``+00:00``) is a UTC instant, expressed in the source
  zone; ``-00`` and the malformed ``+0:00`` are local time (the latter with a warning); an
  offset that is the source zone's own offset at another time of year (the DST slip of a
  known WordPress plugin, -04:00 in November for New York) is read as local wall time in
  the source zone, with a warning; any other offset is kept as stated.
- Recurring phrases (``every Tuesday at 9:30 AM``, ``1st and 3rd Wednesdays``, ``the 4th
  of every other month``, ``weekdays``, ...) give ``rrule`` (FREQ first; INTERVAL only when
  not 1; BYHOUR/BYMINUTE when a time is given) and, as ``start``/``end``, the next
  occurrence on or after now (a date when no time is given), on wall times in the zone
  (DST-correct): with ``dateutil.rrule`` from today, or a direct computation for the
  simple shapes (tested against dateutil). The text does not say which week an "every
  other" rule is in: the nearest day that fits is next. A rule that names no day
  (``monthly meeting``, ``every March``) is not a rule; one that never occurs (``the 30th
  of February``) is an error. A number right after "at" is an hour there as in a date
  (``Wednesdays at 9`` is weekly at 9:00, never the 9th of the month). ``the fourth
  Thursday in November`` (with "the", no year) is a yearly rule; ``3rd Wednesday in
  November`` is one date.

Never raises; results are cached by (text, now, tz, languages, day_first): ``now`` is
fixed within a crawl, so keying on it costs no hits and keeps relative phrases exact.
``parse_moment`` (the start as a `Moment`, or None) is kept for older callers;
``only_a_time`` says whether a text names a time and no day (a listing then gives the day).
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["GRACE", "ONLY_A_TIME", "Moment", "When", "has_clock_time", "only_a_time", "parse_moment",
           "parse_when", "to_iso", "to_utc_iso", "zone"]

UTC = timezone.utc
MAX_FREE_TEXT = 200  # longer texts are not dates; dateparser is not asked about them
MAX_TEXT = 1000  # longer texts are not read at all
GRACE = timedelta(days=7)  # a yearless date this recent is in the past, not next year
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ONLY_A_TIME = "no day: only a time of day"  # the error of a text that names a time and no day


@dataclass(frozen=True)
class Moment:
    value: datetime | date  # aware datetime in a real zone, or a date when no time of day is known
    all_day: bool  # True when value is a date
    warning: str | None = None  # e.g. "malformed offset +0:00 ignored: read as local time in Europe/Paris"


@dataclass(frozen=True)
class When:
    """What a date text says. `start`/`end`: an aware datetime, a date (no time of day
    given) or None; `error` says why there is no start."""

    start: datetime | date | None = None
    end: datetime | date | None = None
    all_day: bool = False
    timezone: str = "UTC"
    rrule: str | None = None
    warning: str | None = None
    error: str | None = None

    def to_json(self) -> dict:
        """The `eventhound when` fields: ISO 8601 strings (with the UTC offset, or a date)."""
        return {
            "start": to_iso(self.start) if self.start is not None else None,
            "end": to_iso(self.end) if self.end is not None else None,
            "all_day": self.all_day,
            "timezone": self.timezone,
            "rrule": self.rrule,
            "warning": self.warning,
            "error": self.error,
        }


def _join(*warnings: str | None) -> str | None:
    return "; ".join(w for w in warnings if w) or None


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


def _zone_label(z: tzinfo) -> str:
    key = getattr(z, "key", None)
    if key:
        return key
    if z is UTC:
        return "UTC"
    offset = z.utcoffset(None)
    return _fmt_offset(offset) if offset is not None else str(z)


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
        return normalized, f"{wall.isoformat()} does not exist in {_zone_label(z)}: moved to {normalized.isoformat()}"
    return aware, None


@functools.lru_cache(maxsize=1024)
def _seasons(z: tzinfo, year: int) -> tuple[timedelta, timedelta]:
    """The zone's offsets in mid-January and mid-July of a year."""
    return (datetime(year, 1, 15, 12, tzinfo=z).utcoffset(),
            datetime(year, 7, 15, 12, tzinfo=z).utcoffset())


def _express(wall: datetime, z: tzinfo, stated: timedelta, tzname: str) -> tuple[datetime, str | None]:
    """A wall time with a stated non-zero offset, against the source zone z.

    The zone's own offset then: in z. An offset z uses at another time of year (a DST
    slip by the publisher): the wall time is local time in z, with a warning. Any other
    offset: the instant as stated, with that fixed offset.
    """
    instant = wall.replace(tzinfo=timezone(stated))
    local = instant.astimezone(z)
    actual = local.utcoffset()
    if stated == actual:
        return local, None
    if z is not UTC and stated in _seasons(z, wall.year):
        value, gap = _local(wall, z)
        actual = value.utcoffset()
        return value, _join(f"offset {_fmt_offset(stated)} is not {tzname}'s offset on that date "
                            f"({_fmt_offset(actual)}): read as local time in {tzname}", gap)
    return instant, None


def _apply_offset(wall: datetime, off: str, z: tzinfo, tzname: str) -> tuple[datetime, str | None] | None:
    """A wall time followed by an offset text (Z, -0500, -05:00, +0:00, -00): aware.
    None when the text is not a real offset (the caller reads local time)."""
    if off in ("Z", "z"):
        return wall.replace(tzinfo=UTC).astimezone(z), None
    sign = -1 if off[0] in "-−" else 1
    digits = off[1:].replace(":", "")
    if len(digits) in (1, 3):  # +0:00, -5:00, +530: a one-digit hour
        hours, minutes = int(digits[0]), int(digits[1:] or 0)
        malformed = True
    else:
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        malformed = False
    if not -12 <= sign * hours <= 14 or minutes > 59:
        return None
    if hours == 0 and minutes == 0 and sign < 0 and len(digits) == 2:
        return _local(wall, z)  # "-00": the offset is unknown (RFC 3339 spirit): local wall time
    stated = sign * timedelta(hours=hours, minutes=minutes)
    if malformed and stated == timedelta(0):
        value, _ = _local(wall, z)
        return value, f"malformed offset {off} ignored: read as local time in {tzname}"
    if stated == timedelta(0):
        return wall.replace(tzinfo=UTC).astimezone(z), None  # how servers serialize, not where the event is
    value, warning = _express(wall, z, stated, tzname)
    if malformed:
        warning = _join(f"malformed offset {off} read as {_fmt_offset(stated)}", warning)
    return value, warning


# Zone names in the text -> IANA zones (so DST is right); used only right after a time.
_ZONE_NAMES = {
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "eastern": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago", "central": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver", "mountain": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "akst": "America/Anchorage", "akdt": "America/Anchorage", "alaska": "America/Anchorage",
    "hst": "Pacific/Honolulu", "hawaii": "Pacific/Honolulu",
    "gmt": "UTC", "utc": "UTC",
    "bst": "Europe/London", "cet": "Europe/Paris", "cest": "Europe/Paris",
    "eet": "Europe/Athens", "eest": "Europe/Athens",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "jst": "Asia/Tokyo",
}
_CASED_ZONES = {"ET", "CT", "MT", "PT"}  # two-letter names count only in capitals


@functools.lru_cache(maxsize=512)
def _named_zone(name: str, src: tzinfo, year: int) -> tzinfo:
    """The zone a name in the text means; the source's own zone when the name is its name
    (America/Detroit writes EST, America/Phoenix writes MST) or it keeps the same clocks."""
    key = _ZONE_NAMES[name]
    if key == "UTC":
        return UTC
    named = ZoneInfo(key)
    if src is not UTC:
        jan, jul = datetime(year, 1, 15, 12, tzinfo=src), datetime(year, 7, 15, 12, tzinfo=src)
        if name.upper() in (jan.tzname(), jul.tzname()):
            return src
        if _seasons(src, year) == _seasons(named, year):
            return src
    return named


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
    if off is None:
        value, warning = _local(wall, z)
        return Moment(value, False, warning), rest
    applied = _apply_offset(wall, off, z, tzname)
    if applied is None:
        # not a real offset (e.g. "10:00-20:00", "-13:00"): local time, the rest is junk
        value, warning = _local(wall, z)
        return Moment(value, False, warning), text[m.start("off"):]
    return Moment(applied[0], False, applied[1]), rest


# --- tokenizer -----------------------------------------------------------------------

_MER = r"[ap]\.?\s?m(?![^\W\d_])\.?"
_EN_MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_TOKEN = re.compile(
    r"\s*(?:"
    # words first (the commonest), "GMT+2" before them
    r"(?=[^\W\d_])(?:(?P<goff>(?:gmt|utc)\s?[+−-]\s?\d{1,2}(?::?\d{2})?(?!\d))"
    # "aug-20", "Aug-20-2027": a month, a dash and its day (never "aug-2027": a day has two digits)
    rf"|(?P<mond>(?P<mond_m>{_EN_MONTH_RE})-(?P<mond_d>\d{{1,2}})(?:-(?P<mond_y>\d{{4}}|\d{{2}}))?)"
    r"(?![\d:.]|[^\W\d_]|\s*[ap]\.?\s?m(?![^\W\d_]))"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)\.?)"
    # then everything that starts with a digit: first a plain number that nothing special
    # follows (the commonest), then clock times, then the rest
    r"|(?=\d)(?:(?P<pnum>\d+)(?![\d/.:~hxapsnrteº°ªè−–-]|\s*(?:[ap]\.?\s?m(?![^\W\d_])|h(?![^\W_])"
    r"|x(?![^\W_])|[.−–-]))"
    r"|(?P<hm>(?P<hm_h>\d{1,2}):(?P<hm_m>\d{2})(?::(?P<hm_s>\d{2})(?:[.,]\d+)?|\.(?P<hm_s2>\d{2})(?!\d))?(?!\d)"
    rf"(?:\s*(?P<hm_mer>{_MER}))?)"
    r"|(?P<isodt>\d{4}-\d{1,2}-\d{1,2}t\d{1,2}:?\d{2}(?::?\d{2}(?:[.,]\d+)?)?"
    r"(?:z(?![^\W\d_])|[+-]\d{1,2}(?::?\d{2})?(?!\d))?)"
    r"|(?P<ymd>(?P<ymd_y>\d{4})(?P<ymd_s>[-/.:])(?P<ymd_m>\d{1,2})(?P=ymd_s)(?P<ymd_d>\d{1,2}))(?!\d)"
    r"|(?P<nd>(?P<nd_a>\d{1,2})(?P<nd_s>[/-])(?P<nd_b>\d{1,2})(?P=nd_s)(?P<nd_c>\d{4}|\d{2}))(?!\d|:\d)"
    r"|(?P<ndot>(?P<ndot_a>\d{1,2})\s?\.\s?(?P<ndot_b>\d{1,2})\s?\.\s?(?P<ndot_c>\d{4}|\d{2}))(?!\d|[:.]\d)"
    r"|(?P<dm>(?P<dm_a>\d{1,2})/(?P<dm_b>\d{1,2}))(?![\d/])"
    rf"|(?P<dmon>(?P<dmon_d>\d{{1,2}})[-/](?P<dmon_m>{_EN_MONTH_RE})\.?(?:[-/](?P<dmon_y>\d{{4}}|\d{{2}})(?!\d))?)"
    r"(?![^\W\d_])"
    rf"|(?P<hx>(?P<hx_h>\d{{1,4}})(?:\.(?P<hx_m>\d{{2}}))?\s*(?P<hx_mer>{_MER}))"
    r"|(?P<hdot>(?P<hdot_h>\d{1,2})\.(?P<hdot_m>\d{2}))(?!\d|\.\d)"
    r"|(?P<hh>(?P<hh_h>\d{1,2})\s?h(?:\s?(?P<hh_m>\d{2}))?)(?![^\W_])"
    r"|(?P<ord>(?P<ord_n>\d{1,2})(?:st|nd|rd|th|er|re|ème|eme|e|º|ª|°)(?![^\W\d_]))"
    r"|(?P<cnt>(?P<cnt_n>\d{1,3})\s?x)(?![^\W_])"
    r"|(?P<num>\d+))"
    # offsets after a time, range dashes, punctuation
    rf"|(?P<off>[+−-]\d{{2}}:\d{{2}}(?!\d)(?!\s*{_MER})|[+−-]\d{{4}}(?!\d)|[+−-]0:00(?!\d))"
    r"|(?P<sep>[-–—~−])"
    r"|(?P<bar>\|)"
    r"|(?P<p>[,;@/()\[\]:&+]))",
    re.IGNORECASE,
)
# The same, case-sensitive, for the lower-cased text: faster (the usual case).
_TOKEN_LOWER = re.compile(_TOKEN.pattern)

_MONTHS_EN = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "febr": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS_EN = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "weds": 2,
    "wednsday": 2, "wensday": 2, "wendsday": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_ORDINALS_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                "eighth": 8, "ninth": 9, "tenth": 10}
_KW_EN = {
    "to": "to", "through": "to", "thru": "to", "until": "to", "till": "to", "til": "to", "close": "to",
    "closes": "to", "closing": "to", "ends": "to", "ending": "to",
    "and": "and", "or": "or", "from": "from", "between": "between", "at": "at", "on": "on", "of": "of",
    "the": "the", "in": "in", "day": "day", "days": "day", "week": "week", "weeks": "week",
    "month": "month", "months": "month", "year": "year", "years": "year", "weekend": "weekend",
    "weekends": "weekend", "weekday": "weekday", "weekdays": "weekday", "this": "this", "next": "next",
    "every": "every", "each": "every", "other": "other", "alternate": "other", "daily": "daily",
    "weekly": "weekly", "monthly": "monthly", "yearly": "yearly", "annually": "yearly", "annual": "yearly",
    "biweekly": "biweekly", "fortnightly": "biweekly", "once": "once", "twice": "twice", "times": "times",
    "time": "time", "instance": "instance", "instances": "instance", "occurrence": "instance",
    "last": "last", "penultimate": "penultimate", "begin": "begin", "beginning": "begin", "start": "begin",
    "end": "end", "up": "up", "for": "for", "a": "a", "an": "a", "per": "a", "all": "all",
    "starting": "starting", "starts": "starting", "x": "x",
}
_REL_EN = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}
_TIMEWORDS_EN = {"noon": 12, "midday": 12, "midnight": 0}
_VAGUE = {"tba", "tbd", "tbc", "tbcs"}

_MONTHS_FR = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12,
    "déc": 12, "dec": 12,
}
_WEEKDAYS_FR = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
_KW_FR = {
    "au": "to", "jusqu'au": "to", "jusqu’au": "to", "à": "à", "de": "de", "du": "de", "et": "and",
    "chaque": "every", "tous": "every", "toutes": "every", "mois": "month", "semaine": "week",
    "semaines": "week", "an": "year", "année": "year", "premier": "first", "première": "first",
    "dernier": "last", "dernière": "last",
}
_REL_FR = {"aujourd'hui": 0, "aujourd’hui": 0, "demain": 1, "hier": -1}
_TIMEWORDS_FR = {"midi": 12, "minuit": 0}

_MONTHS_ES = {
    "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4, "abr": 4, "mayo": 5,
    "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8, "septiembre": 9,
    "setiembre": 9, "sep": 9, "sept": 9, "octubre": 10, "oct": 10, "noviembre": 11, "nov": 11,
    "diciembre": 12, "dic": 12,
}
_WEEKDAYS_ES = {"lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
                "sábado": 5, "sabado": 5, "domingo": 6}
_KW_ES = {
    "al": "to", "hasta": "to", "a": "à", "de": "de", "del": "de", "desde": "de", "y": "and",
    "cada": "every", "todos": "every", "todas": "every", "mes": "month", "meses": "month",
    "semana": "week", "semanas": "week", "año": "year", "primer": "first", "primero": "first",
    "primera": "first", "último": "last", "última": "last", "ultimo": "last", "ultima": "last",
}
_REL_ES = {"hoy": 0, "mañana": 1, "manana": 1, "ayer": -1}
_TIMEWORDS_ES = {"mediodía": 12, "mediodia": 12, "medianoche": 0}

# Phrases rewritten before tokenizing, per language.
_PHRASES = {
    "en": [(re.compile(r"\b(?:to be (?:announced|determined|confirmed)|time tb[adc])\b", re.IGNORECASE), " tba "),
           (re.compile(r"\ball[\s-]day\b", re.IGNORECASE), " allday "),
           # "9 o'clock" is 9:00 (a time, also in a rule); "in the morning"/"evening" say am/pm
           (re.compile(r"\b(\d{1,2})\s*o['’]?\s?clock\s+in\s+the\s+morning\b", re.IGNORECASE), r" \1:00 am "),
           (re.compile(r"\b(\d{1,2})\s*o['’]?\s?clock\s+(?:in\s+the\s+(?:afternoon|evening)|at\s+night)\b",
                       re.IGNORECASE), r" \1:00 pm "),
           (re.compile(r"\b(\d{1,2})\s*o['’]?\s?clock\b", re.IGNORECASE), r" \1:00 "),
           (re.compile(r"\bo['’]?\s?clock\b", re.IGNORECASE), " ")],
    "fr": [(re.compile(r"\b(?:du matin)\b", re.IGNORECASE), " am "),
           (re.compile(r"(?:\bde l['’]après-midi|\bdu soir)\b", re.IGNORECASE), " pm "),
           (re.compile(r"\btoute la journée\b", re.IGNORECASE), " allday ")],
    "es": [(re.compile(r"\bde la (?:mañana|madrugada)\b", re.IGNORECASE), " am "),
           (re.compile(r"\bde la (?:tarde|noche)\b", re.IGNORECASE), " pm "),
           (re.compile(r"\btodo el día\b", re.IGNORECASE), " allday ")],
}


_GRAMMAR_LANGUAGES = ("en", "fr", "es")


def _unread(languages: tuple[str, ...]) -> bool:
    """Whether a language has no words in the grammar (its texts may need dateparser)."""
    return any(lang not in _GRAMMAR_LANGUAGES for lang in languages)


@functools.lru_cache(maxsize=16)
def _lexicon(languages: tuple[str, ...]) -> dict[str, tuple[str, object]]:
    """word -> (kind, value) for the languages (English is always read for zone names)."""
    lex: dict[str, tuple[str, object]] = {}
    tables = {
        "en": (_MONTHS_EN, _WEEKDAYS_EN, _KW_EN, _REL_EN, _TIMEWORDS_EN),
        "fr": (_MONTHS_FR, _WEEKDAYS_FR, _KW_FR, _REL_FR, _TIMEWORDS_FR),
        "es": (_MONTHS_ES, _WEEKDAYS_ES, _KW_ES, _REL_ES, _TIMEWORDS_ES),
    }
    for lang in reversed(languages):  # the first language wins a conflict
        if lang not in tables:
            continue
        months, weekdays, kws, rels, timewords = tables[lang]
        for word, value in kws.items():
            lex[word] = ("kw", value)
        for word, value in months.items():
            lex[word] = ("month", value)
        for word, value in weekdays.items():
            lex[word] = ("wday", (value, False))
            lex[word + "s"] = ("wday", (value, True))  # mondays, mardis, lunes
        for word, value in rels.items():
            lex[word] = ("rel", value)
        for word, value in timewords.items():
            lex[word] = ("tword", value)
        if lang == "en":
            for word, value in _ORDINALS_EN.items():
                lex[word] = ("ord", value)
    for word in ("lunes", "martes", "miércoles", "miercoles", "jueves", "viernes"):
        if word in lex and lex[word][0] == "wday":
            lex[word] = ("wday", (lex[word][1][0], False))  # the Spanish plural is the same word
    for word in _VAGUE:
        lex[word] = ("vague", None)
    lex["allday"] = ("allday", None)
    for word in _ZONE_NAMES:
        lex.setdefault(word, ("zone", word))
    lex["am"], lex["pm"] = ("mer", "a"), ("mer", "p")  # "8 pm": joined to the number after tokenizing
    return lex


class _Tok:
    __slots__ = ("kind", "pos", "raw", "val")

    def __init__(self, kind, val, raw, pos):
        self.kind, self.val, self.raw, self.pos = kind, val, raw, pos

    def __repr__(self):
        return f"{self.kind}:{self.val!r}"


class _Time:
    """A clock time as written: the hour, minute, second and meridiem ('a'/'p'/None);
    `amb` when the meridiem is unknown (1 <= hour <= 12, not zero-padded)."""

    __slots__ = ("amb", "h", "mer", "mi", "pm_default", "s")

    def __init__(self, h, mi=0, s=0, mer=None, amb=False, pm_default=False):
        self.h, self.mi, self.s, self.mer, self.amb, self.pm_default = h, mi, s, mer, amb, pm_default

    def minutes(self) -> int:
        """Minutes since midnight, read alone."""
        h = self.h
        if self.mer:
            h = h % 12 + (12 if self.mer == "p" else 0)
        elif self.amb and self.pm_default and 1 <= h <= 6:
            h += 12
        return h * 60 + self.mi

    def candidates(self) -> tuple[int, int]:
        base = (self.h % 12) * 60 + self.mi
        return base, base + 720

    def __repr__(self):
        return f"T({self.h}:{self.mi:02d}{self.mer or ''}{'?' if self.amb else ''})"


def _clock(h: int, mi: int = 0, s: int = 0, mer: str | None = None, padded: bool = False,
           pm_default: bool = False) -> _Time | None:
    if mer:
        if not 1 <= h <= 12 and not (h == 0 and mer == "a"):
            return None if h > 12 else _Time(h, mi, s, None)
        return _Time(h, mi, s, mer) if mi < 60 else None
    if h > 24 or mi > 59 or s > 60 or (h == 24 and (mi or s)):
        return None  # 24:00 is the end of the day: 1440 minutes, the next day's midnight
    amb = 1 <= h <= 12 and not padded
    return _Time(h, mi, min(s, 59), None, amb, pm_default)


def _tokenize(text: str, languages: tuple[str, ...]) -> list[_Tok]:
    lex = _lexicon(languages)
    lookup = lex.get
    english = "en" in languages
    toks: list[_Tok] = []
    append = toks.append
    meridiems = False
    lowered = text.lower()
    same = len(lowered) == len(text)  # lower() keeps positions (not so for a few letters, e.g. "İ")
    for m in (_TOKEN_LOWER.finditer(lowered) if same else _TOKEN.finditer(text)):
        kind = m.lastgroup
        if kind is None:
            continue
        pos, end = m.span(kind)
        raw = text[pos:end]
        if kind == "word":
            low = lowered[pos:end] if same else raw.lower()
            entry = lookup(low)
            if entry is None and ("'" in low or "’" in low):  # d'octobre, l'après-midi
                entry = lookup(low.replace("’", "'").partition("'")[2])
            if entry is None:
                append(_Tok("word", low, raw, pos))
                continue
            ekind, value = entry
            if ekind == "zone" and raw.upper() in _CASED_ZONES and raw != raw.upper():
                append(_Tok("word", low, raw, pos))  # "pt", "et" in lower case are words
            elif ekind == "tword":
                append(_Tok("time", _Time(value, 0, 0, None, False), raw, pos))
            else:
                meridiems = meridiems or ekind == "mer"
                append(_Tok(ekind, value, raw, pos))
        elif kind == "pnum" or kind == "num":
            append(_Tok("num", (int(raw), len(raw)), raw, pos))
        elif kind == "hm":
            h_text, sec_text = m.group("hm_h"), m.group("hm_s") or m.group("hm_s2")
            mer = m.group("hm_mer")
            t = _clock(int(h_text), int(m.group("hm_m")), int(sec_text or 0), mer[0].lower() if mer else None,
                       padded=(len(h_text) == 2 and h_text[0] == "0") or bool(sec_text), pm_default=english)
            append(_Tok("time", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "hx":
            digits = m.group("hx_h")
            if len(digits) >= 3:
                h, mi = int(digits[:-2]), int(digits[-2:])
            else:
                h, mi = int(digits), int(m.group("hx_m") or 0)
            t = _clock(h, mi, 0, m.group("hx_mer")[0].lower())
            append(_Tok("time", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "p" or kind == "sep" or kind == "bar":
            append(_Tok("sep", "-", raw, pos) if kind == "sep" else _Tok("p", raw, raw, pos))
        elif kind == "ord":
            append(_Tok("ord", int(m.group("ord_n")), raw, pos))
        elif kind == "ymd":
            append(_Tok("date", (int(m.group("ymd_y")), int(m.group("ymd_m")), int(m.group("ymd_d")), None),
                        raw, pos))
        elif kind == "nd":
            append(_Tok("nd", (int(m.group("nd_a")), int(m.group("nd_b")), m.group("nd_c"), "/"), raw, pos))
        elif kind == "ndot":
            append(_Tok("nd", (int(m.group("ndot_a")), int(m.group("ndot_b")), m.group("ndot_c"), "."), raw, pos))
        elif kind == "dm":
            append(_Tok("nd", (int(m.group("dm_a")), int(m.group("dm_b")), None, "/"), raw, pos))
        elif kind == "dmon":
            month = _MONTHS_EN[m.group("dmon_m").lower()]
            append(_Tok("dmon", (int(m.group("dmon_d")), month, m.group("dmon_y")), raw, pos))
        elif kind == "mond":  # "aug-20" reads as "20-aug" does
            month = _MONTHS_EN[m.group("mond_m").lower()]
            append(_Tok("dmon", (int(m.group("mond_d")), month, m.group("mond_y")), raw, pos))
        elif kind == "hdot":
            t = _clock(int(m.group("hdot_h")), int(m.group("hdot_m")), 0, None,
                       padded=m.group("hdot_h")[0] == "0", pm_default=english)
            append(_Tok("hdot", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "hh":
            t = _clock(int(m.group("hh_h")), int(m.group("hh_m") or 0), 0, None, padded=True)
            append(_Tok("time", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "isodt":
            append(_Tok("isodt", raw, raw, pos))
        elif kind == "cnt":
            append(_Tok("cnt", int(m.group("cnt_n")), raw, pos))
        else:  # off, goff
            append(_Tok("off", raw, raw, pos))
    # "12:00 Noon", "12 midnight": the word says which twelve o'clock it is
    for i in range(len(toks) - 1, 0, -1):
        tok, prev = toks[i], toks[i - 1]
        if tok.kind == "time" and tok.raw.isalpha() and prev.kind in ("time", "num") \
                and (prev.val.h if prev.kind == "time" else prev.val[0]) in (0, 12) \
                and (prev.kind == "num" or prev.val.mi == 0):
            toks[i - 1:i + 1] = [_Tok("time", tok.val, prev.raw + " " + tok.raw, prev.pos)]
    if not meridiems:
        return toks
    # "8 pm", "6:30 p m" with the am/pm as a word of its own
    out: list[_Tok] = []
    for tok in toks:
        if tok.kind == "mer" and out and out[-1].kind == "num" and 1 <= out[-1].val[0] <= 12:
            prev = out.pop()
            out.append(_Tok("time", _Time(prev.val[0], 0, 0, tok.val), prev.raw + " " + tok.raw, prev.pos))
        elif tok.kind == "mer" and out and out[-1].kind == "time" and out[-1].val.mer is None \
                and out[-1].val.amb:
            out[-1].val.mer, out[-1].val.amb = tok.val, False
        elif tok.kind == "mer":
            out.append(_Tok("word", tok.raw.lower(), tok.raw, tok.pos))
        else:
            out.append(tok)
    return out


# --- small date helpers --------------------------------------------------------------


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
        last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))
        day = last.day - (last.weekday() - wd) % 7 + 7 * (n + 1)
    return date(y, m, day) if 1 <= day and _valid(y, m, day) else None


def _weekday_warning(wd: int, day: date) -> str:
    return (f"{WEEKDAY_NAMES[wd]} does not match {day.isoformat()}, a {WEEKDAY_NAMES[day.weekday()]}: "
            "the date is kept")


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


# --- the date grammar ----------------------------------------------------------------


class _Part:
    """One moment as the text gives it, field by field."""

    __slots__ = ("d", "iso", "kind", "m", "nth", "off", "rel", "time", "wd", "y", "zone")

    def __init__(self, kind="start"):
        self.y = self.m = self.d = self.wd = self.nth = self.time = None
        self.zone = self.off = self.rel = self.iso = None
        self.kind = kind

    def has_day(self) -> bool:
        return self.d is not None or self.rel is not None or self.iso is not None or self.nth is not None

    def empty(self) -> bool:
        return (self.y is None and self.m is None and self.d is None and self.wd is None and self.nth is None
                and self.time is None and self.rel is None and self.iso is None)

    def __repr__(self):
        return (f"P({self.kind} y={self.y} m={self.m} d={self.d} wd={self.wd} nth={self.nth} t={self.time} "
                f"rel={self.rel} iso={self.iso} z={self.zone} off={self.off})")


_SKIP_KW = {"of", "the", "at", "on", "day", "this", "next", "from", "starting", "begin"}


def _sig(toks: list[_Tok], i: int, skip=("p",)) -> _Tok | None:
    """The next token at or after i that is not punctuation (nor a skipped keyword)."""
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.kind in skip or (t.kind == "kw" and t.val in _SKIP_KW):
            i += 1
            continue
        return t
    return None


def _is_range_word(t: _Tok | None, between: bool) -> bool:
    if t is None:
        return False
    if t.kind == "sep":
        return True
    if t.kind == "kw":
        return t.val == "to" or (between and t.val in ("and", "à"))
    return False


def _resolve_nd(a: int, b: int, c: str | None, sep: str, day_first: bool, today: date):
    """(y, m, d) of a numeric date; y None when the text has no year; None when impossible."""
    year = _full_year(c, today) if c else None
    first_day = day_first or sep == "."
    d, m = (a, b) if first_day else (b, a)
    check_year = year if year is not None else 2000  # a leap year: 29/02 is a valid yearless date
    if not (1 <= m <= 12 and _valid(check_year, m, d)):
        d, m = m, d
        if not (1 <= m <= 12 and _valid(check_year, m, d)):
            return None
    return year, m, d


class _Reading:
    """The grammar's reading of a text: its moments, flags and what kind of text it is."""

    __slots__ = ("allday", "evidence", "invalid", "parts", "range_idx", "vague")

    def __init__(self):
        self.parts = [_Part()]
        self.range_idx = None
        self.evidence = False
        self.vague = False
        self.allday = False
        self.invalid = None


def _read(toks: list[_Tok], day_first: bool, today: date, z: tzinfo, tzname: str) -> _Reading:
    r = _Reading()
    parts = r.parts
    cur = parts[0]
    between = False
    n = len(toks)
    has_month_later = [False] * (n + 1)
    for j in range(n - 1, -1, -1):
        has_month_later[j] = has_month_later[j + 1] or toks[j].kind in ("month", "dmon")

    def new(kind):
        nonlocal cur
        cur = _Part(kind)
        parts.append(cur)
        if kind == "range":
            r.range_idx = len(parts) - 1
        return cur

    def open_range():
        if r.range_idx is None and not cur.empty():
            new("range")

    def date_slot():
        # "March 4, 11am-1pm & March 5, 11am-1pm": a date after an end that is only a time
        # of day starts another moment (a second session), not the end's day
        if cur.kind == "range" and cur.time is not None and not _has_date(cur) and _has_date(parts[0]):
            new("list")

    prev = None  # the previous significant token
    i = 0
    while i < n:
        t = toks[i]
        k = t.kind
        if k == "p":
            i += 1
            if t.val == "@":
                prev = _Tok("kw", "at", "@", t.pos)
            continue
        if k == "isodt":
            moment, _rest = _parse_iso(t.raw, z, tzname)
            if moment is _INVALID or moment is None:
                r.invalid = r.invalid or f"impossible date {t.raw}"
            else:
                if cur.has_day() or cur.time is not None:
                    new("list")
                v = moment.value
                cur.iso = moment if isinstance(v, datetime) else None
                cur.y, cur.m, cur.d = v.year, v.month, v.day
                if isinstance(v, datetime):
                    cur.time = _Time(v.hour, v.minute, v.second, None, False)
                r.evidence = True
        elif k in ("date", "nd", "dmon"):
            date_slot()
            if k == "date":
                y, m, d, _ = t.val
                ymd = (y, m, d) if _valid(y, m, d) else None
            elif k == "nd":
                a, b, c, sep = t.val
                ymd = _resolve_nd(a, b, c, sep, day_first, today)
            else:
                d, m, ytext = t.val
                ymd = (_full_year(ytext, today) if ytext else None, m, d)
                if not _valid(ymd[0] or 2000, m, d):
                    ymd = None
            if ymd is None:
                r.invalid = r.invalid or f"impossible date {t.raw.strip()}"
            else:
                if cur.has_day() or cur.m is not None:
                    new("list")
                cur.y, cur.m, cur.d = ymd
                r.evidence = True
        elif k == "month":
            date_slot()
            if cur.m is not None and (cur.d is not None or cur.nth is not None):
                new("list")
            elif cur.m is not None:
                cur.d = None
            cur.m = t.val
            r.evidence = True
        elif k == "wday":
            wd = t.val[0]
            date_slot()
            if cur.wd is not None or cur.iso is not None:
                new("list")
            elif cur.d is not None or cur.rel is not None:
                nxt = _sig(toks, i + 1)
                if nxt is not None and nxt.kind in ("month", "num", "ord", "nd", "date", "dmon"):
                    new("list")
            cur.wd = wd
            r.evidence = True
        elif k == "ord":
            nxt = _sig(toks, i + 1)
            if nxt is not None and nxt.kind == "wday" and toks[i + 1].kind != "p":  # "3rd Wednesday"
                if cur.nth is not None or cur.d is not None:
                    new("list")
                cur.nth = t.val
            elif 1 <= t.val <= 31:
                if cur.d is not None or cur.nth is not None:
                    new("list")
                cur.d = t.val
                r.evidence = True
        elif k == "num":
            value, length = t.val
            nxt = _sig(toks, i + 1)
            if length == 4 and 1000 <= value <= 2999:
                if cur.y is None:
                    cur.y = value
                elif cur.has_day():
                    new("list").y = value
            elif length == 4 or value > 31:
                if length == 2 and cur.m is not None and cur.d is not None and cur.y is None:
                    cur.y = _full_year(t.raw, today)
            elif (_is_range_word(nxt, between) and value <= 23 and not (cur.m is not None and cur.d is None)
                  and _time_follows(toks, i + 1)):
                # "6-8pm", "between 9 and 10am": an hour whose meridiem comes with the end
                if cur.time is not None:
                    open_range()
                cur.time = _clock(value, 0, 0, None, padded=length == 2 and value < 10)
            elif prev is not None and prev.kind == "kw" and prev.val in ("at", "à") and value <= 23 \
                    and cur.time is None and (nxt is None or nxt.kind not in ("month",)):
                cur.time = _clock(value, 0, 0, None, padded=length == 2 and value < 10, pm_default=True)
            elif (cur.kind == "range" and parts[0].time is not None and cur.time is None and cur.d is None
                  and cur.m is None and value <= 24 and not has_month_later[i + 1]):
                # "10am - 2", "9pm-1": the end's hour
                cur.time = _clock(value, 0, 0, None, padded=length == 2 and value < 10)
            elif cur.d is None and cur.nth is None and value >= 1 and (
                    cur.m is not None or (nxt is not None and nxt.kind == "month") or cur.wd is not None
                    or has_month_later[i + 1]
                    or (cur.kind == "range" and parts[0].d is not None and cur.time is None)):
                cur.d = value
                r.evidence = True
            elif cur.d is not None and cur.m is not None and cur.y is None and length == 2 \
                    and not (nxt is not None and nxt.kind == "month"):
                cur.y = _full_year(t.raw, today)
        elif k == "time":
            if cur.time is not None:
                if r.range_idx is None:
                    new("range")
                else:
                    new("list")
            cur.time = t.val
        elif k == "hdot":
            # "14.12" after a date is a time ("29.02.2020 13.12"); elsewhere a number
            if (cur.has_day() or cur.m is not None or (prev is not None and _is_range_word(prev, between))) \
                    and cur.time is None:
                cur.time = t.val
        elif k == "off":
            raw = t.raw
            if prev is not None and prev.kind == "time" and cur.time is not None and (
                    raw[0] not in "+-−" or len(raw) == 5 or _offset_after_time(toks, i)):
                cur.off = raw.replace("−", "-")
            elif raw[0] in "+-−" and raw[1:].replace(":", "").isdigit():
                # "2014-2015" or "1:30-02:30": a range, not an offset
                open_range()
                body = raw[1:]
                if ":" in body:
                    hh, mm = body.split(":")
                    if cur.time is None:
                        cur.time = _clock(int(hh), int(mm), padded=hh.startswith("0"), pm_default=True)
                elif 1000 <= int(body) <= 2999 and cur.y is None:
                    cur.y = int(body)
            elif raw[:3].lower() in ("gmt", "utc"):
                cur.off = raw
        elif k == "zone":
            if prev is not None and prev.kind in ("time", "zone") and cur.zone is None:
                cur.zone = t.val  # a zone name counts only right after a time
        elif k == "rel":
            if cur.has_day():
                new("list")
            cur.rel = t.val
            r.evidence = True
        elif k == "vague":
            r.vague = True
        elif k == "allday":
            r.allday = True
        elif k == "sep":
            if r.range_idx is None and not cur.empty():
                new("range")
        elif k == "kw":
            v = t.val
            if v == "to" or (between and v in ("and", "à")):
                if r.range_idx is None and not cur.empty():
                    new("range")
            elif v == "between":
                between = True
            elif v == "de":
                nxt = toks[i + 1] if i + 1 < n else None
                if nxt is not None and (nxt.kind == "time" or (
                        nxt.kind == "num" and i + 2 < n and toks[i + 2].kind == "kw" and toks[i + 2].val in ("à", "to"))):
                    between = True
        prev = t
        i += 1
    return r


def _time_follows(toks: list[_Tok], i: int) -> bool:
    """After the range word at or after i, a clock time (or an hour with its am/pm) follows."""
    n = len(toks)
    while i < n and (toks[i].kind == "p" or (toks[i].kind in ("sep", "kw") and toks[i].val in ("-", "to", "and", "à"))):
        i += 1
    return i < n and toks[i].kind == "time"


def _offset_after_time(toks: list[_Tok], i: int) -> bool:
    """Whether "-05:00" after a time is its offset rather than the end of a range: when the
    time has seconds or an am/pm."""
    j = i - 1
    while j >= 0 and toks[j].kind == "p":
        j -= 1
    if j < 0 or toks[j].kind != "time":
        return False
    t = toks[j].val
    return t.mer is not None or t.s != 0 or toks[j].raw.count(":") >= 2


# --- from a reading to a When --------------------------------------------------------


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


def _has_date(p: _Part) -> bool:
    return (p.d is not None or p.m is not None or p.y is not None or p.rel is not None or p.nth is not None
            or p.wd is not None or p.iso is not None)


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


def _make(day: date, minutes: int, second: int, p: _Part, z: tzinfo, tzname: str,
          tzover: tzinfo | None = None) -> tuple[datetime, str | None]:
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
    start = parts[0]
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
    if (end is not None and start.zone and end.zone and start.zone != end.zone
            and (not _has_date(end) or (end.y, end.m, end.d) == (start.y, start.m, start.d))):
        end = None  # "6 p.m. Eastern / 5 p.m. Central": one moment, written in two zones
    if end is not None:
        _inherit(start, end)

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

    if start.iso is not None:
        value = start.iso.value
        warnings.append(start.iso.warning)
    elif start.time is not None:
        if end is not None and end.time is not None:
            sm = _pair_minutes(start.time, end.time)[0]
        else:
            sm = start.time.minutes()
        value, w = _make(day, sm, start.time.s, start, z, tzname)
        warnings.append(w)
    else:
        value = day

    end_value = None
    if end is not None:
        if _has_date(end):
            if end.iso is not None:
                end_value = end.iso.value
                warnings.append(end.iso.warning)
            else:
                start_day = value.date() if isinstance(value, datetime) else value
                if end.y is None and end.m is not None and end.d is not None and end.nth is None:
                    end_day = _next_md(end.m, end.d, start_day)  # the first such day from the start
                    w_end = (_weekday_warning(end.wd, end_day) if end_day and end.wd is not None
                             and end_day.weekday() != end.wd else None)
                    err_end = None if end_day else "no such day"
                else:
                    end_day, w_end, err_end = _day_of(end, start_day)
                if end_day is None:
                    warnings.append(f"end not read: {err_end}")
                else:
                    warnings.append(w_end)
                    if end.time is not None:
                        em = _pair_minutes(start.time, end.time)[1] if start.time is not None else end.time.minutes()
                        end_value, w = _make(end_day, em % 1440, end.time.s, end, z, tzname)
                        warnings.append(w)
                    else:
                        end_value = end_day
        elif end.time is not None and isinstance(value, datetime):
            # a time of day on the start's day; one before the start is on the next day
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
        if end_value is not None and _before(end_value, value):
            warnings.append(f"end {to_iso(end_value)} is before the start: dropped")
            end_value = None
    if isinstance(value, datetime):
        return When(start=value, end=end_value, all_day=False, timezone=_zone_label(value.tzinfo),
                    warning=_join(*warnings))
    return When(start=value, end=end_value, all_day=True, timezone=label, warning=_join(*warnings))


# --- recurring phrases ---------------------------------------------------------------

_PERIOD_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY", "weekend": "WEEKLY",
                "weekday": "WEEKLY"}
_ADVERB_FREQ = {"daily": ("DAILY", 1), "weekly": ("WEEKLY", 1), "monthly": ("MONTHLY", 1),
                "yearly": ("YEARLY", 1), "biweekly": ("WEEKLY", 2)}
_DAYISH = {"wday", "ord", "num", "month", "cnt"}
WEEKDAYS_SET = (0, 1, 2, 3, 4)
WEEKEND_SET = (5, 6)


def _is_recurring(toks: list[_Tok]) -> bool:
    """Whether a text announces a rule rather than a date: every/each, monthly, weekdays,
    Tuesdays, of every month, twice a day, "the fourth Thursday in November"."""
    n = len(toks)
    for i, t in enumerate(toks):
        k, v = t.kind, t.val
        if k == "wday" and v[1]:
            return True
        if k != "kw":
            continue
        if v in ("daily", "weekly", "monthly", "yearly", "biweekly"):
            return True
        if v in ("weekday", "weekend") and t.raw.lower().endswith("s"):
            return True
        if v == "every":
            for nxt in toks[i + 1:i + 5]:
                if nxt.kind in _DAYISH or (nxt.kind == "kw" and nxt.val in (
                        "other", "week", "month", "year", "day", "weekday", "weekend", "last", "first")):
                    return True
        if v in ("once", "twice") and i + 2 < n and toks[i + 1].kind == "kw" and toks[i + 1].val == "a":
            return True
        if v == "of" and i + 2 < n and toks[i + 1].kind == "kw" and toks[i + 1].val == "the" \
                and toks[i + 2].kind == "kw" and toks[i + 2].val == "month":
            return True
    # "the fourth Thursday in November" (no year): the rule of a yearly event
    sig = [t for t in toks if t.kind not in ("p", "word")]
    if (len(sig) >= 5 and sig[0].kind == "kw" and sig[0].val == "the" and sig[1].kind == "ord"
            and sig[2].kind == "wday" and sig[3].kind == "kw" and sig[3].val in ("in", "of")
            and sig[4].kind == "month"
            and not any(t.kind == "num" and t.val[1] == 4 for t in sig)):
        return True
    return False


def _time_ranges(toks: list[_Tok]) -> tuple[list[tuple[int, int | None, int]], set[int], str | None]:
    """The clock times of a rule: [(start minutes, end minutes or None, seconds)], the token
    indexes they used, and a zone name written after them."""
    ranges, used, zone_name = [], set(), None
    n = len(toks)
    i = 0
    between = False
    while i < n:
        t = toks[i]
        if t.kind == "kw" and t.val == "between":
            between = True
        if t.kind == "zone" and ranges and i - 1 in used:
            zone_name = zone_name or t.val
        start = None
        if t.kind == "time":
            start = t.val
        elif t.kind == "num" and t.val[0] <= 23 and _time_follows(toks, i + 1) and i + 1 < n and \
                _is_range_word(toks[i + 1], between):
            start = _clock(t.val[0], 0, 0, None, padded=t.val[1] == 2 and t.val[0] < 10)
        elif t.kind == "num" and _at_hour(toks, i):
            # "Wednesdays at 9": an hour, as in a dated text (never the 9th of the month)
            start = _clock(t.val[0], 0, 0, None, padded=t.val[1] == 2 and t.val[0] < 10, pm_default=True)
        if start is None:
            i += 1
            continue
        used.add(i)
        j = i + 1
        end = None
        if j < n and _is_range_word(toks[j], between):
            k = j + 1
            if k < n and toks[k].kind == "time":
                end = toks[k].val
                used.update((j, k))
                j = k + 1
        if end is not None:
            sm, em = _pair_minutes(start, end)
            ranges.append((sm, em, start.s))
        else:
            ranges.append((start.minutes(), None, start.s))
        between = False
        i = j
    return ranges, used, zone_name


def _at_hour(toks: list[_Tok], i: int) -> bool:
    """Whether the number at i is an hour: right after "at" / "@" / "à", at most 23, and
    no month next ("at 9", not "at 9 March")."""
    value, length = toks[i].val
    if i == 0 or value > 23 or length > 2:
        return False
    prev = toks[i - 1]
    if not ((prev.kind == "kw" and prev.val in ("at", "à")) or (prev.kind == "p" and prev.val == "@")):
        return False
    nxt = _sig(toks, i + 1)
    return nxt is None or nxt.kind not in ("month", "ord", "num")


def _expand_days(a: int, b: int) -> list[int]:
    return [(a + k) % 7 for k in range((b - a) % 7 + 1)]


def _rule(toks: list[_Tok]) -> tuple[str, list, str | None] | None:
    """(RRULE, time ranges, zone name) of a recurring phrase; None when it is not one."""
    ranges, used, zone_name = _time_ranges(toks)
    sig = [t for i, t in enumerate(toks) if i not in used and t.kind not in ("p", "word", "zone")]
    n = len(sig)
    freq, interval, count = None, 1, None
    byday: list[tuple[int | None, int]] = []
    monthdays: list[int] = []
    months: list[int] = []
    weeknos: list[int] = []
    setpos: list[int] = []
    pending: list[int] = []
    day_numbers = month_ctx = week_ctx = day_ctx = at_start = at_end = False

    def kw(j, *values):
        return 0 <= j < n and sig[j].kind == "kw" and (not values or sig[j].val in values)

    def period(j):
        return kw(j, "day", "week", "month", "year", "weekend", "weekday")

    def add_period(j):
        nonlocal freq
        v = sig[j].val
        freq = freq or _PERIOD_FREQ[v]
        if v == "weekend":
            byday.extend((None, d) for d in WEEKEND_SET)
        elif v == "weekday":
            byday.extend((None, d) for d in WEEKDAYS_SET)

    i = 0
    while i < n:
        t = sig[i]
        k, v = t.kind, t.val
        if k == "kw" and v == "every":
            j = i + 1
            if kw(j, "other"):
                interval, j = 2, j + 1
            elif j < n and sig[j].kind in ("num", "ord") and period(j + 1):
                interval, j = (sig[j].val[0] if sig[j].kind == "num" else sig[j].val), j + 1
            if period(j):
                add_period(j)
                if sig[j].val == "week" and j + 1 < n and sig[j + 1].kind == "num":
                    pass
                j += 1
            i = j
            continue
        if k == "kw" and v in _ADVERB_FREQ:
            freq, step = _ADVERB_FREQ[v]
            interval = max(interval, step)
        elif k == "kw" and v in ("once", "twice"):
            if kw(i + 1, "a") and period(i + 2):
                p = sig[i + 2].val
                freq = _PERIOD_FREQ[p] if p != "weekend" else "WEEKLY"
                i += 3
                continue
            if v == "twice":
                count = 2
        elif k == "cnt":
            count = v
        elif k == "num":
            value = v[0]
            if kw(i + 1, "times", "x"):
                count = value
                i += 2
                continue
            if week_ctx:
                weeknos.append(value)
            elif (month_ctx or day_ctx) and 1 <= value <= 31:
                monthdays.append(value)
            elif 1 <= value <= 31:
                pending.append(value)
        elif k == "ord":
            if kw(i + 1, "to") and (kw(i + 2, "last") or (kw(i + 2, "the") and kw(i + 3, "last"))):
                pending.append(-v)
                i += 3 if kw(i + 2, "last") else 4
                continue
            if month_ctx and not (i + 1 < n and sig[i + 1].kind == "wday"):
                monthdays.append(v)
            else:
                pending.append(v)
        elif k == "kw" and v == "first":
            pending.append(1)
        elif k == "kw" and v == "last":
            pending.append(-1)
        elif k == "kw" and v == "penultimate":
            pending.append(-2)
        elif k == "wday":
            wd = v[0]
            if i + 2 < n and (sig[i + 1].kind == "sep" or kw(i + 1, "to")) and sig[i + 2].kind == "wday":
                byday.extend((None, d) for d in _expand_days(wd, sig[i + 2].val[0]))
                i += 3
                continue
            if pending:
                byday.extend((p, wd) for p in pending)
                pending = []
            else:
                byday.append((None, wd))
            month_ctx = False
        elif k == "kw" and v == "instance":
            setpos, pending = pending, []
        elif k == "kw" and v == "day":
            if pending:
                day_numbers = True
            else:
                day_ctx = True
        elif k == "kw" and v == "week":
            if i + 1 < n and sig[i + 1].kind == "num":
                week_ctx = True
            else:
                freq = freq or "WEEKLY"
        elif k == "kw" and v in ("weekend", "weekday"):
            add_period(i)
        elif k == "kw" and v == "month":
            freq = freq or "MONTHLY"
            month_ctx = False
        elif k == "kw" and v == "year":
            freq = freq or "YEARLY"
        elif k == "kw" and v == "begin":
            at_start = True
        elif k == "kw" and v == "end":
            at_end = True
        elif k == "month":
            months.append(v)
            month_ctx = True
            day_ctx = False
        elif k in ("date", "nd", "dmon", "isodt", "rel"):
            return None  # a full date: a dated event that mentions a rule, not a rule
        if k not in ("num", "ord", "month") and not (k == "kw" and v in ("and", "on", "the", "of", "in", "day")):
            month_ctx = False  # "december 21st and 31st": the month's days run until another word
        i += 1

    yeardays: list[int] = []
    if pending:
        if freq == "WEEKLY" and day_numbers:
            byday.extend((None, (p - 2) % 7) for p in pending if 1 <= p <= 7)  # the week starts on Sunday
        elif freq == "YEARLY" and not months and not byday:
            yeardays.extend(pending)  # "every year on the 31st": the 31st day of the year
        else:
            monthdays.extend(pending)
    if (at_start or at_end) and not monthdays and not byday and not yeardays:
        monthdays.append(1 if at_start else -1)
    if freq is None:
        if weeknos or months:
            freq = "YEARLY"
        elif monthdays or any(o is not None for o, _ in byday):
            freq = "MONTHLY"
        elif byday:
            freq = "WEEKLY"
        else:
            return None
    if weeknos and freq != "YEARLY":
        freq = "YEARLY"
    if freq == "WEEKLY" and any(o is not None for o, _ in byday):
        freq = "MONTHLY"  # "weekly on the first Monday": RFC 5545 allows no ordinal in a weekly BYDAY
    if freq in ("MONTHLY", "YEARLY") and not (byday or monthdays or weeknos or yeardays):
        return None  # "monthly meeting", "every March": the day is not known
    if freq == "WEEKLY" and not byday:
        return None
    starts = _unique(sm % 1440 for sm, _, _ in ranges)
    hours, minute = [], None
    if starts and len({m % 60 for m in starts}) == 1:
        hours, minute = sorted(m // 60 for m in starts), starts[0] % 60
    rule = {"FREQ": freq, "INTERVAL": interval if interval != 1 else None, "COUNT": count,
            "BYMONTH": _unique(months), "BYWEEKNO": _unique(weeknos), "BYYEARDAY": _unique(yeardays),
            "BYMONTHDAY": _unique(monthdays), "BYDAY": _unique(byday), "BYHOUR": hours,
            "BYMINUTE": [minute] if minute is not None else [], "BYSETPOS": _unique(setpos)}
    return rule, ranges, zone_name


def _unique(values):
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _rule_text(rule: dict) -> str:
    """RFC 5545 RRULE text: FREQ first, INTERVAL only when not 1."""
    parts = [f"FREQ={rule['FREQ']}"]
    for key in ("INTERVAL", "COUNT"):
        if rule[key]:
            parts.append(f"{key}={rule[key]}")
    for key in ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY"):
        if rule[key]:
            parts.append(f"{key}=" + ",".join(map(str, rule[key])))
    if rule["BYDAY"]:
        parts.append("BYDAY=" + ",".join(f"{o if o is not None else ''}{RRULE_DAYS[d]}" for o, d in rule["BYDAY"]))
    for key in ("BYHOUR", "BYMINUTE", "BYSETPOS"):
        if rule[key]:
            parts.append(f"{key}=" + ",".join(map(str, rule[key])))
    return ";".join(parts)


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
        _FREQS[rule["FREQ"]], dtstart=dtstart, interval=1, cache=False,
        bymonth=rule["BYMONTH"] or None, byweekno=rule["BYWEEKNO"] or None,
        byyearday=rule["BYYEARDAY"] or None, bymonthday=rule["BYMONTHDAY"] or None,
        byweekday=[weekday(d, o) for o, d in rule["BYDAY"]] or None,
        byhour=rule["BYHOUR"] or None, byminute=rule["BYMINUTE"] or None,
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
        after.replace(year=after.year + shift), inc=True)
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
        return (not rule["BYMONTH"] and not rule["BYMONTHDAY"] and all(o is None for o, _ in byday)
                and (bool(byday) or freq == "DAILY"))
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
            if not weeks or not any(date.fromisocalendar(2027, w, d).month in rule["BYMONTH"]
                                    for w in weeks for d in range(1, 8)):
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
        times = (sorted(h * 60 + m for h in rule["BYHOUR"] for m in rule["BYMINUTE"])
                 if rule["BYHOUR"] else [first[0] % 1440])
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


def _when_rule(toks: list[_Tok], now: datetime, z: tzinfo) -> When | None:
    parsed = _rule(toks)
    if parsed is None:
        return None
    parts, ranges, zone_name = parsed
    rule = _rule_text(parts)
    zz = _named_zone(zone_name, z, now.year) if zone_name else z
    if not _feasible(parts):
        return When(timezone=_zone_label(zz), rrule=rule, error="no occurrence: the rule names no real day")
    try:
        start, end, warning = _next_occurrence(parts, ranges, zz, now)
    except (ValueError, TypeError, OverflowError) as exc:
        return When(timezone=_zone_label(zz), rrule=rule, error=f"rule not usable: {exc}")
    if start is None:
        return When(timezone=_zone_label(zz), rrule=rule, error="no occurrence of the rule found")
    return When(start=start, end=end, all_day=not isinstance(start, datetime), timezone=_zone_label(zz),
                rrule=rule, warning=warning)


# --- dateparser (the fallback) -------------------------------------------------------


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


# --- entry points --------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")


def _clean(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    return " ".join(text.replace("\u200b", "").split())


def _now_local(now: datetime, z: tzinfo) -> datetime:
    """now as naive wall time in zone z (a naive now is taken as UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(z).replace(tzinfo=None, microsecond=0)


def _languages(languages) -> tuple[str, ...] | None:
    if isinstance(languages, str):
        return (languages,)
    try:
        found = tuple(x for x in languages if isinstance(x, str) and x)
    except TypeError:
        return None
    return found or ("en",)


def parse_when(text: str, now: datetime, tz: str, *, languages=("en",), day_first: bool = False) -> When:
    """When a published date text says the event is, read in the source zone tz (an IANA
    name) with `now` as the reference for missing years and recurring phrases.

    Never raises: a text with no usable date gives a When with `error` set.
    """
    if not isinstance(text, str):
        return When(error="not a text")
    if not isinstance(tz, str):
        return When(error="the time zone must be an IANA name")
    if not isinstance(now, datetime):
        return When(error="now must be a datetime")
    langs = _languages(languages)
    if langs is None:
        return When(error="languages must be language codes")
    try:
        return _when_cached(text, now, tz, langs, bool(day_first))
    except (ValueError, OverflowError, RecursionError) as exc:  # a bug of ours on an odd text
        return When(timezone=_zone_label(zone(tz)), error=f"internal error: {type(exc).__name__}: {exc}")


@functools.lru_cache(maxsize=8192)
def _when_cached(text: str, now: datetime, tz: str, languages: tuple[str, ...], day_first: bool) -> When:
    # Keyed by the full `now` (fixed within a crawl): relative phrases stay exact.
    z, zone_warning = _zone(tz)
    when = _read_text(_clean(text), now, z, tz if z is not UTC else "UTC", languages, day_first)
    if zone_warning:
        when = When(when.start, when.end, when.all_day, when.timezone, when.rrule,
                    _join(zone_warning, when.warning), when.error)
    return when


_REST_JUNK = " \t,.;:)]}\"'"


def _read_text(text: str, now: datetime, z: tzinfo, tzname: str, languages: tuple[str, ...],
               day_first: bool) -> When:
    label = _zone_label(z)
    if not text:
        return When(timezone=label, error="empty text")
    if len(text) > MAX_TEXT:
        return When(timezone=label, error=f"too long to be a date ({len(text)} characters)")
    try:
        now_local = _now_local(now, z)
    except OverflowError:
        now_local = None
    if now_local is None or not 1001 <= now_local.year <= 9997:
        return When(timezone=label, error="now must be within the years 1001 to 9997")
    today = now_local.date()

    # 1. ISO 8601
    moment, rest = _parse_iso(text, z, tzname)
    if moment is _INVALID:
        return When(timezone=label, error=f"impossible date {text[:40]!r}")
    if moment is not None:
        rest = rest.strip(_REST_JUNK)
        if not rest or (isinstance(moment.value, datetime) and not any(c.isdigit() for c in rest)):
            return _from_moment(moment, z)

    # 2. the commonest shape ("March 3-5, 2027"), then the grammar
    if "en" in languages:
        when = _shape(text, today, z, tzname)
        if when is not None:
            return when
    low = text.lower()
    if ("tb" in low or "to be" in low or "all" in low or "clock" in low or "jour" in low or "de l" in low
            or "du " in low or "todo" in low):
        for lang in languages:
            for pattern, replacement in _PHRASES.get(lang, ()):
                text = pattern.sub(replacement, text)
    toks = _tokenize(text, languages)
    aware_now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    if _is_recurring(toks):
        when = _when_rule(toks, aware_now, z)
        if when is not None:
            return when
    when = _finish(_read(toks, day_first, today, z, tzname), today, z, tzname)
    if when is not None and (when.error is None or not _unread(languages) or when.error.startswith("impossible")):
        return when

    # 3. dateparser, for what the grammar does not know
    if moment is not None:
        return _from_moment(moment, z)
    found = _parse_free(text, z, tzname, now_local, languages)
    if found is None:
        return when or When(timezone=label, error="no date found")
    return _from_moment(found, z)


_SHAPE = re.compile(
    r"(?:(?P<wd>[a-z]{3,9})\.?,?\s+)?(?P<m>[a-z]{3,9})\.?,?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s*[-–]\s*(?P<m2>[a-z]{3,9}\.?\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?,?\s+(?P<y>\d{4})\.?",
    re.IGNORECASE,
)


def _shape(text: str, today: date, z: tzinfo, tzname: str) -> When | None:
    """The commonest form of an event's days, "[Weekday,] Month D[-[Month] D], YYYY",
    read straight into the grammar's parts (the same reading, without tokenizing);
    None for anything else."""
    m = _SHAPE.fullmatch(text)
    if m is None:
        return None
    month = _MONTHS_EN.get(m["m"].lower())
    month2 = _MONTHS_EN.get(m["m2"].strip(" .").lower()) if m["m2"] else month
    wd = _WEEKDAYS_EN.get(m["wd"].lower()) if m["wd"] else None
    if month is None or month2 is None or (m["wd"] and wd is None):
        return None
    r = _Reading()
    start = r.parts[0]
    start.m, start.d, start.wd = month, int(m["d"]), wd
    if m["d2"]:
        end = _Part("range")
        end.m, end.d, end.y = (month2 if m["m2"] else None), int(m["d2"]), int(m["y"])
        r.parts.append(end)
        r.range_idx = 1
    else:
        start.y = int(m["y"])
    r.evidence = True
    return _finish(r, today, z, tzname)


def _from_moment(moment: Moment, z: tzinfo) -> When:
    value = moment.value
    if isinstance(value, datetime):
        return When(start=value, all_day=False, timezone=_zone_label(value.tzinfo), warning=moment.warning)
    return When(start=value, all_day=True, timezone=_zone_label(z), warning=moment.warning)


def only_a_time(text: str, now: datetime, tz: str, *, languages=("en",)) -> bool:
    """Whether a text names a time of day and no day ("16:10", "6:30 pm - 8 pm"): on a
    listing it is read with the date the listing gives it (a date heading above it)."""
    return parse_when(text, now, tz, languages=languages).error == ONLY_A_TIME


def parse_moment(text: str, tz: str, now: datetime,
                 languages: tuple[str, ...] = ("en",)) -> Moment | None:
    """The start a published date string names, in the source zone tz; None if none."""
    if not isinstance(text, str) or not isinstance(tz, str) or not isinstance(now, datetime):
        return None
    langs = _languages(languages)
    if langs is None:
        return None
    return _moment_cached(text, tz, now, langs)


@functools.lru_cache(maxsize=8192)
def _moment_cached(text: str, tz: str, now: datetime, languages: tuple[str, ...]) -> Moment | None:
    when = parse_when(text, now, tz, languages=languages)
    if when.start is None:
        return None
    return Moment(when.start, not isinstance(when.start, datetime), when.warning)


def cache_clear() -> None:
    """Forget every cached result (benchmarks measure cold calls)."""
    _when_cached.cache_clear()
    _moment_cached.cache_clear()
    _date_parser.cache_clear()


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
