"""ical: iCalendar feeds (.ics; webcal:// URLs are fetched as https://) -> one raw event per occurrence.

Pure function of (text, url, context): no Scrapy, no clock, no network. The text is read
with `icalendar` and recurring events are expanded with `recurring_ical_events` (RRULE,
RDATE, EXDATE, RECURRENCE-ID overrides, RANGE=THISANDFUTURE), never by hand, through
eventhound/series.py (the expansion schema.org eventSchedule shares).

Options, the source's ``[sources.KEY.ical]`` table (all optional)::

    [sources.springfield-library.ical]
    window_days_back = 30     # keep events and occurrences that end after now - 30 days (default 30)
    window_days_ahead = 365   # ... and a series' occurrences that start before now + 365 days (default 365)

What each raw event holds
-------------------------
- ``title`` SUMMARY, ``description`` DESCRIPTION, ``venue_name`` LOCATION (as published,
  not split), ``latitude``/``longitude`` GEO, ``url`` URL (absolute against the feed URL),
  ``organizer`` ORGANIZER's CN (an address alone is not a name), ``categories`` CATEGORIES
  (a list), ``event_status`` STATUS upper-cased as published: "CANCELLED", "TENTATIVE",
  "CONFIRMED" (a calendar with METHOD:CANCEL gives "CANCELLED" to all its events).
- ``previous_start_text``: for an occurrence the publisher moved (an override whose
  RECURRENCE-ID names another instant than its DTSTART), the original start, ISO 8601 in
  the zone of DTSTART (Google writes RECURRENCE-ID in UTC); the status pipeline then
  records it as rescheduled. An override that only changes the text (RECURRENCE-ID =
  DTSTART) and a RANGE=THISANDFUTURE override (the series changes from then on) have none.
  An override (RECURRENCE-ID) that lacks one of these takes it from its series' master.
- ``start_text``/``end_text``: ISO 8601. A DTSTART with a TZID or in UTC fixes the instant:
  it is written with its offset (``2027-03-04T18:00:00-06:00``), in the event's own zone.
  ``timezone`` is that zone's IANA name (legacy aliases such as US/Pacific are given by
  their canonical name, America/Los_Angeles; Windows names such as "Eastern Standard Time"
  are mapped). A zone that is not an IANA zone (a custom VTIMEZONE such as Outlook's
  "Customized Time Zone") keeps its exact offset and no ``timezone``, so the source's zone
  is used for display. UTC and GMT are instants, not places: they are shown in the
  calendar's X-WR-TIMEZONE when it has one, else in the source's zone.
  Floating times (no TZID, no Z) are wall times in X-WR-TIMEZONE when the calendar has
  one, else in the source's zone (written without offset). A TZID that names no known
  zone and has no VTIMEZONE is read as floating (``ical_unknown_tzid``).
- All-day events (VALUE=DATE): ``start_text`` "YYYY-MM-DD", ``all_day`` "true" and
  ``end_text`` the INCLUSIVE last day: DTEND is exclusive, so DTEND 2027-03-07 for a
  start on 2027-03-04 gives end_text "2027-03-06"; a one-day event has no end_text.
- No DTEND: the end comes from DURATION; with neither, there is no end_text.
- Occurrences: each occurrence is its own raw event, ``own_id`` = "UID#<start as ISO>"; for
  an occurrence the publisher moved, its original start (the RECURRENCE-ID), so its id stays.
  Occurrences of a recurring series (RRULE, RDATE or RECURRENCE-ID overrides) carry
  ``series_id`` = the UID and ``rrule`` = the master's RRULE as published (property order
  kept; the first RRULE when there are several); single events have neither. Only the
  occurrences that overlap the window (now - window_days_back, now + window_days_ahead)
  are expanded; the window is measured in the source's zone. The window applies to series
  only: a single event is kept however far ahead it is (a trade show announced two years
  ahead), and left out only when it ended before the window's start. Expansion follows the
  event's own zone, so a weekly 18:00 meeting stays at 18:00 across DST changes.

Bad input (reason codes in ``Extraction.errors``)
-------------------------------------------------
The codes of repairs that lose nothing end in ``_repaired`` and are counted as a run's
warnings; all the others as its errors (eventhound/extractors/base.py).

- ``not_a_calendar``: the body is HTML, JSON (e.g. Meetup's {"message":"Group not
  found"}) or anything without BEGIN:VCALENDAR. No events.
- repaired, nothing lost (once per feed): ``ical_leading_junk_repaired`` (text before
  BEGIN:VCALENDAR, such as a PHP warning), ``ical_folding_repaired`` (a continuation line
  that lost its leading space is joined back), ``ical_vtimezone_repaired`` (a VTIMEZONE
  with two TZIDs is split; duplicate VTIMEZONE blocks are dropped).
- lost: ``ical_bad_line`` (a line outside any component, or an END without BEGIN),
  ``ical_truncated`` (the feed ends inside a VEVENT: that event is dropped),
  ``ical_bad_component`` (a component or calendar property icalendar cannot read, e.g.
  a broken value in a VTIMEZONE: the rest of the feed is read without it),
  ``event_without_start`` (no readable DTSTART), ``event_without_name`` (no SUMMARY),
  ``ical_bad_end`` (unreadable DTEND/DURATION, or an end before the start: the event is
  kept without end), ``ical_bad_recurrence`` (an unreadable RDATE/EXDATE is ignored),
  ``ical_bad_rrule`` (a rule that cannot be read or matches no date at all: its
  components are kept as single events), ``ical_bad_event`` (an event that cannot be read
  for another reason), ``ical_unknown_tzid`` (a TZID naming no zone and no VTIMEZONE:
  read as floating), ``ical_unknown_x_wr_timezone`` (ignored). Codes marked "once per
  feed" and ``ical_unknown_tzid`` are counted once per feed, the others once per event (``ical_bad_line`` once per line).
- bounds: ``occurrences_capped`` (a series has more than 1,000 occurrences in the
  window: the first 1,000 are kept), ``ical_rrule_too_frequent`` (a rule that would take
  more than 200,000 steps from its DTSTART to the window's end, e.g. FREQ=MINUTELY, or
  hourly since 2000, or that would take the feed past 1,000,000 such steps: not
  expanded), ``ical_feed_capped`` (more than 50,000 occurrences in one feed: the rest
  is dropped). With the download size limit (10 MiB) these bound time and memory: dense
  rules are asked for in spans that hold about 1,000 occurrences, and a rule that
  matches no date is caught before dateutil walks to year 9999 looking for one.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

from eventhound.dates.zones import UTC, iana_name, is_known, is_utc_name, name_of, zone
from eventhound.extractors.base import Context, Extraction
from eventhound.series import MAX_PER_SERIES, RRULE_TEXT, WINDOW_OPTIONS, Budget, Window, occurrence_id  # noqa: F401
from eventhound.series import NO_END as _NO_END
from eventhound.series import comparable as _comparable
from eventhound.series import first as _first
from eventhound.series import occurrences as _occurrences
from eventhound.series import prepare_recurrence as _check_recurrence

__all__ = ["extract", "looks_like", "expand_calendar", "Budget", "Window", "iana_name"]


NAME = "ical"
DETECTION = 10  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = WINDOW_OPTIONS  # [sources.KEY.ical]: window_days_back, window_days_ahead (eventhound.series)
_SINGLE_VALUED = (
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RECURRENCE-ID",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "STATUS",
    "GEO",
    "ORGANIZER",
    "SEQUENCE",
)

# --------------------------------------------------------------------------- sniffing

_HEAD_RE = re.compile(r"[\ufeff\s]*BEGIN:VCALENDAR", re.IGNORECASE)


def looks_like(text: str) -> bool:
    """BEGIN:VCALENDAR at the start (after an optional BOM and whitespace)."""
    return bool(_HEAD_RE.match(text[:1024]))


# --------------------------------------------------------------------------- zones

# UTC, iana_name (also imported from here by other extractors), is_known, ...: eventhound.dates.zones


# --------------------------------------------------------------------------- text repair

# Property names a content line may start with; anything else that is not all upper case
# (or X-) is a continuation line that lost its leading space.
_KNOWN = frozenset(
    """
