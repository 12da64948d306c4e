"""gcal: Google Calendar API v3 event lists (JSON) -> raw events; and a Google Calendar embed's public .ics.

A source points at an events list, for example::

    [sources.springfield-chamber-gcal]
    spider = "gcal"
    urls = ["https://www.googleapis.com/calendar/v3/calendars/CALENDAR_ID/events?key=API_KEY&singleEvents=true&maxResults=250"]
    timezone = "America/Chicago"

    [sources.springfield-chamber-gcal.gcal]   # optional, as for ical
    window_days_back = 30
    window_days_ahead = 365

The body is ``{"kind": "calendar#events", "timeZone": ..., "items": [...], "nextPageToken": ...}``.
A list asked for with ``singleEvents=true`` is already expanded (each instance an item with
``recurringEventId`` and ``originalStartTime``); without it, a recurring event is one item
with ``recurrence`` (RRULE/EXDATE/RDATE lines) plus one item per changed or cancelled
instance. Both are read the same way: the items become VEVENTs and go through the ical
extractor's expansion (recurring_ical_events) within the same window, so the raw events
are those of `eventhound.extractors.ical` (see there for times, all-day ends, series_id
and rrule), with these Google specifics:

- ``own_id``: the item's ``id``; an occurrence expanded here from a recurring item gets
  the id Google gives that instance (``<id>_20270309T143000Z``, ``<id>_20270309`` when
  all-day), so a list with and without singleEvents=true give the same ids.
- ``start``/``end``: ``dateTime`` (RFC 3339, with offset) in the item's ``timeZone``, else
  the list's ``timeZone``; ``date`` for all-day events (the end date is exclusive).
- ``status``: "confirmed", "tentative", "cancelled" -> ``event_status`` "CONFIRMED",
  "TENTATIVE", "CANCELLED". A cancelled instance (only its id, status and
  originalStartTime) keeps its series' title and place.
- ``url``: the event's ``source.url`` when it has one, else ``htmlLink``; ``online_url``:
  ``hangoutLink`` or the video entry point of ``conferenceData``; ``organizer``:
  ``organizer.displayName``; ``venue_name``: ``location`` as published.
- Pagination: ``nextPageToken`` -> ``Extraction.next_page`` = the same URL with
  ``pageToken=<token>`` (the base spider follows it).

Reason codes: ``not_a_calendar`` (not JSON, or JSON that is not a calendar#events list,
e.g. an HTML error page), ``gcal_api_error`` (Google's ``{"error": ...}`` answer, e.g. a
missing API key), ``gcal_bad_item`` (an item that is not an object or has unreadable
times), ``gcal_bad_recurrence`` (an unreadable ``recurrence`` line: ignored), plus the
ical extractor's (``event_without_start``, ``event_without_name``, ``occurrences_capped``...).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from eventhound.extractors.base import Context, Extraction
from eventhound.extractors.ical import Budget, Window, expand_calendar, iana_name
from eventhound.series import WINDOW_OPTIONS

__all__ = ["extract", "looks_like", "google_calendar_ics_url", "google_calendar_ics_urls"]

NAME = "gcal"
DETECTION = 20  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = WINDOW_OPTIONS  # [sources.KEY.gcal]: window_days_back, window_days_ahead, as for ical
_KIND_RE = re.compile(r'"kind"\s*:\s*"calendar#events"')


def looks_like(text: str) -> bool:
    """A Google Calendar API events list: ``"kind": "calendar#events"``."""
    return bool(_KIND_RE.search(text[:65536]))


# --------------------------------------------------------------------------- embeds

_ICS_URL = "https://calendar.google.com/calendar/ical/{}/public/basic.ics"
_CALENDAR_ID = re.compile(r"[^\s@/?&=<>\"']+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _calendar_id(value: str) -> str | None:
    value = unquote(value.strip())
    return value if _CALENDAR_ID.fullmatch(value) else None


def google_calendar_ics_urls(embed_src_or_calendar_id: str) -> list[str]:
    """Every calendar's public .ics URL named by a Google Calendar embed or link, or a calendar id.

    Takes an iframe ``src`` (``https://calendar.google.com/calendar/embed?src=ID&ctz=...``,
    several ``src`` allowed, HTML-escaped ``&amp;`` too), a subscribe link
    (``.../calendar/u/0?cid=BASE64`` or ``?cid=ID``), an existing ``/calendar/ical/ID/...``
    URL, or a bare id (``abc123@group.calendar.google.com``, ``someone@gmail.com``).
    """
    if not isinstance(embed_src_or_calendar_id, str):
        return []
    value = html.unescape(embed_src_or_calendar_id.strip())
    ids: list[str] = []
    bare = _calendar_id(value)
    if bare and "://" not in value:
        ids.append(bare)
    elif "://" in value or value.startswith("//"):
        parts = urlsplit(value if "://" in value else "https:" + value)
        host = parts.hostname or ""
        if host == "google.com" or host.endswith(".google.com"):
            m = re.search(r"/calendar/ical/([^/]+)/", parts.path)
            if m and (found := _calendar_id(m.group(1))):
                ids.append(found)
            for key, val in parse_qsl(parts.query, keep_blank_values=False):
                if key == "src" and (found := _calendar_id(val)):
                    ids.append(found)
                elif key == "cid":
                    found = _calendar_id(val)
                    if not found:
                        try:
                            padded = val + "=" * (-len(val) % 4)
                            found = _calendar_id(base64.urlsafe_b64decode(padded).decode("utf-8"))
                        except (binascii.Error, ValueError, UnicodeDecodeError):
                            found = None
                    if found:
                        ids.append(found)
    out = []
    for cid in ids:
        url = _ICS_URL.format(quote(cid, safe=""))
        if url not in out:
            out.append(url)
    return out


def google_calendar_ics_url(embed_src_or_calendar_id: str) -> str | None:
    """The public .ics URL of the (first) calendar an embed ``src=`` value or calendar id names, or None.

    >>> google_calendar_ics_url("https://calendar.google.com/calendar/embed?src=abc%40group.calendar.google.com&ctz=America%2FChicago")
    'https://calendar.google.com/calendar/ical/abc%40group.calendar.google.com/public/basic.ics'
    """
    urls = google_calendar_ics_urls(embed_src_or_calendar_id)
    return urls[0] if urls else None


# --------------------------------------------------------------------------- the events list


def extract(text: str | bytes, url: str, context: Context | None = None) -> Extraction:
    """The occurrences of one page of a Google Calendar events list; never raises."""
    context = context or Context()
    result = Extraction()
    try:
        _extract(text, url or "", context, result)
    except Exception:
        result.errors.append("gcal_failed")
    return result


def _extract(text, url: str, context: Context, result: Extraction):
    import icalendar

    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        result.errors.append("not_a_calendar")
        return
    if isinstance(data, dict) and "error" in data and "items" not in data:
        result.errors.append("gcal_api_error")
        return
    if not isinstance(data, dict) or data.get("kind") != "calendar#events":
        result.errors.append("not_a_calendar")
        return
    list_zone = iana_name(data.get("timeZone")) if isinstance(data.get("timeZone"), str) else None
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//eventhound//gcal//EN")
    calendar.add("version", "2.0")
    items = data.get("items")
    for item in items if isinstance(items, list) else []:
        try:
            event = _vevent(item, list_zone, result.errors)
        except Exception:
            event = None
            result.errors.append("gcal_bad_item")
        if event is not None:
            calendar.add_component(event)
    result.events = expand_calendar(calendar, url, Window(context), result.errors, Budget(), own_id=_own_id)
    token = data.get("nextPageToken")
    if isinstance(token, str) and token and url.startswith(("http://", "https://")):
        result.next_page = _with_page_token(url, token)


def _with_page_token(url: str, token: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "pageToken"]
    query.append(("pageToken", token))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _when(value, list_zone: str | None) -> date | datetime | None:
    """A Google start/end object -> a date, or an aware datetime in its zone."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("date"), str):
        return date.fromisoformat(value["date"][:10])
    text = value.get("dateTime")
    if not isinstance(text, str):
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    zone = iana_name(value.get("timeZone")) if isinstance(value.get("timeZone"), str) else None
    zone = zone or list_zone
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone)) if zone else moment
    return moment.astimezone(ZoneInfo(zone)) if zone else moment


