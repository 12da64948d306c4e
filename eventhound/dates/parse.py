"""The entry points: the order in which a text is tried, the caches, the commonest shape."""

from __future__ import annotations

import functools
import html
import re
from datetime import date, datetime, tzinfo

from eventhound.dates.fallback import _date_parser, _parse_free
from eventhound.dates.finish import _finish
from eventhound.dates.grammar import _Part, _read, _Reading
from eventhound.dates.iso import _INVALID, _parse_iso
from eventhound.dates.rules import _is_recurring, _when_rule
from eventhound.dates.tokens import _tokenize
from eventhound.dates.values import MAX_TEXT, ONLY_A_TIME, UTC, Moment, When, _join
from eventhound.dates.words import _MONTHS_EN, _PHRASES, _WEEKDAYS_EN, _unread
from eventhound.dates.zones import _zone, _zone_label, zone

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
        when = When(
            when.start, when.end, when.all_day, when.timezone, when.rrule, _join(zone_warning, when.warning), when.error
        )
    return when


_REST_JUNK = " \t,.;:)]}\"'"


def _read_text(text: str, now: datetime, z: tzinfo, tzname: str, languages: tuple[str, ...], day_first: bool) -> When:
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
    if (
        "tb" in low
        or "to be" in low
        or "all" in low
        or "clock" in low
        or "jour" in low
        or "de l" in low
        or "du " in low
        or "todo" in low
    ):
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


def parse_moment(text: str, tz: str, now: datetime, languages: tuple[str, ...] = ("en",)) -> Moment | None:
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