BEGIN END VERSION PRODID CALSCALE METHOD UID DTSTAMP DTSTART DTEND DURATION DUE COMPLETED
SUMMARY DESCRIPTION LOCATION GEO URL ORGANIZER ATTENDEE CATEGORIES STATUS CLASS CREATED
LAST-MODIFIED SEQUENCE TRANSP PRIORITY RRULE RDATE EXDATE EXRULE RECURRENCE-ID RELATED-TO
RESOURCES CONTACT COMMENT ATTACH REQUEST-STATUS TZID TZNAME TZOFFSETFROM TZOFFSETTO TZURL
TZUNTIL TZID-ALIAS-OF ACTION TRIGGER REPEAT COLOR IMAGE CONFERENCE NAME REFRESH-INTERVAL
SOURCE PERCENT-COMPLETE FREEBUSY ACKNOWLEDGED PROXIMITY STRUCTURED-DATA STYLED-DESCRIPTION
LOCATION-TYPE PARTICIPANT-TYPE CALENDAR-ADDRESS
""".split()
)
_LINE_NAME = re.compile(r"([A-Za-z0-9-]+)[;:]")
_UPPER_NAME = re.compile(r"[A-Z][A-Z0-9-]*")
_PARAM_SPLIT = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')


def _split_line(line: str) -> tuple[str, str]:
    """'NAME;P=v;Q="a:b":value' -> ('NAME;P=v;Q="a:b"', 'value'): the first colon outside quotes."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i], line[i + 1 :]
    return line, ""