def _string(item: dict, key: str) -> str | None:
    value = item.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _vevent(item, list_zone: str | None, errors: list[str]):
    import icalendar

    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        errors.append("gcal_bad_item")
        return None
    event = icalendar.Event()
    series = _string(item, "recurringEventId")
    event.add("uid", series or item["id"])
    event.add("x-gcal-id", item["id"])
    original = _when(item.get("originalStartTime"), list_zone)
    start = _when(item.get("start"), list_zone) or (original if series else None)
    if start is None:
        errors.append("event_without_start")
        return None
    event.add("dtstart", start)
    end = _when(item.get("end"), list_zone)
    if end is not None and type(end) is type(start):
        event.add("dtend", end)
    if series and original is not None:
        event.add("recurrence-id", original)
    for key, name in (("summary", "summary"), ("description", "description"), ("location", "location")):
        value = _string(item, key)
        if value:
            event.add(name, value)
    status = _string(item, "status")
    if status:
        event.add("status", status.upper())
    link = _link(item)
    if link:
        event.add("url", link)
    online = _online_url(item)
    if online:
        event.add("conference", online)
    organizer = item.get("organizer")
    if isinstance(organizer, dict) and isinstance(organizer.get("displayName"), str):
        address = icalendar.vCalAddress(f"mailto:{organizer.get('email') or 'unknown'}")
        address.params["CN"] = organizer["displayName"].strip()
        event.add("organizer", address)
    _add_recurrence(event, item.get("recurrence"), errors)
    return event


