"""eventbrite: an organizer's events on Eventbrite, from its API v3 (with a token) or its public pages.

Forms read (all give the same kind of event record, in one of two shapes):

- API v3 (a private token from the source's `token_env`, sent as a bearer token):
  `GET https://www.eventbriteapi.com/v3/organizers/<id>/events/?status=live,started,canceled&order_by=start_asc
  &expand=venue,ticket_availability,category,subcategory,format,organizer&time_filter=current_future
  &start_date.range_end=<day>` (or `/v3/organizations/<id>/events/`) answers
  `{"pagination": {"object_count", "page_number", "page_size", "page_count", "continuation", "has_more_items"},
  "events": [...]}`; a single event `GET /v3/events/<id>/` answers the event itself. Errors are
  `{"error": "INVALID_AUTH", "error_description": "...", "status_code": 401}`.
- The organizer's public page `https://www.eventbrite.com/o/<slug>-<id>` (no token): a Next.js page whose
  `<script id="__NEXT_DATA__">` holds `props.pageProps.upcomingEvents` (the first upcoming events),
  `hasMoreUpcoming` and `organizer`. Older pages embed `window.__SERVER_DATA__` (its `jsonld` ItemList is
  also published as JSON-LD, which the schemaorg extractor reads: a page without Eventbrite listing data
  is handed to it). The rest of the listing comes from the page's own JSON endpoint
  `/org/<id>/showmore/?type=future&page_size=N&page=P`, answering
  `{"data": {"events": [...], "has_next_page": true}, "success": true}`.
- A destination search answer `{"events": {"pagination": {...}, "results": [...]}}` (and the same list in a
  search page's `__SERVER_DATA__.search_data`).

Event records come in the API shape (`name.text`, `start`/`end` as `{"timezone", "local", "utc"}`, `status`,
`online_event`, `venue.address`, `category`, `subcategory`, `format`, `ticket_availability`, `organizer`) or
the destination shape of the pages (`name`, `start_date` + `start_time` + `timezone`, `is_cancelled`,
`is_online_event`, `primary_venue.address`, `tags[].display_name`, `ticket_availability`,
`primary_organizer`, `tickets_url`). Fields: title, description (`description.text`, else `summary`), url,
registration link (`tickets_url`, else the event page, where Eventbrite sells its tickets), venue and address
with latitude/longitude, `organizer` and its page, cost (`is_free`, the lowest and highest ticket price and
its currency), attendance mode from the online flag, `event_status` CANCELLED for a cancelled event
(EventPostponed when the sales status says so), and into `categories` the category, subcategory, format and
tags. `own_id` is the event's id (each date of a series is its own event; `series_id` names the series).
Eventbrite publishes no join link for online events (it is shown to ticket holders only), so there is no
online_url. Times: the UTC instant put in the event's own zone, ISO 8601 with offset (`timezone` set to
that zone); a date without a time (a destination record without `start_time`) is all day.

`next_page`: API v3 the same URL with `continuation=<token>` while `has_more_items` (else `page=N+1`);
showmore `page=P+1` while `has_next_page`; the organizer page, when `hasMoreUpcoming`, the showmore
endpoint's page 2 with `page_size` = the number of events the page listed. Reason codes: the shared ones
(`eventbrite_not_json` — also for an HTML page with neither Eventbrite listing data nor schema.org events,
such as a login or consent page —, `eventbrite_api_error`, `eventbrite_not_events`, `event_without_name`,
`event_without_start`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from eventhound.extractors import platform, schemaorg
from eventhound.extractors.base import Context, Extraction

NAME = "eventbrite"
DETECTION = 150  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.eventbrite], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
POSTPONED = ("event_postponed", "postponed")


def _status(record: dict) -> str | None:
    sales = record.get("event_sales_status") if isinstance(record.get("event_sales_status"), dict) else {}
    codes = {
        str(record.get("status") or "").lower(),
        str(sales.get("sales_status") or "").lower(),
        str(sales.get("message_code") or "").lower(),
    }
    if record.get("is_cancelled") is True or codes & {"canceled", "cancelled", "event_cancelled"}:
        return "CANCELLED"
    return "EventPostponed" if codes & set(POSTPONED) else None


def _mode(record: dict) -> str | None:
    online = record.get("online_event", record.get("is_online_event"))
    if not isinstance(online, bool):  # a dict or list would not even hash
        return None
    return "OnlineEventAttendanceMode" if online else "OfflineEventAttendanceMode"


def _free(record: dict) -> str | None:
    availability = record.get("ticket_availability")
    free = record.get("is_free", availability.get("is_free") if isinstance(availability, dict) else None)
    return ("true" if free else "false") if isinstance(free, bool) else None


def _cost(record: dict) -> str | None:
    if _free(record) == "true":
        return "Free"
    low, high = (platform.dig(record, f"ticket_availability.{k}_ticket_price.display") for k in ("minimum", "maximum"))
    return f"{low} – {high}" if low and high and low != high else platform.text(low or high)


VENUE = ("venue", "primary_venue")
FIELDS = {
    "title": ("name.text", "name"),
    "description": ("description.text", "summary", "full_description"),
    "url": "url",
    "registration_url": ("tickets_url", "url"),
    "venue_name": tuple(f"{v}.name" for v in VENUE),
    "street": tuple(f"{v}.address.address_1" for v in VENUE),
    "city": tuple(f"{v}.address.city" for v in VENUE),
    "region": tuple(f"{v}.address.region" for v in VENUE),
    "postal_code": tuple(f"{v}.address.postal_code" for v in VENUE),
    "country": tuple(f"{v}.address.country" for v in VENUE),
    "latitude": tuple(f"{v}.{a}latitude" for v in VENUE for a in ("address.", "")),
    "longitude": tuple(f"{v}.{a}longitude" for v in VENUE for a in ("address.", "")),
    "organizer": ("organizer.name", "primary_organizer.name"),
    "organizer_url": ("organizer.url", "primary_organizer.url"),
    "own_id": ("id", "eid", "url"),
    "series_id": "series_id",
    "event_status": _status,
    "attendance_mode": _mode,
    "is_free": _free,
    "cost_text": _cost,
    "price_min": "ticket_availability.minimum_ticket_price.major_value",
    "price_max": "ticket_availability.maximum_ticket_price.major_value",
    "currency": ("ticket_availability.minimum_ticket_price.currency", "currency"),
    "categories": ["category.name", "subcategory.name", "format.name", "tags[].display_name"],
}
_NAME_TEXT = re.compile(r'"name"\s*:\s*\{\s*"(?:text|html)"')
_NEXT_DATA = re.compile(r'<script[^>]*\bid=["\']__NEXT_DATA__["\'][^>]*>(.*?)</script>', re.S | re.I)
_SERVER_DATA = re.compile(r"window\.__SERVER_DATA__\s*=\s*(?={)")
_ORGANIZER_ID = re.compile(r"/o/(?:[^/?#]*-)?(\d{5,})/?(?:[?#]|$)")


# What a publisher's page linking to its Eventbrite organizer page shows
MARKERS = (
    (re.compile(r"https?://(?:www\.)?eventbrite\.[a-z.]+/o/[\w-]+-\d+"), "a link to its Eventbrite organizer page"),
    (re.compile(r"eventbrite\.[a-z.]+/(?:e|static/widgets)/"), "Eventbrite event links or widgets"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the organizer page to give the eventbrite spider, the evidence), or None: only a
    page that names its organizer page is claimed (single event links are not a calendar)."""
    seen = platform.recognised(html, MARKERS, "Eventbrite")
    organizer = next((m.group(0) for m in seen[0] if "/o/" in m.group(0)), None) if seen else None
    return (organizer, seen[1]) if organizer else None


