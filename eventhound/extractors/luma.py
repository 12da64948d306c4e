"""luma: community calendars on Luma (lu.ma / luma.com), read from its public calendar JSON
or from the JSON its pages carry.

Forms read (no key, no login):

- the calendar items API `GET https://api2.luma.com/calendar/get-items?calendar_api_id=cal-...
  &period=future&pagination_limit=50[&pagination_cursor=C]` (also served as `api.lu.ma`),
  answering `{"entries": [{"api_id": "calev-...", "event": {...}, "calendar": {...},
  "hosts": [...], "ticket_info": {...}, "tags": [...], "platform": "luma"}], "has_more": true,
  "next_cursor": "..."}`; `discover/get-paginated-events` and `user/profile/events-hosting`
  answer the same shape;
- a Luma page (a calendar `https://lu.ma/<slug>`, an event page, a city page): its
  `<script id="__NEXT_DATA__">` holds `props.pageProps.initialData` = `{"kind": "calendar",
  "data": {"calendar": {...}, "featured_items": [entries]}}` (an event page: `data` is one
  entry; a city page: `data.events`), and `GET https://api.lu.ma/url?url=<slug>` answers that
  same `{"kind", "data"}` object. A calendar page lists only a teaser slice, so its
  `next_page` is the calendar's items API (by `data.calendar.api_id`): the whole future.
- The discover/place ICS (`api2.luma.com/ics/get?entity=...`) is iCalendar, read by the ical
  spider, not here.

Fields of an entry's `event`: `name`; `url` (a slug -> `https://lu.ma/<slug>`, also the
registration page; an external event's absolute URL as is); `api_id` (evt-...) as own_id;
`start_at`/`end_at` (UTC) converted into the event's `timezone` (ISO 8601 with its offset;
raw["timezone"] = that zone); an external event without `end_at` ends after its
`duration_interval` (P0Y0M0DT2H0M0S); `geo_address_info` (`address` the place's label as
venue, the street cut from `full_address`, city, region, country_code, postal code from
`full_address`) and `coordinate` (else the older `geo_latitude`/`geo_longitude`);
`location_type` (offline, online, zoom, meet...) as attendance mode; `meeting_url` /
`zoom_meeting_url` as the online link; the entry's `ticket_info` (`is_free`, `price` /
`max_price` as `{"cents", "currency"}`) as cost; the calendar's name (else the hosts') as
organizer and `https://lu.ma/<calendar slug>` (else its website) as its page; `tags[].name`
and an event page's `categories[].name` as categories. Luma has no all-day events and no
cancelled flag in these forms (a cancelled event leaves the calendar; one kept with
"CANCELLED" in its name is read from the title by the status pipeline).

Window: option `window_days_ahead` (365): events starting later are left out, and paging
stops once a page (ascending by start) passes it. `next_page`: the same URL with
`pagination_cursor=<next_cursor>` while `has_more`. Reason codes: the shared ones of
`eventhound.extractors.platform` (`luma_not_json` also for a page without Luma's
`__NEXT_DATA__`, `luma_api_error` for `{"message": ...}` answers, `luma_not_events`,
`event_without_name`, `event_without_start`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, option_value

NAME = "luma"
DETECTION = 120  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.luma], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
API = "https://api2.luma.com/calendar/get-items"
PAGE_SIZE = 50
EVENT_BASE = "https://lu.ma/"
ONLINE = {"online", "zoom", "meet", "virtual", "google_meet", "teams"}
CAL_ID = re.compile(r"\bcal-[A-Za-z0-9]{12,20}\b")
_NEXT_DATA = re.compile(r'<script[^>]*\bid=["\']__NEXT_DATA__["\'][^>]*>(.*?)</script>', re.S | re.I)
_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_LUMA_ID = re.compile(r'"api_id"\s*:\s*"(?:evt|calev|cal|discplace)-')
_LUMA_HOSTS = ("lu.ma", "luma.com", "api.lu.ma", "api2.luma.com", "api.luma.com")


def _event(entry: dict) -> dict:
    return entry.get("event") if isinstance(entry.get("event"), dict) else {}


def _geo(entry: dict) -> dict:
    geo = _event(entry).get("geo_address_info")
    return geo if isinstance(geo, dict) else {}


def event_url(entry: dict) -> str | None:
    slug = platform.text(_event(entry).get("url"))
    if not slug:
        return None
    return slug if slug.startswith(("http://", "https://")) else EVENT_BASE + slug.lstrip("/")


def _address_parts(entry: dict) -> list[str]:
    full = platform.text(_geo(entry).get("full_address")) or ""
    return [part.strip() for part in full.split(",") if part.strip()]


def _place(entry: dict) -> tuple[str | None, str | None]:
    """(venue, street) from `address` (the place's label) and `full_address` ("Furman University,
    3300 Poinsett Hwy, Greenville, SC 29613, USA"): the parts after the label, before the city,
    are the street; a label followed by the city is the street itself when it opens with a number."""
    geo, parts = _geo(entry), _address_parts(entry)
    label, city = platform.text(geo.get("address")), platform.text(geo.get("city"))
    if parts and label and parts[0] == label:
        parts = parts[1:]
    if not city or city not in parts:
        return label, None
    street = ", ".join(parts[: parts.index(city)]) or None
    if not street and label and label[:1].isdigit():
        return None, label
    return label, street


def _postal_code(entry: dict) -> str | None:
    city = platform.text(_geo(entry).get("city"))
    parts = _address_parts(entry)
    if city in parts and parts.index(city) + 1 < len(parts):
        code = re.search(r"\b[A-Z0-9]{0,3}\d[A-Z0-9 -]{2,8}\b", parts[parts.index(city) + 1])
        return code.group(0).strip() if code else None
    return None


def _mode(entry: dict) -> str | None:
    kind = str(_event(entry).get("location_type") or "").lower()
    if kind == "offline":
        return "OfflineEventAttendanceMode"
    return "OnlineEventAttendanceMode" if kind in ONLINE else None


def _ticket(entry: dict) -> dict:
    return entry.get("ticket_info") if isinstance(entry.get("ticket_info"), dict) else {}


def _amount(price) -> str | None:
    cents = price.get("cents") if isinstance(price, dict) else None
    if isinstance(cents, bool) or not isinstance(cents, (int, float)):
        return None
    return f"{cents / 100:.2f}".rstrip("0").rstrip(".")


def _currency(entry: dict) -> str | None:
    ticket = _ticket(entry)
    for price in (ticket.get("price"), ticket.get("max_price")):
        if isinstance(price, dict) and platform.text(price.get("currency")):
            return platform.text(price["currency"]).upper()
    return None


def _free(entry: dict) -> str | None:
    free = _ticket(entry).get("is_free")
    return "true" if free is True else "false" if free is False else None


def _cost(entry: dict) -> str | None:
    if _free(entry) == "true":
        return "Free"
    ticket, currency = _ticket(entry), _currency(entry)
    low, high = _amount(ticket.get("price")), _amount(ticket.get("max_price"))
    if not low:
        return None
    span = f"{low} – {high}" if high and high != low else low
    return f"{span} {currency}" if currency else span


def _organizer(entry: dict) -> str | None:
    calendar = entry.get("calendar") if isinstance(entry.get("calendar"), dict) else {}
    if platform.text(calendar.get("name")) and not calendar.get("is_personal") and not calendar.get("personal_user"):
        return platform.text(calendar["name"])
    hosts = platform.names(entry.get("hosts") or [])
    return ", ".join(hosts) if hosts else platform.text(_event(entry).get("host"))


def _organizer_url(entry: dict) -> str | None:
    calendar = entry.get("calendar") if isinstance(entry.get("calendar"), dict) else {}
    if calendar.get("is_personal"):
        return None
    slug = platform.text(calendar.get("slug"))
    return EVENT_BASE + slug if slug else platform.text(calendar.get("website"))


FIELDS = {
    "title": "event.name",
    "url": event_url,
    "registration_url": event_url,
    "online_url": ("event.meeting_url", "event.zoom_meeting_url"),
    "venue_name": lambda e: _place(e)[0],
    "street": lambda e: _place(e)[1],
    "city": "event.geo_address_info.city",
    "region": "event.geo_address_info.region",
    "postal_code": _postal_code,
    "country": ("event.geo_address_info.country_code", "event.geo_address_info.country"),
    "latitude": ("event.coordinate.latitude", "event.geo_latitude", "event.geo_address_info.latitude"),
    "longitude": ("event.coordinate.longitude", "event.geo_longitude", "event.geo_address_info.longitude"),
    "organizer": _organizer,
    "organizer_url": _organizer_url,
    "own_id": ("event.api_id", "api_id"),
    "attendance_mode": _mode,
    "is_free": _free,
    "cost_text": _cost,
    "price_min": lambda e: _amount(_ticket(e).get("price")),
    "price_max": lambda e: _amount(_ticket(e).get("max_price")) or _amount(_ticket(e).get("price")),
    "currency": _currency,
    "categories": ["tags[]", "categories[]"],
}


def looks_like(text: str) -> bool:
    """Luma's items JSON (`entries` of `event`s with evt- ids and `start_at`), its `/url`
    answer, or a Luma page whose __NEXT_DATA__ holds Luma's initialData with Luma's ids."""
    head = text[:65536]
    if head.lstrip("\ufeff \r\n\t").startswith("{"):
        lumaish = _LUMA_ID.search(head) and '"start_at"' in head
        return bool(lumaish and ('"entries"' in head or '"featured_items"' in head or '"kind"' in head))
    if "__NEXT_DATA__" not in text:
        return False
    match = _NEXT_DATA.search(text)
    return bool(match and '"initialData"' in match.group(1) and _LUMA_ID.search(match.group(1)))


def extract(text: str, url: str, context: Context) -> Extraction:
    body = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
    if not body.lstrip("\ufeff \r\n\t").startswith(("{", "[")):
        return _from_page(body, url, context)
    data, error = platform.load_json(body, NAME)
    if error:
        return Extraction(errors=[error])
    return _from_json(data, url, context)


def _from_page(body: str, url: str, context: Context) -> Extraction:
    match = _NEXT_DATA.search(body)
    if not match:
        return Extraction(errors=[f"{NAME}_not_json"])
    try:
        data = json.loads(match.group(1))
    except (ValueError, RecursionError):
        return Extraction(errors=[f"{NAME}_not_json"])
    initial = platform.dig(data, "props.pageProps.initialData")
    if not isinstance(initial, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    return _from_json(initial, url, context)


def _from_json(data, url: str, context: Context) -> Extraction:
    if not isinstance(data, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    if isinstance(data.get("entries"), list):
        entries = data["entries"]
        return _read(entries, context, _next_page(data, url, entries, context))
    inner = data.get("data") if isinstance(data.get("data"), dict) else None
    if inner is not None:  # a page's initialData or the /url answer: {"kind", "data"}
        for key in ("featured_items", "events", "entries", "items"):
            if isinstance(inner.get(key), list):
                return _read(inner[key], context, _calendar_api(inner, url))
        if isinstance(inner.get("event"), dict):
            return _read([inner], context)
        return Extraction(errors=[f"{NAME}_not_events"])
    if isinstance(data.get("event"), dict):  # an event/get answer: one entry
        return _read([data], context)
    if "message" in data or "error" in data or "errors" in data:
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _read(entries: list, context: Context, next_page: str | None = None) -> Extraction:
    horizon = _horizon(context)
    records = [e if isinstance(e.get("event"), dict) else {"event": e} for e in entries if isinstance(e, dict)]
    kept = [e for e in records if not _beyond(e, horizon)]
    return platform.extraction(kept, lambda e: [occurrence(e)], next_page=next_page)


def occurrence(entry: dict) -> dict:
    """The raw event of one Luma entry, its times in the event's own zone."""
    raw = platform.raw_event(entry, FIELDS, EVENT_BASE)
    event = _event(entry)
    zone = _zone(event.get("timezone"))
    start = _instant(event.get("start_at") or entry.get("start_at"))
    end = _instant(event.get("end_at"))
    if start and not end:
        duration = _duration(event.get("duration_interval"))
        end = _plus(start, duration) if duration else None
    if start:
        raw["start_text"] = _local(start, zone)
        if end and end >= start:
            raw["end_text"] = _local(end, zone)
    if zone:
        raw["timezone"] = zone.key
    return raw


def _plus(moment: datetime, duration: timedelta) -> datetime | None:
    try:
        return moment + duration
    except OverflowError:
        return None


def _local(moment: datetime, zone: ZoneInfo | None) -> str:
    """ISO 8601 in the event's zone (with its offset); as published (UTC) without one."""
    try:
        return moment.astimezone(zone).isoformat() if zone else moment.isoformat()
    except (OverflowError, ValueError):  # a year at the edge of the calendar
        return moment.isoformat()


def _zone(name) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name.strip() else None
    except (ValueError, KeyError, OSError):
        return None


def _instant(value) -> datetime | None:
    published = platform.text(value)
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _duration(value) -> timedelta | None:
    match = _DURATION.match(platform.text(value) or "")
    if not match or not any(match.groups()):
        return None
    years, months, days, hours, minutes, seconds = (float(g or 0) for g in match.groups())
    total = days * 86400 + hours * 3600 + minutes * 60 + seconds
    if years or months or total > 92 * 86400:
        return None  # no event lasts a season; an odd value is not guessed at
    return timedelta(seconds=total)


def _horizon(context: Context) -> datetime | None:
    days = option_value(OPTIONS, context.options, "window_days_ahead")
    if context.now.year < 1971:
        return None
    try:
        return context.now + timedelta(days=days)
    except OverflowError:  # a window beyond the calendar: no window
        return None


def _beyond(entry: dict, horizon: datetime | None) -> bool:
    start = _instant(_event(entry).get("start_at") or entry.get("start_at"))
    return bool(horizon and start and start > horizon)


def _next_page(data: dict, url: str, entries: list, context: Context) -> str | None:
    cursor = platform.text(data.get("next_cursor"))
    if data.get("has_more") is not True or not cursor or not url.startswith("http"):
        return None
    horizon = _horizon(context)
    last = next((e for e in reversed(entries) if isinstance(e, dict)), None)
    if last is not None and _beyond(last if isinstance(last.get("event"), dict) else {"event": last}, horizon):
        return None  # ascending by start: the rest lies beyond the window
    return platform.with_query(url, pagination_cursor=cursor)


def items_url(calendar_api_id: str, base: str = API) -> str:
    """The calendar items API of a calendar: its whole future, 50 a page."""
    return f"{base}?calendar_api_id={calendar_api_id}&period=future&pagination_limit={PAGE_SIZE}"


def _calendar_api(inner: dict, url: str) -> str | None:
    """A calendar page's (or /url answer's) full list: the items API of its calendar."""
    calendar = inner.get("calendar") if isinstance(inner.get("calendar"), dict) else {}
    api_id = platform.text(calendar.get("api_id"))
    if not api_id or not CAL_ID.fullmatch(api_id) or not url.startswith("http"):
        return None
    host = urlsplit(url).hostname or ""
    if host in _LUMA_HOSTS or host.endswith((".lu.ma", ".luma.com")):
        return items_url(api_id)
    return items_url(api_id, urljoin(url, "/calendar/get-items"))  # a mirror (tests): same site


# What a page embedding or being a Luma calendar shows of it
MARKERS = (
    (re.compile(r"(?:lu\.ma|luma\.com)/embed/calendar/(cal-[A-Za-z0-9]+)"), "a Luma calendar embed"),
    (re.compile(r"app-argument=luma://calendar/(cal-[A-Za-z0-9]+)"), "Luma's app link to a calendar"),
    (re.compile(r'"calendar_api_id"\s*:\s*"(cal-[A-Za-z0-9]+)"'), "a Luma calendar id in the page's data"),
    (
        re.compile(r"api2?\.(?:lu\.ma|luma\.com)/calendar/get-items\?calendar_api_id=(cal-[A-Za-z0-9]+)"),
        "links to Luma's calendar items API",
    ),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the source URL to give the luma spider, the evidence) when the page embeds a Luma
    calendar or is one; None otherwise. The source URL names the calendar's id (an embed
    address) so the spider asks the items API directly."""
    for pattern, what in MARKERS:
        if match := pattern.search(html):
            return f"https://lu.ma/embed/calendar/{match.group(1)}/events", f"Luma ({what})"
    return None