def _link(item: dict) -> str | None:
    """The event's own page: the source it was imported from, else its Google Calendar page."""
    link = None
    source = item.get("source")
    if isinstance(source, dict) and isinstance(source.get("url"), str):
        link = source["url"].strip() or None
    return link or _string(item, "htmlLink")


def _online_url(item: dict) -> str | None:
    """The meeting to join: the conference's video entry point, else the Hangouts link."""
    online = _string(item, "hangoutLink")
    conference = item.get("conferenceData")
    if isinstance(conference, dict):
        for entry in conference.get("entryPoints") or []:
            if isinstance(entry, dict) and entry.get("entryPointType") == "video" and isinstance(entry.get("uri"), str):
                return entry["uri"]
    return online


def _add_recurrence(event, recurrence, errors: list[str]) -> None:
    """RRULE, RDATE and EXDATE from the item's `recurrence` lines."""
    import icalendar

    if not isinstance(recurrence, list) or not recurrence:
        return
    lines = [line.strip() for line in recurrence if isinstance(line, str) and line.strip()]
    try:
        parsed = icalendar.Event.from_ical("BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n")
        if parsed.errors:
            errors.append("gcal_bad_recurrence")
        for name in ("RRULE", "RDATE", "EXDATE"):
            if name in parsed:
                event[name] = parsed[name]
    except Exception:
        errors.append("gcal_bad_recurrence")


def _stamp(value) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _own_id(component, uid: str, start, recurrence_id, in_series: bool) -> str:
    """The item's id; for an occurrence expanded from a recurring item, Google's instance id."""
    item_id = str(component.get("X-GCAL-ID") or uid)
    if recurrence_id is None and in_series:
        return f"{item_id}_{_stamp(start)}"
    return item_id