def _is_property(line: str) -> str | None:
    """The upper-cased name when the line is a content line, else None (a continuation)."""
    m = _LINE_NAME.match(line)
    if not m:
        return None
    name = m.group(1)
    upper = name.upper()
    if upper in _KNOWN or upper.startswith("X-") or _UPPER_NAME.fullmatch(name):
        return upper
    return None


class _Cleaner:
    """Unfolds and repairs the text line by line so that icalendar can read it."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        self.repairs: set[str] = set()
        self.out: list[str] = []
        self.stack: list[tuple[str, int]] = []  # (component name, index of its BEGIN in out)
        self.tz_seen: set[str] = set()
        self.tz_rename: dict[str, str] = {}

    def note(self, code: str):
        if code not in self.repairs:
            self.repairs.add(code)
            self.errors.append(code)

    def clean(self, text: str) -> str:
        for line in _unfold(text):
            self.add(line)
        if self.stack:
            names = [name for name, _ in self.stack]
            if "VEVENT" in names:
                cut = self.stack[names.index("VEVENT")][1]
                del self.out[cut:]
                self.stack = self.stack[: names.index("VEVENT")]
            self.errors.append("ical_truncated")
            for name, _ in reversed(self.stack):
                self.out.append(f"END:{name}")
            self.stack.clear()
        self.out = [self._rename_tzid(line) for line in self.out]
        return "\r\n".join(self.out) + "\r\n"

    def add(self, line: str):
        if not line.strip():
            return
        name = _is_property(line)
        if name is None:
            if self.out and self.stack and not self.out[-1].upper().startswith(("BEGIN:", "END:")):
                self.out[-1] += line
                self.note("ical_folding_repaired")
            else:
                self.errors.append("ical_bad_line")
            return
        if name == "BEGIN":
            component = _split_line(line)[1].strip().upper()
            if not self.stack and component != "VCALENDAR":
                self.errors.append("ical_bad_line")
                return
            self.stack.append((component, len(self.out)))
            self.out.append(f"BEGIN:{component}")
            return
        if name == "END":
            component = _split_line(line)[1].strip().upper()
            names = [n for n, _ in self.stack]
            if component not in names:
                self.errors.append("ical_bad_line")
                return
            while self.stack:
                open_name, begin = self.stack.pop()
                self.out.append(f"END:{open_name}")
                if open_name == "VTIMEZONE":
                    self._check_vtimezone(begin)
                if open_name == component:
                    break
            return
        if not self.stack:
            self.errors.append("ical_bad_line")
            return
        self.out.append(line)

    # -- VTIMEZONE: split blocks with two TZIDs, drop duplicates, make custom ids unique

    def _check_vtimezone(self, begin: int):
        block = self.out[begin:]
        del self.out[begin:]
        body = block[1:-1]
        # top-level lines (not inside STANDARD/DAYLIGHT) that are TZIDs start a new zone
        zones: list[list[str]] = [[]]
        depth = 0
        for line in body:
            upper = line.upper()
            if upper.startswith("BEGIN:"):
                depth += 1
            elif upper.startswith("END:"):
                depth -= 1
            elif depth == 0 and _is_property(line) == "TZID" and any(_is_property(x) == "TZID" for x in zones[-1]):
                zones.append([])
                self.note("ical_vtimezone_repaired")
            zones[-1].append(line)
        for lines in zones:
            tzid_line = next((x for x in lines if _is_property(x) == "TZID"), None)
            if tzid_line is None:
                continue
            tzid = _split_line(tzid_line)[1].strip()
            alias = _iana_alias(tzid)
            if alias:  # a Windows or /vendor/ name: the IANA zone it names, not the published rules
                tzid = alias
                lines = [f"TZID:{alias}" if x is tzid_line else x for x in lines]
            if tzid in self.tz_seen:
                self.note("ical_vtimezone_repaired")
                continue
            self.tz_seen.add(tzid)
            if not any(x.upper() in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT") for x in lines):
                continue  # a VTIMEZONE without rules says nothing
            if iana_name(tzid) is None:
                # icalendar caches custom zones by TZID for the whole process: an id made
                # unique by the definition keeps two feeds' "Customized Time Zone" apart.
                digest = hashlib.sha1("\n".join(lines).encode("utf-8")).hexdigest()[:12]
                new = f"{tzid}~{digest}"
                self.tz_rename[tzid] = new
                lines = [f"TZID:{new}" if x is tzid_line else x for x in lines]
            self.out.extend(["BEGIN:VTIMEZONE", *lines, "END:VTIMEZONE"])

    def _rename_tzid(self, line: str) -> str:
        if "TZID=" not in line.upper():
            return line
        head, value = _split_line(line)
        parts = _PARAM_SPLIT.split(head)
        changed = False
        for i, part in enumerate(parts[1:], 1):
            key, _, val = part.partition("=")
            if key.upper() == "TZID":
                tzid = val.strip('"')
                new = self.tz_rename.get(tzid) or _iana_alias(tzid)
                if new and new != tzid:
                    parts[i] = f'{key}="{new}"'
                    changed = True
        return f"{';'.join(parts)}:{value}" if changed else line


@functools.lru_cache(maxsize=512)
def _iana_alias(tzid: str) -> str | None:
    """The IANA name for a TZID that is not itself a zone key (a Windows or /vendor/Olson name), else None.

    icalendar caches the VTIMEZONE of such a name for the whole process; naming the IANA
    zone instead keeps feeds apart and gives the event a real zone.
    """
    return None if is_known(tzid) else iana_name(tzid)


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in re.split(r"\r\n|\r|\n", text):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


# --------------------------------------------------------------------------- values


def _text(component, name: str) -> str | None:
    value = _first(component.get(name))
    if value is None:
        return None
    try:
        text = str(value).strip()
    except Exception:
        return None
    return text or None


def _dt(component, name: str):
    """The date/datetime of a property, or None when absent; raises on a broken value."""
    prop = component.get(name)
    if prop is None:
        return None
    value = _first(prop).dt
    if not isinstance(value, (date, datetime)):
        raise ValueError(f"{name} is not a date or date-time")
    return value


def _categories(component) -> list[str]:
    out = []
    props = component.get("CATEGORIES")
    for prop in props if isinstance(props, list) else [props] if props is not None else []:
        for cat in getattr(prop, "cats", None) or []:
            text = str(cat).strip()
            if text and text not in out:
                out.append(text)
    return out


# --------------------------------------------------------------------------- extraction


def extract(text: str | bytes, url: str, context: Context | None = None) -> Extraction:
    """The occurrences of an iCalendar feed within the context's window; never raises."""
    context = context or Context()
    result = Extraction()
    try:
        _extract(text, url or "", context, result)
    except Exception:  # a bug or an input no rule foresaw: report, never raise
        result.errors.append("ical_failed")
    return result


