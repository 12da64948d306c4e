"""Markup's start and end checked against the page's own words for the same event.

A structured start (schema.org ``startDate``, RSS ``ev:startdate``) is compared with the
times a text tied to THIS event states for its day: the event's own description, the
element that carries its microdata / RDFa / hCalendar, or the text of a page that holds
exactly one event. A time counts when it follows (or just precedes) a mention of the day
("Feb 01 2024 / 6:30 pm - 8:30 pm", "December 14, 2023 9:30 AM - 12:00 PM"; a few words and
punctuation in between, no number and no end of a sentence); in the event's own texts a time
also counts alone when the text names no date at all ("The meeting begins at 8:30 AM"). The
times themselves are read by the date engine (``eventhound.dates.parse_when``).

Decisions, each recorded by a reason code (eventhound/extractors/base.py):

- ``start_time_from_page_repaired``: the markup gives only a date ("2024-02-01") and the
  tied text states one start time for that day: the time (and the end time, when the end
  is the same day or absent) is taken from the text.
- ``naive_markup_time_was_utc_repaired``: a time without offset ("2023-12-14T14:30") that
  the text does not confirm, but that is exactly one zone offset away from the time the
  text states (9:30 AM in New York): the markup is UTC written without a Z (start and a
  naive end become ``+00:00``).
- ``broken_markup_time_read_by_page_repaired``: a malformed time ("2019-9-20T08-08-30-00",
  a template that printed hour, hour, minute, "00") has several readings (08:08, 08:30);
  the one reading the text confirms is written as a clean ISO value.

Everything else is left as published: no tied text, no time stated for the day, several
different times stated (ambiguous), the markup confirmed, a time with an offset, or a text
that states another time no reading of the markup explains: the markup wins. Such a
disagreement gets no reason code on purpose: every code is a warning (a repair) or an error,
and an error would mark each crawl of the source incomplete (eventhound.runlog.complete), which
stops its vanished events from ever being removed. Pure functions: ``now`` and the zone (an
IANA name) are passed in; nothing reads the clock.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from eventhound.dates import parse_when

FROM_PAGE = "start_time_from_page_repaired"
WAS_UTC = "naive_markup_time_was_utc_repaired"
BROKEN_READ = "broken_markup_time_read_by_page_repaired"

MAX_TEXT = 400_000  # characters of a page searched
_AFTER_GAP = 48  # characters of words between a day and the time after it
_BEFORE_GAP = 24  # ... between a time and the day after it

# --------------------------------------------------------------------------- visible text

_HIDDEN_OPEN_RE = re.compile(r"<(script|style|template|svg)\b|<!--", re.I)
_HIDDEN_CLOSE_RE = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in ("script", "style", "template", "svg")}
_TAG_RE = re.compile(r"<[^>]*>")


def _shown(markup: str) -> str:
    """The markup without scripts, styles, templates, SVG and comments, found by their openings
    (one regex with a back-reference over whole elements took 2 ms on a 160 kB page, this 0.5)."""
    parts, pos = [], 0
    while (m := _HIDDEN_OPEN_RE.search(markup, pos)) is not None:
        parts.append(markup[pos : m.start()])
        if m.group(1):
            close = _HIDDEN_CLOSE_RE[m.group(1).lower()].search(markup, m.end())
            pos = close.end() if close else len(markup)
        else:
            close = markup.find("-->", m.end())
            pos = close + 3 if close != -1 else len(markup)
    parts.append(markup[pos:])
    return " ".join(parts)


def visible_text(markup: str) -> str:
    """The words of an HTML page or fragment: scripts, styles and comments out, tags to spaces."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup[:MAX_TEXT].split())
    text = _TAG_RE.sub(" ", _shown(markup[:MAX_TEXT]))
    return " ".join(html_lib.unescape(text).split())


# --------------------------------------------------------------------------- stated times

