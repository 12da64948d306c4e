"""trumba: calendars published on Trumba Connect, read from the public "spud" JSON feed.

`GET https://www.trumba.com/calendars/<webName>.json?startdate=YYYYMMDD&days=N` (also
`filterview=`, `search=`; the same calendar is `.ics` and `.rss`) answers a bare JSON list of
occurrences, sorted by start: `[{"eventID", "title", "description" (HTML), "location" (text
or an HTML link to a map), "locationType" ("In-Person", "Online", "Hybrid"), "webLink" (an
HTML link), "startDateTime", "endDateTime" (wall times without offset), "startTimeZoneOffset",
"endTimeZoneOffset" ("-0700"), "allDay", "canceled", "openSignUp", "signUpUrl",
"customFields": [{"fieldID", "label", "value", "type"}], "permaLinkUrl", "eventActionUrl",
"categoryCalendar" ("Parent|Child"), "seriesID", "repeats", ...}]`. A page of a publisher's
site embedding the calendar (`$Trumba.addSpud({webName: "<name>", ...})`) names the feed.

Fields: one raw event per occurrence, `own_id` its `eventID`, `series_id` its `seriesID`.
Times: `startDateTime` with `startTimeZoneOffset` is the instant ("2027-09-22T11:00:00-05:00");
without an offset it is a floating wall time. `allDay`: the start's date; `endDateTime` of
an all-day event is exclusive (midnight after the last day), so `end_text` is the inclusive
last day, and a one-day event has none. `title`, `description`, `location` as `venue_name`
(the map link's `q=lat,lng` as latitude/longitude), `permaLinkUrl` as `url` (else the
webLink's href), `locationType` as the attendance mode, `canceled` as "CANCELLED".
Custom fields are the publisher's own, read by label: cost/price/fee/admission as
`cost_text`; address as `street`; sponsor/organizer/host/department as `organizer`;
registration/booking/tickets/RSVP links as `registration_url` (else `signUpUrl` when
`openSignUp`); online/virtual/zoom/webinar/livestream links as `online_url` (else the
webLink of an online or hybrid event); a status field saying cancelled or postponed as
`event_status`. Into `categories`: the `categoryCalendar` path's names and the values of
the type/category/topic/audience/tag/keyword fields (multi-choice values split at ", ").

Pagination: Trumba does not page, it cuts a response at 200 occurrences. The request
carries its window (`startdate`, `days`); the crawl's window ends `window_days_ahead`
(option, 365) after `Context.now`'s day in the source's zone, and one request spans at most
365 days. `next_page`: a full answer (200) continues from the day of its last start, whose
occurrences are left to that next page; an answer that is not full continues after its
window, while the crawl's window lasts. A continuation page (startdate after the crawl's
day) skips occurrences starting before its startdate: the pages before held them. An
occurrence is never dropped for being far ahead (Trumba's ICS loses those a year out).

Reason codes: the shared ones of `eventhound.extractors.platform` (`trumba_not_json` for an
HTML page without a spud, `trumba_api_error`, `trumba_not_events`, `event_without_name`,
`event_without_start`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, option_value

NAME = "trumba"
DETECTION = 60  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.trumba], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
FEED_HOST = "www.trumba.com"
CAP = 200  # the most occurrences Trumba answers at once
MAX_SPAN = 365  # days one request asks for

MODES = {
    "in-person": "OfflineEventAttendanceMode",
    "online": "OnlineEventAttendanceMode",
    "virtual": "OnlineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
}
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_LATLNG = re.compile(r"[?&]q=(-?\d{1,2}\.\d+),\s*(-?\d{1,3}\.\d+)")
_LOCAL = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?)?$")
_OFFSET = re.compile(r"^([+-])(\d\d):?(\d\d)$")
_SPUD = re.compile(r"""\$Trumba\.addSpud\(\s*\{(.{0,2000}?)\}\s*\)""", re.S)
_WEBNAME = re.compile(r"""webName\s*:\s*["']([\w.-]+)["']""")
_FILTERVIEW = re.compile(r"""filterview\s*:\s*["']([^"']+)["']""", re.I)
_FEED_PATH = re.compile(r"^/+calendars?/([\w.-]+?)(?:\.(?:json|ics|rss|xml))?/?$")

LABELS = {  # what a custom field's label says it holds
    "cost": re.compile(r"\b(cost|price|fees?|admission)\b", re.I),
    "street": re.compile(r"\baddress\b", re.I),
    "organizer": re.compile(r"\b(sponsor(ed by|s)?|organi[sz](er|ation)|host(ed by)?|department|presented by)\b", re.I),
    "registration": re.compile(r"\b(regist|book|ticket|rsvp|sign.?up)", re.I),
    "online": re.compile(r"\b(online|virtual|zoom|webinar|livestream|stream|meeting link|teams)\b", re.I),
    "status": re.compile(r"^\s*(event )?status\s*$", re.I),
    "categories": re.compile(r"\b(types?|categor(y|ies)|topics?|audience|tags?|keywords?|subjects?|themes?)\b", re.I),
}


# What a page embedding a Trumba calendar shows of it
MARKERS = (
    (_WEBNAME, "a Trumba spud (webName)"),
    (re.compile(r"trumba\.com/(?:scripts/spuds\.js|calendars/[\w.-]+)"), "Trumba's scripts or feed links"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the calendar's feed address to give the trumba spider, the evidence), or None."""
    seen = platform.recognised(html, MARKERS, "Trumba")
    if seen is None:
        return None
    name = next((m.group(1) for m in seen[0] if m.re is _WEBNAME), None)
    if name is None:
        linked = next((m.group(0) for m in seen[0] if "/calendars/" in m.group(0)), None)
        name = linked.split("/calendars/", 1)[1].split(".")[0] if linked else None
    return (f"https://{FEED_HOST}/calendars/{name}", seen[1]) if name else None


def looks_like(text: str) -> bool:
    """Trumba's JSON: a list of objects with `eventID`, `startDateTime` and Trumba's own keys."""
    head = text[:65536]
    return (
        head.lstrip("\ufeff \r\n\t").startswith("[")
        and '"eventID"' in head
        and '"startDateTime"' in head
        and ('"permaLinkUrl"' in head or '"startTimeZoneOffset"' in head or '"eventActionUrl"' in head)
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        feed = spud_feed(text, context) if isinstance(text, str) else None
        return Extraction(next_page=feed) if feed else Extraction(errors=[error])
    if (
        isinstance(data, list)
        and all(isinstance(e, dict) for e in data)
        and (not data or any("eventID" in e or "startDateTime" in e for e in data))
    ):
        return _page(data, url, context)
    if isinstance(data, dict) and any(k in data for k in ("error", "errors", "Message", "message")):
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _page(records: list[dict], url: str, context: Context) -> Extraction:
    window = _window(url)
    keep, next_start = records, None
    if window is not None:
        start, span = window
        keep, next_start = _continue(records, start, span, context)
    next_page = feed_url(url, next_start, context) if next_start else None
    return platform.extraction(keep, lambda e: [occurrence(e, url)], next_page=next_page)


def _continue(records: list[dict], start: date, span: int, context: Context) -> tuple[list[dict], date | None]:
    """The records this page keeps and where the next page starts (None: this was the last)."""
    today = crawl_day(context)
    if start > today:  # a continuation: what starts before it was on the pages before
        records = [r for r in records if (_day(r) or start) >= start]
    days = [d for d in map(_day, records) if d is not None]
    if len(records) >= CAP and days:
        last = max(days)
        if last > start:
            return [r for r in records if (_day(r) or start) < last], last
        next_start = start + timedelta(days=1)
    else:
        next_start = start + timedelta(days=span)
    return records, next_start if next_start < window_end(context) else None


def occurrence(event: dict, url: str) -> dict:
    """One raw event of a Trumba occurrence."""
    raw = platform.raw_event(event, FIELDS, url)
    raw.update(_times(event))
    raw["own_id"] = platform.text(event.get("eventID")) or raw.get("url")
    if platform.text(event.get("seriesID")):
        raw["series_id"] = platform.text(event.get("seriesID"))
    latlng = _LATLNG.search(str(event.get("location") or "")) or _LATLNG.search(_field(event, "street") or "")
    if latlng:
        raw["latitude"], raw["longitude"] = latlng.groups()
    return raw


def _times(event: dict) -> dict:
    start, end = platform.text(event.get("startDateTime")), platform.text(event.get("endDateTime"))
    if not start or not _LOCAL.match(start[:19]):
        return {}
    if event.get("allDay") in (True, "true"):
        out = {"start_text": start[:10], "all_day": "true"}
        last = _last_day(start, end)
        if last:
            out["end_text"] = last
        return out
    out = {"start_text": _instant(start, event.get("startTimeZoneOffset"))}
    if end and _LOCAL.match(end[:19]) and end != start:
        out["end_text"] = _instant(end, event.get("endTimeZoneOffset") or event.get("startTimeZoneOffset"))
    return out


def _instant(local: str, offset) -> str:
    """A wall time with Trumba's offset ("-0700") as ISO 8601; without one, floating."""
    if not _LOCAL.match(local):
        return local  # already carries its offset
    match = _OFFSET.match(str(offset or "").strip())
    if "T" not in local or not match:
        return local
    return f"{local}{match.group(1)}{match.group(2)}:{match.group(3)}"


def _last_day(start: str, end: str | None) -> str | None:
    """The inclusive last day of an all-day event (Trumba's end is the midnight after it)."""
    try:
        first, stop = date.fromisoformat(start[:10]), date.fromisoformat((end or "")[:10])
    except ValueError:
        return None
    if "T" not in (end or "") or end[11:19] in ("00:00:00", "00:00"):
        stop -= timedelta(days=1)
    return stop.isoformat() if stop > first else None


def _day(record: dict) -> date | None:
    value = record.get("startDateTime") if isinstance(record, dict) else None
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


# --- custom fields ---------------------------------------------------------------------


def _fields(event: dict, kind: str) -> list[str]:
    """The values of the custom fields whose label says they hold `kind`."""
    fields = event.get("customFields") if isinstance(event.get("customFields"), list) else []
    return [
        value
        for f in fields
        if isinstance(f, dict)
        and LABELS[kind].search(str(f.get("label") or ""))
        and (value := platform.text(f.get("value")))
    ]


def _field(event: dict, kind: str) -> str | None:
    return next(iter(_fields(event, kind)), None)


def _link(value) -> str | None:
    """The href of an HTML link, or the value itself when it is a bare URL."""
    value = platform.text(value)
    if not value:
        return None
    match = _HREF.search(value)
    if match:
        return match.group(1)
    return value if value.startswith(("http://", "https://", "www.")) else None


def _first_link(values: list[str]) -> str | None:
    return next((link for link in map(_link, values) if link), None)


def _registration(event: dict) -> str | None:
    found = _first_link(_fields(event, "registration"))
    if found:
        return found
    return platform.text(event.get("signUpUrl")) if event.get("openSignUp") in (True, "true") else None


def _online(event: dict) -> str | None:
    found = _first_link(_fields(event, "online"))
    mode = MODES.get(str(event.get("locationType") or "").strip().lower())
    if not found and mode in ("OnlineEventAttendanceMode", "MixedEventAttendanceMode"):
        found = _link(event.get("webLink"))
    return found


def _status(event: dict) -> str | None:
    if event.get("canceled") in (True, "true"):
        return "CANCELLED"
    said = " ".join(_fields(event, "status")).lower()
    if "cancel" in said:
        return "CANCELLED"
    return "EventPostponed" if "postpone" in said else None


def _categories(event: dict) -> list[str]:
    path = platform.text(event.get("categoryCalendar")) or ""
    names = [part.strip() for part in path.split("|") if part.strip()]
    for value in _fields(event, "categories"):
        names += [part.strip() for part in value.split(", ") if part.strip()]
    return names


FIELDS = {
    "title": "title",
    "description": "description",
    "url": ("permaLinkUrl", lambda e: _link(e.get("webLink")), "eventActionUrl"),
    "venue_name": "location",
    "street": lambda e: _field(e, "street"),
    "cost_text": lambda e: _field(e, "cost"),
    "organizer": lambda e: _field(e, "organizer"),
    "registration_url": _registration,
    "online_url": _online,
    "attendance_mode": lambda e: MODES.get(str(e.get("locationType") or "").strip().lower()),
    "event_status": _status,
    "categories": _categories,
}


# --- the feed's address and window ---------------------------------------------------------


def crawl_day(context: Context) -> date:
    """The crawl's day in the source's zone (the first request's startdate)."""
    try:
        zone = ZoneInfo(context.timezone)
    except (ValueError, KeyError, OSError):
        zone = ZoneInfo("UTC")
    return context.now.astimezone(zone).date()


def window_end(context: Context) -> date:
    ahead = option_value(OPTIONS, context.options, "window_days_ahead")
    return crawl_day(context) + timedelta(days=ahead)


def _window(url: str) -> tuple[date, int] | None:
    """The (startdate, days) a feed URL asks for; None when it names no window."""
    start, days = platform.query_value(url, "startdate"), platform.query_value(url, "days")
    try:
        first = datetime.strptime(start or "", "%Y%m%d").date()
        return first, max(1, int(days)) if days else MAX_SPAN
    except ValueError:
        return None


def feed_url(url: str, start: date, context: Context) -> str | None:
    """The JSON feed at `url` (a feed of any form) asked for the window from `start`; None when
    `start` is past the crawl's window."""
    end = window_end(context)
    if start >= end or not url.startswith(("http://", "https://")):
        return None
    parts = urlsplit(url)
    match = _FEED_PATH.match(parts.path)
    path = f"/calendars/{match.group(1)}.json" if match else parts.path
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "months"])
    base = urlunsplit(parts._replace(path=path, query=query))
    return platform.with_query(base, startdate=start.strftime("%Y%m%d"), days=min(MAX_SPAN, (end - start).days))


def spud_feed(text: str, context: Context) -> str | None:
    """The JSON feed (with the crawl's window) of the first Trumba spud a page embeds."""
    spud = _SPUD.search(text[:500_000])
    name = _WEBNAME.search(spud.group(1)) if spud else None
    if not name:
        return None
    url = f"https://{FEED_HOST}/calendars/{name.group(1)}.json"
    view = _FILTERVIEW.search(spud.group(1))
    if view:
        url = platform.with_query(url, filterview=view.group(1))
    return feed_url(url, crawl_day(context), context)