def _extract(text, url: str, context: Context, result: Extraction):
    import icalendar

    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = text.replace("\x00", "")
    m = re.search(r"(?im)^[\ufeff \t]*BEGIN:VCALENDAR[ \t\r]*$", text)
    if m is None:  # an HTML page, a JSON error ({"message":"Group not found"}), anything else
        result.errors.append("not_a_calendar")
        return
    if text[: m.start()].strip("\ufeff \t\r\n"):
        result.errors.append("ical_leading_junk_repaired")
    cleaned = _Cleaner(result.errors).clean(text[m.start() :].lstrip("\ufeff \t"))
    try:
        calendars = icalendar.Calendar.from_ical(cleaned, multiple=True)
    except Exception:
        calendars = _parse_piecewise(cleaned, result.errors)
    budget = Budget()
    window = Window(context)
    for calendar in calendars:
        result.events.extend(expand_calendar(calendar, url, window, result.errors, budget))


def _parse_piecewise(cleaned: str, errors: list[str]) -> list:
    """The calendars of a text icalendar refused as a whole, read one component at a time.

    icalendar gives up on the whole text when a property it cannot read is outside a
    VEVENT (in the VCALENDAR header, a VTIMEZONE or its STANDARD/DAYLIGHT). Read apart,
    only the component (or header line) holding it is lost (``ical_bad_component``).
    """
    import icalendar

    def parse(lines):
        return icalendar.Calendar.from_ical("\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR", ""]))

    calendars = []
    header: list[str] = []
    blocks: list[list[str]] = []
    depth = 0
    for line in cleaned.split("\r\n"):
        upper = line.upper()
        if upper == "BEGIN:VCALENDAR" and depth == 0:
            header, blocks = [], []
        elif upper == "END:VCALENDAR" and depth == 0:
            try:
                calendar = parse(header)
            except Exception:
                calendar = icalendar.Calendar()
                for one in header:
                    try:
                        parse([one])
                    except Exception:
                        errors.append("ical_bad_component")
                        continue
                    header_ok = [h for h in header if h is one]
                    for name, value in parse(header_ok).property_items(recursive=False)[1:-1]:
                        calendar.add(name, value, encode=False)
            # zones first, so that events naming them find them
            for block in sorted(blocks, key=lambda b: b[0].upper() != "BEGIN:VTIMEZONE"):
                try:
                    calendar.subcomponents.extend(parse(block).subcomponents)
                except Exception:
                    errors.append("ical_bad_component")
            calendars.append(calendar)
        elif upper.startswith("BEGIN:"):
            if depth == 0:
                blocks.append([])
            depth += 1
            blocks[-1].append(line)
        elif upper.startswith("END:") and depth > 0:
            depth -= 1
            blocks[-1].append(line)
        elif depth > 0:
            blocks[-1].append(line)
        elif line:
            header.append(line)
    return calendars