_MONTHS = (
    "jan(?:uary)?",
    "feb(?:ruary)?",
    "mar(?:ch)?",
    "apr(?:il)?",
    "may",
    "june?",
    "july?",
    "aug(?:ust)?",
    "sep(?:t(?:ember)?)?",
    "oct(?:ober)?",
    "nov(?:ember)?",
    "dec(?:ember)?",
)
# Each pattern that searches a whole text opens with a gate of the characters it can start with:
# Python's regex engine then skips other positions fast (2-4x on page text).
_ANY_DATE_RE = re.compile(
    r"(?=[\djfmasond])(?:\b(?:" + "|".join(_MONTHS) + r")\.?\s+\d|\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b)", re.I
)
_TIME = r"(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m\b\.?|\d{1,2}:\d{2}(?!\d)|noon\b|midnight\b)"
_RANGE = rf"{_TIME}(?:\s*(?:-|–|—|to|until|till)\s*{_TIME})?"
_GAP = r"(?:(?![.!?]\s+[A-Za-z])[^\d])"  # one character between a day and its time: no digit, no sentence end
_RANGE_RE = re.compile(rf"(?=[\dnm])(?<![\w:.]){_RANGE}", re.I)
_AFTER_RE = re.compile(rf"{_GAP}{{0,{_AFTER_GAP}}}?({_RANGE})", re.I)
_BEFORE_RE = re.compile(rf"(?<![\w:.])({_RANGE}){_GAP}{{0,{_BEFORE_GAP}}}?\Z", re.I)


_MONTH = "(?P<{}>" + "|".join(_MONTHS) + ")"
_DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th)?"
# A year, or none ("Feb 1, 6:30 pm"); but not a year after the time ("Aug 05 12:00:00 2015", as ctime writes).
_YEAR = r"(?:,?\s*(?P<{}>\d{{4}})(?!\d)|(?!,?\s*(?:\d{{1,2}}:\d\d(?::\d\d)?\s+)?\d{{4}}))"
# Any day as pages write it ("Feb 01 2024", "1 February 2024", "2024-02-01", "2/1/24"): one pattern
# for every day, compiled once (a pattern per day cost 1.6 ms to compile, more than the search).
_MENTION_RE = re.compile(
    r"(?=[\djfmasond])"
    rf"(?:\b{_MONTH.format('mon1')}\.?\s+{_DAY.format('day1')}{_YEAR.format('year1')}"
    rf"|(?<!\d){_DAY.format('day2')}\s+(?:of\s+)?{_MONTH.format('mon2')}\b\.?{_YEAR.format('year2')}"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})(?![\d:T])"
    r"|(?<![\d/])(?P<mon4>\d{1,2})/(?P<day4>\d{1,2})/(?P<year4>\d{4}|\d{2})(?!\d))",
    re.I,
)
_MONTH_NUMBER = {name[:3]: number for number, name in enumerate(_MONTHS, 1)}


def _mentioned_day(m: re.Match) -> tuple[str | None, int, int]:
    """(year as written or None, month, day) of a mention."""
    if m["iso"]:
        year, month, day = m["iso"].split("-")
        return year, int(month), int(day)
    if m["mon4"]:
        return m["year4"], int(m["mon4"]), int(m["day4"])
    name, day, year = (m["mon1"], m["day1"], m["year1"]) if m["mon1"] else (m["mon2"], m["day2"], m["year2"])
    return year, _MONTH_NUMBER[name[:3].lower()], int(day)


@functools.lru_cache(maxsize=16)
def _mentions(text: str) -> tuple[tuple[tuple, int, int], ...]:
    """Every mention of a day in the text: ((year, month, day), start, end); read once per text
    (the start is checked for its day and, a zone offset away, for the day before or after)."""
    return tuple((_mentioned_day(m), m.start(), m.end()) for m in _MENTION_RE.finditer(text))


def _is_day(said: tuple, day: date) -> bool:
    year, month, number = said
    return (month, number) == (day.month, day.day) and year in (None, str(day.year), f"{day.year % 100:02d}")


