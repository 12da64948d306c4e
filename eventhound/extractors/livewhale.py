"""livewhale: campus calendars on LiveWhale Calendar, read from its public JSON API.

`GET /live/json/events/<name>/<value>/.../` takes its parameters as path segments (the
widget arguments: `start_date/YYYY-MM-DD`, `end_date/...`, `max/N`, `group/<name>`,
`group_id/<id>`, `tag/<tag>`, `category/<name>`, `exclude_*`, `only_starred/true`,
`response_fields/a,b,c`); the livewhale spider asks for the crawl's window, a large `max`
and the associated fields (location, description, tags, event types...). Two answers:
JSON API v2 (installs since 2022, or `/live/json/v2/events`)
`{"meta": {"page", "per_page", "total_results", "total_pages"}, "data": [{...}]}`, and v1,
a bare list `[{...}]` (or `{"results": [...]}` when `/paginate/N/`). A single event
(`/live/events/ID@JSON`) is one object. The same calendar's iCalendar export
`/live/ical/events/group_id/<id>/` is already read by the ical spider.

Each item is one occurrence: a repeating event lists every occurrence under the same `id`
(on this page or the next), so `own_id` is `<id>@<start day>` (a time moved within its day
keeps it), and `series_id` the id when it repeats on the page or the item names `repeats` /
`repeats_until`.
Times: `date_iso`/`date2_iso` are ISO 8601 with the event's offset, read as published;
without them (older installs) `date_utc`/`date2_utc` ("YYYY-MM-DD HH:MM:SS", UTC) are
converted into the item's `timezone` (IANA), which is also set as the raw `timezone`.
`is_all_day` (1/true): the start's date, and the end's date when on a later day.

Fields: `title`; `description` (else `summary`); `url`; `registration` (a URL, or an HTML
link) as the registration link; `online_url`; `location_title` (else `location`) as the
venue, `location_latitude`/`location_longitude`; `group_title` as the organizer; `cost`;
`is_online` with `online_type` ("Hybrid"...) as the attendance mode (flags are `1 | null`:
not online, with a place, is in person); `is_canceled` as "CANCELLED"; into `categories`
the names of `event_types`, `event_types_audience`, `categories`, `tags` (lists, or
comma-separated strings in old installs) and the `group_title`.

Pagination: v2 pages (`meta.page < meta.total_pages`): `next_page` is the same URL with
`?page=<page+1>`. A v1 list does not page and is cut at the request's `max` (1000 at most on
the installs seen): the spider asks for `max/1000`, and a list that long continues with
`start_date/<its last day>`, that day's items being left to the next request. Reason codes:
the shared ones of `eventhound.extractors.platform` (`livewhale_not_json`,
`livewhale_api_error`, `livewhale_not_events`, `event_without_name`,
`event_without_start`), and `livewhale_truncated` (a v1 list at its `max` within one day:
that day's other items are lost).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, Option

NAME = "livewhale"
DETECTION = 100  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.livewhale], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "max_events": Option(int, 1000, "the events one request asks for (installs cap it at 1000)"),
}
CATEGORY_KEYS = ("event_types", "event_types_audience", "categories", "tags", "group_title")
EVENT_KEYS = ("date_iso", "date_utc", "date_ts")
ONLINE_PLACES = frozenset({"online", "virtual", "zoom", "web", "online event"})
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)


def _true(value) -> bool:
    return value is True or (not isinstance(value, bool) and str(value).strip().lower() in ("1", "true", "yes"))


def _link(value):
    """A registration value: a URL, or the href of an HTML link."""
    found = platform.text(value)
    if found and "<" in found and (match := _HREF.search(found)):
        return match.group(1).replace("&amp;", "&")
    return found


def _coordinate(value):
    found = platform.text(value)
    try:
        return found if found and float(found) != 0 else None
    except ValueError:
        return None


def _mode(event: dict) -> str | None:
    """From `is_online` (1 or null: LiveWhale's flags are `1 | null`) and `online_type`; an item
    that says it is not online and names a place is in person."""
    kind = str(event.get("online_type") or "").lower()
    online = _true(event.get("is_online"))
    if "hybrid" in kind or (online and "person" in kind):
        return "MixedEventAttendanceMode"
    if online:
        return "OnlineEventAttendanceMode"
    if "person" in kind or ("is_online" in event and (event.get("location_title") or event.get("location"))):
        return "OfflineEventAttendanceMode"
    return None


def _categories(event: dict) -> list:
    out = []
    for key in CATEGORY_KEYS:
        value = event.get(key)
        out += [v.strip() for v in value.split(",")] if isinstance(value, str) else platform.names(value)
    return out


FIELDS = {
    "title": "title",
    "description": ("description", "summary"),
    "url": "url",
    "registration_url": lambda e: _link(e.get("registration")),
    "online_url": "online_url",
    "venue_name": ("location_title", "location"),
    "latitude": lambda e: _coordinate(e.get("location_latitude")),
    "longitude": lambda e: _coordinate(e.get("location_longitude")),
    "organizer": "group_title",
    "cost_text": "cost",
    "attendance_mode": _mode,
    "event_status": lambda e: "CANCELLED" if _true(e.get("is_canceled") or e.get("is_cancelled")) else None,
    "categories": _categories,
}

# What a LiveWhale site, or a page embedding its widgets, shows of it
_QUOTED = r"""["'(]([^"'()\s]*{}[^"'()\s]*)"""
MARKERS = (
    (
        re.compile(
            r"""<meta[^>]+(?:name=["']generator["'][^>]+content=["']LiveWhale|content=["']LiveWhale[^>]+"""
            r"""name=["']generator["'])""",
            re.I,
        ),
        'generator "LiveWhale"',
    ),
    (re.compile(_QUOTED.format(r"/live/(?:json|ical|rss)(?:/v2)?/events\b")), "links to the LiveWhale events API"),
    (re.compile(_QUOTED.format(r"/live/resource/")), "LiveWhale resources (/live/resource/)"),
    (re.compile(r"\blivewhale\s*=\s*(?:livewhale\s*\|\|\s*)?\{|\blivewhale\.\w+\s*="), "the livewhale script object"),
    (re.compile(r"""class=["'][^"']*\blw_(?:widget|cal|events?)\w*"""), "LiveWhale widget markup (lw_ classes)"),
)
_FILTERS = re.compile(r"/(?:group|group_id|tag|category)/[^/]+")


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the source URL to give the livewhale spider, the evidence) when the page is a
    LiveWhale calendar or embeds LiveWhale widgets; None otherwise."""
    found = [(m, what) for pattern, what in MARKERS if (m := pattern.search(html))]
    if not found:
        return None
    links = [
        re.sub(r"^webcals?://", "https://", urljoin(url, m.group(1))) for m, what in found if m.groups() and m.group(1)
    ]
    api = next((link for link in links if "/live/" in link and "/events" in link), None)
    parts = urlsplit(links[0] if links else url)
    if api and _FILTERS.search(urlsplit(api).path):
        source = re.sub(r"/live/(?:ical|rss)/", "/live/json/", api, count=1)
    elif _FILTERS.search(urlsplit(url).path) and urlsplit(url).netloc == parts.netloc:
        source = url
    else:
        source = f"{parts.scheme}://{parts.netloc}/"
    return source, "LiveWhale (" + ", ".join(what for _, what in found) + ")"


def looks_like(text: str) -> bool:
    """LiveWhale's JSON: a `date_iso` or `date_utc` beside its `group_title`, `is_all_day`,
    `date2_iso` or `location_title` keys."""
    head = text[:65536]
    if not head.lstrip("\ufeff \r\n\t").startswith(("{", "[")):
        return False
    return ('"date_iso"' in head or '"date_utc"' in head) and any(
        key in head for key in ('"group_title"', '"is_all_day"', '"date2_iso"', '"location_title"')
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        return Extraction(errors=[error])
    records, meta = _records(data)
    if records is None:
        if isinstance(data, dict) and ("error" in data or "errors" in data):
            return Extraction(errors=[f"{NAME}_api_error"])
        return Extraction(errors=[f"{NAME}_not_events"])
    ids = Counter(platform.text(r.get("id")) for r in records if isinstance(r, dict))
    repeated = {i for i, n in ids.items() if i and n > 1}
    errors, next_page = [], _next_page(meta, url)
    if meta is None and isinstance(data, list):
        records, next_page, errors = _continue_capped(records, url)
    return platform.extraction(records, lambda e: [occurrence(e, url, repeated)], errors, next_page)


def _records(data) -> tuple[list | None, dict | None]:
    """The event items of an answer and its paging `meta`; (None, None) for another shape."""
    if isinstance(data, dict):
        for key in ("data", "results"):
            if isinstance(data.get(key), list):
                meta = data.get("meta")
                return _events_or_none(data[key]), meta if isinstance(meta, dict) else None
        if "title" in data and any(k in data for k in EVENT_KEYS):
            return [data], None
        return None, None
    if isinstance(data, list):
        return _events_or_none(data), None
    return None, None


def _events_or_none(items: list) -> list | None:
    """The list when it holds LiveWhale events (or nothing); None for a list of other things."""
    if items and not any(isinstance(i, dict) and any(k in i for k in (*EVENT_KEYS, "title")) for i in items):
        return None
    return items


def occurrence(event: dict, url: str, repeated: set[str]) -> dict:
    """The raw event of one LiveWhale item (one occurrence)."""
    raw = platform.raw_event(event, FIELDS, url)
    raw.update(times(event))
    online = raw.get("attendance_mode") == "OnlineEventAttendanceMode"
    if online and str(raw.get("venue_name")).lower() in ONLINE_PLACES:
        del raw["venue_name"]  # "Online" is no place
    event_id = platform.text(event.get("id"))
    day = raw.get("start_text", "")[:10]
    raw["own_id"] = f"{event_id}@{day}" if event_id and day else event_id or raw.get("url")
    if event_id and (event_id in repeated or event.get("repeats") or event.get("repeats_until")):
        raw["series_id"] = event_id
    return raw


def times(event: dict) -> dict:
    """start_text/end_text (and the item's zone as `timezone`) of a LiveWhale item."""
    name = platform.text(event.get("timezone"))
    zone = _zone(name)
    out: dict = {"timezone": name} if zone else {}
    start = _moment(event.get("date_iso"), event.get("date_utc"), zone)
    end = _moment(event.get("date2_iso"), event.get("date2_utc"), zone)
    if not start:
        return out
    if _true(event.get("is_all_day")):
        out["start_text"] = start[:10]
        if end and end[:10] > start[:10]:
            out["end_text"] = end[:10]
        return out
    out["start_text"] = start
    if end:
        out["end_text"] = end
    return out


def _moment(iso, utc, zone) -> str | None:
    """An ISO 8601 time: `date_iso` as published (a floating one placed in the zone), else
    `date_utc` converted into the zone."""
    published = platform.text(iso)
    if published:
        try:
            moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
        except ValueError:
            return published
        return moment.replace(tzinfo=zone).isoformat() if moment.tzinfo is None and zone else published
    return _from_utc(utc, zone)


def _from_utc(utc, zone) -> str | None:
    published = platform.text(utc)
    try:
        moment = datetime.fromisoformat(published.replace(" ", "T").replace("Z", "")) if published else None
    except ValueError:
        return None
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    try:
        return moment.astimezone(zone).isoformat() if zone else moment.isoformat()
    except OverflowError:
        return None


def _zone(name: str | None):
    try:
        return ZoneInfo(name) if name and "/" in name or name == "UTC" else None
    except (ValueError, KeyError, OSError):
        return None


def _continue_capped(records: list, url: str) -> tuple[list, str | None, list[str]]:
    """A v1 list as long as its request's `max` is cut short: its last day is left to a next
    request starting that day (`start_date/<day>`); a single day over the cap loses the rest
    (`livewhale_truncated`)."""
    cap, start = re.search(r"/max/(\d+)", url), re.search(r"/start_date/(\d{4}-\d{2}-\d{2})", url)
    if not cap or not start or not records or len(records) < int(cap.group(1)) or not url.startswith("http"):
        return records, None, []
    days = [times(r).get("start_text", "")[:10] if isinstance(r, dict) else "" for r in records]
    last = max(days)
    if last <= start.group(1):
        return records, None, [f"{NAME}_truncated"]
    kept = [r for r, day in zip(records, days) if day < last]
    return kept, url[: start.start(1)] + last + url[start.end(1) :], []


def _next_page(meta: dict | None, url: str) -> str | None:
    if not meta or not url.startswith("http"):
        return None
    try:
        page, total = int(meta.get("page") or 1), int(meta.get("total_pages") or 0)
    except (TypeError, ValueError):
        return None
    return platform.with_query(url, page=page + 1) if page < total else None