def expand_calendar(
    calendar, url: str, window: Window, errors: list[str], budget: Budget | None = None, own_id=None
) -> list[dict]:
    """Raw events for the occurrences of a parsed icalendar Calendar within the window.

    Shared with the gcal extractor, which builds a Calendar from Google's JSON.
    budget is shared by the calendars of one feed (a new one when None).
    own_id, when given, is called as own_id(component, uid, start, recurrence_id, in_series)
    for each occurrence (default: "UID#<start as ISO>").
    """
    import x_wr_timezone

    budget = budget if budget is not None else Budget()
    cal_zone_name = None
    x_wr = _text(calendar, "X-WR-TIMEZONE")
    if x_wr:
        cal_zone_name = iana_name(x_wr)
        if cal_zone_name is None:
            errors.append("ical_unknown_x_wr_timezone")
    if "X-WR-TIMEZONE" in calendar:
        del calendar["X-WR-TIMEZONE"]
    cancelled_calendar = (_text(calendar, "METHOD") or "").upper() == "CANCEL"

    groups = _prepare_events(calendar, window, errors)
    if cal_zone_name:
        calendar = x_wr_timezone.to_standard(calendar, timezone=zone(cal_zone_name))
        groups = _group(calendar)
    cal_zone = zone(cal_zone_name) if cal_zone_name else None

    events: list[dict] = []
    for uid, components in groups.items():
        if budget.occurrences <= 0:
            errors.append("ical_feed_capped")
            break
        try:
            occurrences = list(_occurrences(uid, components, window, errors, budget))
        except Exception:
            errors.append("ical_bad_event")
            continue
        for component, occurrence in occurrences:
            try:
                raw = _raw_event(component, components, uid, occurrence, url, cal_zone, cal_zone_name, errors, own_id)
            except Exception:
                errors.append("ical_bad_event")
                continue
            if raw is None:
                continue
            if cancelled_calendar:
                raw["event_status"] = "CANCELLED"
            events.append(raw)
            budget.occurrences -= 1
            if budget.occurrences <= 0:
                break
    return events