def _times_by_day(text: str, day: date) -> list[str]:
    """The time texts right after (or just before) each mention of the day."""
    found = []
    for said, start, end in _mentions(text):
        if not _is_day(said, day):
            continue
        after = _AFTER_RE.match(text, end)
        before = None if after else _BEFORE_RE.search(text[max(0, start - 64) : start])
        if after or before:
            found.append((after or before).group(1))
    return found


def _read_range(snippet: str, day: date, now: datetime, zone: str) -> tuple[time, time | None] | None:
    """(start, end or None) wall times of a time or time range, read by the date engine on the day."""
    when = parse_when(f"{day.isoformat()} {snippet}", now, zone)
    if not isinstance(when.start, datetime) or when.start.date() != day:
        return None
    end = when.end.time() if isinstance(when.end, datetime) else None
    return when.start.time(), end


def stated_times(texts: list[tuple[str, bool]], day: date, now: datetime, zone: str) -> list[tuple]:
    """The (start, end or None) times the texts state for the day, in order, once each.

    Each text comes with whether it is the event's own (its description, its element): there a
    time also counts alone when the text names no date at all."""
    found: list[tuple] = []
    for text, own in texts:
        if not text:
            continue
        snippets = _times_by_day(text, day)
        if own and not snippets and not _ANY_DATE_RE.search(text):
            snippets = [m.group() for m in _RANGE_RE.finditer(text)]
        for snippet in snippets:
            reading = _read_range(snippet, day, now, zone)
            if reading is not None and reading not in found:
                found.append(reading)
    return found


# --------------------------------------------------------------------------- markup values

_DATE_ONLY_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NAIVE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")
_AWARE_RE = re.compile(_NAIVE_RE.pattern + r"(?:Z|[+-]\d{2}:?\d{2})", re.I)
_BROKEN_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ]([\d\s:.-]{3,30})")


def _date(y, m, d) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _shape(value: str | None) -> tuple[str, object] | None:
    """What a markup date value is: ("date", day), ("naive", datetime), ("broken", (day, time
    part)), or None (no value, a time with an offset, or not a shape checked here)."""
    value = (value or "").strip()
    if m := _DATE_ONLY_RE.fullmatch(value):
        return ("date", day) if (day := _date(*m.groups())) else None
    if m := _NAIVE_RE.fullmatch(value):
        try:
            return "naive", datetime.fromisoformat(value.replace(" ", "T"))
        except ValueError:
            return None
    if _AWARE_RE.fullmatch(value):
        return None
    if (m := _BROKEN_RE.fullmatch(value)) and not re.match(r"\d{1,2}:\d{2}", m.group(4)):
        return ("broken", (day, m.group(4))) if (day := _date(*m.groups()[:3])) else None
    return None


def _readings(part: str) -> list[time]:
    """Every time a malformed time part could mean: each two neighbouring numbers as hour and minute."""
    numbers = [int(n) for n in re.findall(r"\d+", part) if len(n) <= 2]
    out = []
    for hour, minute in zip(numbers, numbers[1:]):
        if hour < 24 and minute < 60 and time(hour, minute) not in out:
            out.append(time(hour, minute))
    return out


def _iso(day: date, clock: time) -> str:
    return f"{day.isoformat()}T{clock.strftime('%H:%M:%S')}"


def _end_text(day: date, start: time, end: time | None) -> str | None:
    """A floating end on the start's day (the next day when it is not after the start)."""
    if end is None:
        return None
    return _iso(day if end > start else day + timedelta(days=1), end)


def _hm(clock: time) -> tuple[int, int]:
    return clock.hour, clock.minute


def _starts(stated: list[tuple]) -> set[tuple[int, int]]:
    return {_hm(start) for start, _ in stated}


def _end_for(stated: list[tuple], start: time) -> time | None:
    """The end the texts state with this start (the first one that has an end)."""
    return next((end for s, end in stated if _hm(s) == _hm(start) and end is not None), None)


# --------------------------------------------------------------------------- decisions


def checkable(raw: dict, zone: str = "UTC") -> bool:
    """Whether the event's start is a markup value this module checks: a date, a broken time, or a
    naive time where the zone is not UTC then (in UTC a naive time is UTC whatever the page says)."""
    shape = _shape(raw.get("start_text"))
    if shape is None or shape[0] != "naive":
        return shape is not None
    return bool(_utc_offset(shape[1], zone))