def looks_like(text: str) -> bool:
    """Eventbrite's API or showmore JSON (an event `name` object with `text`, and Eventbrite's API host or
    its `start.utc`/`start.local`), a destination answer, or an organizer page's Next.js listing."""
    head = text[:65536]
    if head.lstrip("\ufeff \r\n\t").startswith("{"):
        if '"destination_event"' in head or '"eventbrite_event_id"' in head:
            return True
        return bool(_NAME_TEXT.search(head)) and (
            "eventbriteapi.com/v3" in head
            or ('"utc"' in head and '"local"' in head and ('"has_more_items"' in head or '"has_next_page"' in head))
        )
    # the Next.js data follows the page's markup, often past the first 64 KiB
    return "eventbrite" in head.lower() and "__NEXT_DATA__" in text and '"upcomingEvents"' in text


def extract(text: str, url: str, context: Context) -> Extraction:
    if text.lstrip("\ufeff \r\n\t").startswith("<"):
        return _page(text, url, context)
    data, error = platform.load_json(text, NAME)
    if error:
        return _page(text, url, context) if "<html" in text[:4096].lower() else Extraction(errors=[error])
    return _json(data, url)


def _json(data, url: str) -> Extraction:
    if not isinstance(data, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    if isinstance(data.get("events"), list):  # API v3 listing
        return platform.extraction(data["events"], lambda e: [event(e, url)], next_page=_api_next(data, url))
    inner = data.get("data") if isinstance(data.get("data"), dict) else {}
    if isinstance(inner.get("events"), list):  # the organizer page's showmore endpoint
        more = inner.get("has_next_page") is True
        return platform.extraction(
            inner["events"], lambda e: [event(e, url)], next_page=_page_plus(url) if more else None
        )
    results = platform.dig(data, "events.results")
    if isinstance(results, list):  # a destination search answer
        return platform.extraction(results, lambda e: [event(e, url)])
    if isinstance(data.get("start"), dict) and "name" in data:  # a single event
        return platform.extraction([data], lambda e: [event(e, url)])
    if "error" in data or "error_description" in data or data.get("success") is False:
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _page(text: str, url: str, context: Context) -> Extraction:
    """An organizer page: its Next.js listing; a search page's server data; else its schema.org events."""
    props = platform.dig(_embedded_json(_NEXT_DATA, text), "props.pageProps")
    if isinstance(props, dict) and isinstance(props.get("upcomingEvents"), list):
        listed = props["upcomingEvents"]
        more = props.get("hasMoreUpcoming") is True and listed
        next_page = _showmore(url, platform.dig(props, "organizer.id"), len(listed)) if more else None
        return platform.extraction(listed, lambda e: [event(e, url)], next_page=next_page)
    results = platform.dig(_embedded_json(_SERVER_DATA, text), "search_data.events.results")
    if isinstance(results, list):
        return platform.extraction(results, lambda e: [event(e, url)])
    found = schemaorg.extract(text, url, context)
    return found if found.events or found.follow else Extraction(errors=[f"{NAME}_not_json"])


def _embedded_json(pattern: re.Pattern, text: str):
    """The JSON a page embeds: a script element's content, or the object assigned after the match."""
    match = pattern.search(text)
    try:
        if match and match.groups():
            return json.loads(match.group(1))
        return json.JSONDecoder().raw_decode(text, match.end())[0] if match else None
    except (ValueError, RecursionError):
        return None


def event(record: dict, url: str) -> dict:
    """The raw event of one Eventbrite event record (API or destination shape)."""
    raw = platform.raw_event(record, FIELDS, url)
    for key in ("start", "end"):
        moment, zone = _moment(record, key)
        if moment and not (key == "end" and moment == raw.get("start_text")):  # a one-day all-day event
            raw[f"{key}_text"] = moment
            if zone:
                raw["timezone"] = zone
    return raw


def _moment(record: dict, key: str) -> tuple[str | None, str | None]:
    """(ISO 8601 text, IANA zone) of the event's start or end."""
    value = record.get(key)
    if isinstance(value, dict):  # API shape: {"timezone", "local", "utc"}
        zone, utc, local = (platform.text(value.get(k)) for k in ("timezone", "utc", "local"))
    else:  # destination shape: start_date, start_time, timezone
        zone, utc = platform.text(record.get("timezone")), None
        day, time = platform.text(record.get(f"{key}_date")), platform.text(record.get(f"{key}_time"))
        if day and not time:
            return day, zone
        local = f"{day}T{time}" if day and time else None
    tz = _zone(zone)
    try:
        if utc and tz:
            return datetime.fromisoformat(utc.replace("Z", "+00:00")).astimezone(tz).isoformat(), zone
        if local and tz:
            return datetime.fromisoformat(local).replace(tzinfo=tz).isoformat(), zone
    except ValueError:
        pass
    return (utc.replace("Z", "+00:00") if utc else local), (zone if tz else None)


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, KeyError, OSError):
        return None


def _api_next(data: dict, url: str) -> str | None:
    page = data.get("pagination") if isinstance(data.get("pagination"), dict) else {}
    if page.get("has_more_items") is not True or not url.startswith("http"):
        return None
    if platform.text(page.get("continuation")):
        return platform.with_query(url, continuation=page["continuation"])
    number = page.get("page_number")
    return platform.with_query(url, page=number + 1) if isinstance(number, int) else None


def _page_plus(url: str) -> str | None:
    current = platform.query_value(url, "page") or "1"
    return platform.with_query(url, page=int(current) + 1) if current.isdigit() and url.startswith("http") else None


def _showmore(url: str, organizer_id, listed: int) -> str | None:
    """The showmore page after the `listed` events an organizer page showed."""
    match = _ORGANIZER_ID.search(urlsplit(url).path + "?")
    organizer = platform.text(organizer_id) or (match.group(1) if match else None)
    parts = urlsplit(url)
    if not organizer or not parts.scheme.startswith("http"):
        return None
    return f"{parts.scheme}://{parts.netloc}/org/{organizer}/showmore/?type=future&page_size={listed}&page=2"