def _group(calendar) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for component in calendar.subcomponents:
        if getattr(component, "name", None) == "VEVENT":
            groups[str(component.get("UID"))].append(component)
    return groups


def _prepare_events(calendar, window: Window, errors: list[str]) -> dict[str, list]:
    """Check each VEVENT's dates, drop what cannot be read, give every event a usable UID."""
    keep = []
    for component in calendar.subcomponents:
        if getattr(component, "name", None) != "VEVENT":
            keep.append(component)
            continue
        for name in _SINGLE_VALUED:  # a property published twice: the first one counts
            if isinstance(component.get(name), list):
                component[name] = component[name][0]
        try:
            start = _dt(component, "DTSTART")
        except Exception:
            start = None
        if start is None:
            errors.append("event_without_start")
            continue
        try:
            if (
                isinstance(start, datetime)
                and start.tzinfo is None
                and "TZID" in component["DTSTART"].params
                and "ical_unknown_tzid" not in errors
            ):
                errors.append("ical_unknown_tzid")  # read as floating: the calendar's or the source's zone
            _check_end(component, start, errors)
            _check_recurrence(component, start, window, errors)
            if component.get("DTEND") is None and component.get("DURATION") is None:
                component[_NO_END] = "1"
            recurrence_id = component.get("RECURRENCE-ID")
            if recurrence_id is not None and not isinstance(recurrence_id.dt, (date, datetime)):
                raise ValueError("RECURRENCE-ID is not a date")
        except Exception:
            errors.append("ical_bad_event")
            continue
        keep.append(component)
    calendar.subcomponents[:] = keep

    # UIDs: a missing one gets a stable one from the content; one UID on several events
    # with different starts and no RECURRENCE-ID means distinct events (RFC 5545 would keep
    # only the highest SEQUENCE of them, losing the others).
    masters: dict[str, list] = defaultdict(list)
    for component in calendar.subcomponents:
        if getattr(component, "name", None) != "VEVENT":
            continue
        uid = _text(component, "UID")
        if not uid:
            basis = "|".join(str(component.get(k, "")) for k in ("SUMMARY", "LOCATION"))
            basis += "|" + component["DTSTART"].to_ical().decode()
            uid = "noid-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
        if "UID" in component:
            del component["UID"]
        component["UID"] = uid
        if component.get("RECURRENCE-ID") is None:
            masters[uid].append(component)
    for uid, components in masters.items():
        if len(components) > 1 and len({c["DTSTART"].to_ical() for c in components}) > 1:
            for component in components:
                del component["UID"]
                component["UID"] = f"{uid}#{component['DTSTART'].to_ical().decode()}"
    return _group(calendar)