def _utc_offset(moment: datetime, zone: str) -> timedelta | None:
    """The zone's offset at a naive time read as UTC; None for an unknown zone."""
    try:
        return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).utcoffset()
    except (ValueError, KeyError, OSError, OverflowError):
        return None


def reconcile(raw: dict, texts: list[tuple[str, bool]], now: datetime, zone: str) -> list[str]:
    """Check the raw event's start (and end) against the texts tied to it; correct raw in place.

    texts: (text, whether it is the event's own) as in ``stated_times``; zone: the source's
    IANA zone. Returns the reason codes of what was decided (empty when nothing was)."""
    shape = _shape(raw.get("start_text"))
    if shape is None or not any(text for text, _ in texts):
        return []
    try:
        tz = ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        return []
    kind, value = shape
    return _DECIDE[kind](raw, value, texts, now, zone, tz)


def _from_page(raw: dict, day: date, texts, now, zone, tz) -> list[str]:
    """A date alone in the markup: the one start time the texts state for that day."""
    stated = stated_times(texts, day, now, zone)
    if len(_starts(stated)) != 1:
        return []  # nothing stated, or several times: not this module's to choose
    start = stated[0][0]
    raw["start_text"] = _iso(day, start)
    if raw.get("end_text") is None or _shape(raw["end_text"]) == ("date", day):
        end = _end_text(day, start, _end_for(stated, start))
        if end:
            raw["end_text"] = end
        else:
            raw.pop("end_text", None)
    return [FROM_PAGE]


def _naive(raw: dict, moment: datetime, texts, now, zone, tz) -> list[str]:
    """A time without offset: kept when the texts confirm it, UTC when they state it one offset away."""
    as_utc = moment.replace(tzinfo=UTC).astimezone(tz)
    if not as_utc.utcoffset():
        return []  # in UTC both readings are one
    on_day = stated_times(texts, moment.date(), now, zone)
    on_utc_day = on_day if as_utc.date() == moment.date() else stated_times(texts, as_utc.date(), now, zone)
    if _hm(moment.time()) in _starts(on_day) or not (on_day or on_utc_day):
        return []
    if _hm(as_utc.time()) not in _starts(on_utc_day):
        return []  # another time no reading explains: the markup wins
    raw["start_text"] = moment.replace(tzinfo=UTC).isoformat()
    end = _shape(raw.get("end_text"))
    if end is not None and end[0] == "naive":
        raw["end_text"] = end[1].replace(tzinfo=UTC).isoformat()
    elif raw.get("end_text") is None and (stop := _end_for(on_utc_day, as_utc.time())) is not None:
        local_end = datetime.combine(as_utc.date(), stop, tzinfo=tz)
        raw["end_text"] = (local_end if local_end > as_utc else local_end + timedelta(days=1)).isoformat()
    return [WAS_UTC]


def _broken(raw: dict, value: tuple[date, str], texts, now, zone, tz) -> list[str]:
    """A malformed time: the one of its readings the texts confirm, written as clean ISO."""
    day, part = value
    stated = stated_times(texts, day, now, zone)
    if not stated:
        return []
    confirmed = [r for r in _readings(part) if _hm(r) in _starts(stated)]
    if len(confirmed) != 1:
        return []  # none or several readings confirmed: the date engine's reading stands
    start = confirmed[0]
    raw["start_text"] = _iso(day, start)
    stated_end = _end_for(stated, start)
    end = _shape(raw.get("end_text"))
    if end is not None and end[0] == "broken" and stated_end is not None:
        if any(_hm(r) == _hm(stated_end) for r in _readings(end[1][1])):
            raw["end_text"] = _iso(end[1][0], stated_end)
    elif raw.get("end_text") is None and stated_end is not None:
        raw["end_text"] = _end_text(day, start, stated_end)
    return [BROKEN_READ]


_DECIDE = {"date": _from_page, "naive": _naive, "broken": _broken}