def _check_end(component, start, errors: list[str]):
    bad = False
    try:
        end = _dt(component, "DTEND")
    except Exception:
        end, bad = None, True
        del component["DTEND"]
    if end is not None:
        if isinstance(end, datetime) != isinstance(start, datetime):
            bad = True
        else:
            a, b = _comparable(start, end)
            bad = b < a
        if bad:
            del component["DTEND"]
    if component.get("DURATION") is not None:
        try:
            duration = _first(component["DURATION"]).dt
            if not isinstance(duration, timedelta) or duration < timedelta(0):
                raise ValueError
        except Exception:
            bad = True
            del component["DURATION"]
    if bad:
        errors.append("ical_bad_end")


def _when(value, cal_zone, cal_zone_name) -> tuple[str, str | None]:
    """(ISO 8601 text, the IANA zone it is in or None) of a DTSTART/DTEND value."""
    if not isinstance(value, datetime):
        return value.isoformat(), None
    value = value.replace(microsecond=0)
    if value.tzinfo is None:
        return value.isoformat(), None  # floating: the source's zone
    name = name_of(value.tzinfo)
    if (
        name is None
        and value.utcoffset() == timedelta(0)
        and getattr(value.tzinfo, "key", None) is None
        and value.tzname() in ("UTC", "GMT", "Z")
    ):
        name = "Etc/UTC"
    if is_utc_name(name):
        if cal_zone is not None:
            return value.astimezone(cal_zone).isoformat(), cal_zone_name
        return value.astimezone(UTC).isoformat(), None
    return value.isoformat(), name


def _moved_from(component, start):
    """The original start of an occurrence its publisher moved, else None.

    That is an override whose RECURRENCE-ID (the occurrence it replaces) names another
    instant than its DTSTART; it is given in the zone of DTSTART. An override that only
    changes the text (RECURRENCE-ID = DTSTART), an ordinary occurrence (recurring_ical_events
    gives it RECURRENCE-ID = DTSTART) and a RANGE=THISANDFUTURE override (a series that
    changes from then on, not one occurrence moved) give None.
    """
    prop = component.get("RECURRENCE-ID")
    if prop is None or str(prop.params.get("RANGE", "")).upper() == "THISANDFUTURE":
        return None
    original = prop.dt
    if isinstance(original, datetime) != isinstance(start, datetime):
        day = original.date() if isinstance(original, datetime) else original
        return None if day == (start.date() if isinstance(start, datetime) else start) else original
    a, b = _comparable(original, start)
    if a == b:
        return None
    if isinstance(original, datetime) and original.tzinfo is not None and start.tzinfo is not None:
        original = original.astimezone(start.tzinfo)
    return original


class _Occurrence:
    """The properties of one occurrence of a series (UID).

    An override (RECURRENCE-ID) that leaves a property out takes the series' value: the
    master's, else another instance's (a cancelled instance in a Google list has no title).
    """

    def __init__(self, component, components, recurrence_id):
        self.component, self.recurrence_id = component, recurrence_id
        self.master = next((c for c in components if c.get("RECURRENCE-ID") is None), None)
        master = self.master
        self.others = ([master] if master is not None else []) + [c for c in components if c is not master]

    def inherit(self, read):
        value = read(self.component)
        if not value and self.recurrence_id is not None:
            value = next((v for v in map(read, self.others) if v), value)
        return value

    def text(self, name):
        return self.inherit(lambda c: _text(c, name))


def _raw_event(
    component, components, uid: str, recurrence_id, url: str, cal_zone, cal_zone_name, errors: list[str], own_id=None
) -> dict | None:
    occurrence = _Occurrence(component, components, recurrence_id)
    title = occurrence.text("SUMMARY")
    if not title:
        errors.append("event_without_name")
        return None
    start = component["DTSTART"].dt
    start_text, zone = _when(start, cal_zone, cal_zone_name)
    raw: dict = {"title": title, "start_text": start_text}
    if zone:
        raw["timezone"] = zone
    _add_end_and_move(raw, component, start, cal_zone, cal_zone_name)
    _add_identity(raw, occurrence, components, uid, start, own_id)
    _add_texts(raw, occurrence, url)
    _add_geo_organizer_categories(raw, occurrence)
    return raw


def _published_end(component, start):
    """DTEND, else DTSTART + DURATION (a single event read as published), else None."""
    end = None if component.get(_NO_END) else component.get("DTEND")
    if end is not None:
        return end.dt
    if component.get("DURATION") is not None:
        return start + _first(component["DURATION"]).dt
    return None


def _end_text(component, start, cal_zone, cal_zone_name) -> str | None:
    """The end as ISO text; None without one or when it adds nothing to the start."""
    end = _published_end(component, start)
    if end is None:
        return None
    if isinstance(start, datetime):
        if isinstance(end, datetime) and end != start:
            return _when(end, cal_zone, cal_zone_name)[0]
        return None
    last = end.date() if isinstance(end, datetime) else end
    if not isinstance(end, datetime) or end.time() == datetime.min.time():
        last = last - timedelta(days=1)  # DTEND is exclusive
    return last.isoformat() if last > start else None


def _add_end_and_move(raw: dict, component, start, cal_zone, cal_zone_name) -> None:
    """end_text, all_day and previous_start_text (an occurrence its publisher moved)."""
    end_text = _end_text(component, start, cal_zone, cal_zone_name)
    if end_text is not None:
        raw["end_text"] = end_text
    if not isinstance(start, datetime):
        raw["all_day"] = "true"
    moved_from = _moved_from(component, start)
    if moved_from is not None:
        raw["previous_start_text"] = _when(moved_from, cal_zone, cal_zone_name)[0]


def _add_identity(raw: dict, occurrence: _Occurrence, components, uid: str, start, own_id) -> None:
    """own_id, and series_id and rrule for an occurrence of a series."""
    master, recurrence_id = occurrence.master, occurrence.recurrence_id
    rrule = (master.get(RRULE_TEXT) if master is not None else None) or None
    in_series = bool(
        rrule is not None
        or len(components) > 1
        or recurrence_id is not None
        or (master is not None and master.get("RDATE") is not None)
    )
    # An occurrence is known by UID + RECURRENCE-ID (RFC 5545): one the publisher moves keeps its id.
    original = raw.get("previous_start_text") or raw["start_text"]
    component = occurrence.component
    raw["own_id"] = own_id(component, uid, start, recurrence_id, in_series) if own_id else occurrence_id(uid, original)
    if in_series:
        raw["series_id"] = uid
        if rrule:
            raw["rrule"] = str(rrule)


_TEXT_KEYS = (("DESCRIPTION", "description"), ("LOCATION", "venue_name"))


def _add_texts(raw: dict, occurrence: _Occurrence, url: str) -> None:
    """description, venue_name, url, online_url (RFC 7986 CONFERENCE) and event_status."""
    for name, key in _TEXT_KEYS:
        value = occurrence.text(name)
        if value:
            raw[key] = value
    link = occurrence.text("URL")
    if link:
        raw["url"] = urljoin(url, link) if url else link
    conference = occurrence.text("CONFERENCE")  # RFC 7986: a URI to join online
    if conference and conference.lower().startswith(("http://", "https://")):
        raw["online_url"] = conference
    status = _text(occurrence.component, "STATUS")
    if status:
        raw["event_status"] = status.upper()


def _add_geo_organizer_categories(raw: dict, occurrence: _Occurrence) -> None:
    geo = occurrence.inherit(lambda c: c.get("GEO"))
    try:
        if geo is not None:
            raw["latitude"], raw["longitude"] = str(float(geo.latitude)), str(float(geo.longitude))
    except Exception:
        pass
    organizer = occurrence.inherit(lambda c: _first(c.get("ORGANIZER")))
    if organizer is not None:
        name = getattr(organizer, "params", {}).get("CN")
        if name and str(name).strip():
            raw["organizer"] = str(name).strip().strip('"')
    categories = occurrence.inherit(_categories)
    if categories:
        raw["categories"] = categories
