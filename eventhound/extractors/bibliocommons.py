"""bibliocommons: public-library event calendars on BiblioCommons Events, read from the
JSON gateway its own events pages load.

`GET https://gateway.bibliocommons.com/v2/libraries/<slug>/events?page=P&limit=N`
(`<slug>` is the library's subdomain: `tpl` for tpl.bibliocommons.com) answers, without a
key, a normalized listing::

    {"events": {"items": ["<id>", ...], "pagination": {"count", "pages", "page", "limit"}},
     "entities": {"events": {"<id>": {"id", "key", "isRecurring", "definition": {...}}},
                  "locations": {...}, "places": {...}, "eventTypes": {...},
                  "eventAudiences": {...}, "eventPrograms": {...}, "images": {...}}}

Each id of `events.items` (in order) is one occurrence: `own_id` is its id and its page is
`https://<slug>.bibliocommons.com/events/<id>` (the slug read from the request's path).
`definition` holds `title`, `description` (HTML), `start` and `end` as the branch's
wall-clock time without an offset ("2027-10-05T10:00"; a date alone, "2027-10-04", for an
all-day event), `isCancelled`, `isVirtual`, `branchLocationId` (into `entities.locations`;
`BC_VIRTUAL` is the platform's online location), `nonBranchLocationId` (an off-site venue,
into `entities.places`), `locationDetails` (the room), `typeIds`, `audienceIds`,
`programId` and `registrationInfo`.

Fields: `title`; `description`; `start_text`/`end_text` as published (floating; without a
`start`, the event's `key` when it is a date, as some consumers read it), with
`timezone` the place's `mapLocation.timeZone` when it names one; the place's `name`,
`address` (`number` + `street`, `city`, `state`, `zip`, `country`) and
`mapLocation.centrePoint` (`lat`, `lng`; 0,0 is no point) as the venue, else
`locationDetails` as its name; `isCancelled` as CANCELLED; `isVirtual` or the BC_VIRTUAL
location as the attendance mode (online, or mixed with a physical place; a place alone is
offline); the event page as the registration link when `registrationInfo` names a
`provider`, `enabledMethods` or a `registrationStart`; into `categories` the names of its
event types, audiences and program (`entities.eventPrograms`, when the page lists it).
`isVirtual` and BC_VIRTUAL are named as in the gateway's RSS twin (`bc:is_virtual`,
`locations=BC_VIRTUAL`). No cost field and no meeting-link field turned up in public
evidence: an online event's link, when the library gives one, is in its description,
where the AttendancePipeline finds it.

`next_page`: the same URL with `page=page+1` while `page < pages`. Reason codes: the
shared ones of `eventhound.extractors.platform` (`bibliocommons_not_json`,
`bibliocommons_api_error`, `bibliocommons_not_events`, `event_without_name`,
`event_without_start`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, Option

NAME = "bibliocommons"
DETECTION = 90  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.bibliocommons], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "limit": Option(int, 100, "the events one page asks for (1 to 200)"),
}
VIRTUAL = "BC_VIRTUAL"
GATEWAY = "gateway.bibliocommons.com"
_SLUG_PATH = re.compile(r"/v2/libraries/([A-Za-z0-9_-]+)(?:/|$)")
_SLUG_HOST = re.compile(r"^([a-z0-9-]+)\.bibliocommons\.com$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")  # an event's `key`, when it is its start
_NOT_SLUGS = frozenset({"gateway", "www", "any", "support", "help", "api", "static", "cdn"})


def _names(record: dict, ids_key: str, table: str) -> list[str]:
    """The names of the entities a definition's id list (or single id) points to."""
    ids = platform.dig(record, f"definition.{ids_key}")
    entities = record["entities"].get(table)
    if not isinstance(entities, dict):
        return []
    found = [entities.get(str(i)) for i in (ids if isinstance(ids, list) else [ids]) if i is not None]
    return platform.names([e for e in found if isinstance(e, dict)])


def _status(record: dict) -> str | None:
    return "CANCELLED" if platform.dig(record, "definition.isCancelled") is True else None


def _registration(record: dict) -> str | None:
    info = platform.dig(record, "definition.registrationInfo")
    if not isinstance(info, dict):
        return None
    start = info.get("registrationStart")
    wanted = info.get("provider") or info.get("enabledMethods") or (isinstance(start, dict) and start.get("date"))
    return record["page"] if wanted else None


FIELDS = {
    "title": "definition.title",
    "description": "definition.description",
    "start_text": ("definition.start", lambda r: r["key"] if _DATE.match(str(r.get("key") or "")) else None),
    "end_text": "definition.end",
    "url": "page",
    "own_id": ("id", "event.id"),
    "event_status": _status,
    "registration_url": _registration,
    "categories": lambda r: [
        *_names(r, "typeIds", "eventTypes"),
        *_names(r, "audienceIds", "eventAudiences"),
        *_names(r, "programId", "eventPrograms"),
    ],
}


# What a BiblioCommons events page, or a library page linking to one, shows of it
_EVENTS_LINK = re.compile(r"(?i)\b(?:https?:)?//([a-z0-9-]+)\.bibliocommons\.com/(?:v2/)?events\b")
_GATEWAY_LINK = re.compile(r"(?i)gateway\.bibliocommons\.com/v2/libraries/([a-z0-9_-]+)/(?:rss/)?events\b")
MARKERS = (
    (re.compile(r"""class=["'][^"']*\bcp-[a-z]"""), "BiblioCommons cp- components"),
    (
        re.compile(r"(?i)(?:powered by|©|&copy;|copyright)\s*(?:<[^>]+>\s*)*BiblioCommons"),
        '"BiblioCommons" in the footer',
    ),
    (re.compile(r"(?i)\b[a-z0-9-]+\.bibliocommons\.com\b"), "bibliocommons.com hosts"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the library's events URL to give the bibliocommons spider, the evidence) when the page
    is a BiblioCommons events page or links to one; None otherwise (a link to the catalogue
    alone does not say where the library's events are)."""
    slug, how = _events_slug(html, url)
    if not slug:
        return None
    found = [what for pattern, what in MARKERS if pattern.search(html)]
    return f"https://{slug}.bibliocommons.com/v2/events", "BiblioCommons Events (" + ", ".join([how, *found]) + ")"


def _events_slug(html: str, url: str) -> tuple[str | None, str]:
    parts = urlsplit(url)
    host = _SLUG_HOST.match(parts.hostname or "")
    if host and host.group(1).lower() not in _NOT_SLUGS and "/events" in parts.path:
        return host.group(1).lower(), "an events page on bibliocommons.com"
    for pattern, how in ((_GATEWAY_LINK, "the events gateway"), (_EVENTS_LINK, "links to its events")):
        for match in pattern.finditer(html):
            if match.group(1).lower() not in _NOT_SLUGS:
                return match.group(1).lower(), how
    return None, ""


def looks_like(text: str) -> bool:
    """The gateway's JSON: `entities` with event `definition`s that carry BiblioCommons' id lists."""
    head = text[:65536]
    return (
        head.lstrip("\ufeff \r\n\t").startswith("{")
        and '"entities"' in head
        and '"definition"' in head
        and any(key in head for key in ('"branchLocationId"', '"audienceIds"', '"typeIds"'))
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        return Extraction(errors=[error])
    listing = data.get("events") if isinstance(data, dict) else None
    entities = data.get("entities") if isinstance(data, dict) else None
    if isinstance(listing, dict) and isinstance(entities, dict):
        slug = library_slug(url)
        records = [_record(event, entities, slug) for event in _events(listing, entities)]
        return platform.extraction(records, lambda r: [occurrence(r, url)], next_page=_next_page(listing, url))
    if isinstance(data, dict) and ({"error", "errors"} & data.keys() or {"status", "message"} <= data.keys()):
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def library_slug(url: str) -> str | None:
    """The library's slug from a gateway path (`/v2/libraries/<slug>/`) or a `<slug>.bibliocommons.com` host."""
    parts = urlsplit(url)
    if match := _SLUG_PATH.search(parts.path):
        return match.group(1)
    host = _SLUG_HOST.match(parts.hostname or "")
    return host.group(1).lower() if host and host.group(1).lower() not in _NOT_SLUGS else None


def _events(listing: dict, entities: dict) -> list:
    """The event entities in the listing's order (`items`; all of `entities.events` without one)."""
    table = entities.get("events") if isinstance(entities.get("events"), dict) else {}
    ids = listing.get("items")
    if not isinstance(ids, list):
        return list(table.values())
    return [table.get(str(i)) for i in ids if isinstance(i, (str, int)) and table.get(str(i)) is not None]


def _record(event, entities: dict, slug: str | None) -> dict | None:
    if not isinstance(event, dict):
        return None
    own = platform.text(event.get("id"))
    definition = event.get("definition") if isinstance(event.get("definition"), dict) else {}
    page = f"https://{slug}.bibliocommons.com/events/{own}" if slug and own else None
    return {
        "id": own,
        "key": event.get("key"),
        "event": event,
        "definition": definition,
        "entities": entities,
        "page": page,
    }


def occurrence(record: dict, url: str) -> dict:
    """The raw event of one occurrence: its fields, then its place and attendance mode."""
    raw = platform.raw_event(record, FIELDS, url)
    definition = record["definition"]
    place = _place(definition, record["entities"])
    if place:
        raw.update(_venue(place))
    elif details := platform.text(definition.get("locationDetails")):
        raw["venue_name"] = details
    virtual = definition.get("isVirtual") is True or definition.get("branchLocationId") == VIRTUAL
    physical = bool(place) or "venue_name" in raw
    if virtual:
        raw["attendance_mode"] = "MixedEventAttendanceMode" if physical else "OnlineEventAttendanceMode"
    elif physical:
        raw["attendance_mode"] = "OfflineEventAttendanceMode"
    return raw


def _place(definition: dict, entities: dict) -> dict | None:
    """The branch (`locations`) or off-site venue (`places`) the event is at; None online or unknown."""
    for key, table in (("branchLocationId", "locations"), ("nonBranchLocationId", "places")):
        ident = definition.get(key)
        found = entities.get(table) if isinstance(entities.get(table), dict) else {}
        if ident not in (None, "", VIRTUAL) and isinstance(found.get(str(ident)), dict):
            return found[str(ident)]
    return None


def _venue(place: dict) -> dict:
    address = place.get("address") if isinstance(place.get("address"), dict) else {}
    number, street = platform.text(address.get("number")), platform.text(address.get("street"))
    point = platform.dig(place, "mapLocation.centrePoint") or {}
    lat, lng = (point.get("lat"), point.get("lng")) if isinstance(point, dict) else (None, None)
    venue = {
        "venue_name": platform.text(place.get("name")),
        "street": f"{number} {street}" if number and street else street,
        "city": platform.text(address.get("city")),
        "region": platform.text(address.get("state") or address.get("province")),
        "postal_code": platform.text(address.get("zip") or address.get("postalCode")),
        "country": platform.text(address.get("country")),
        "timezone": platform.text(platform.dig(place, "mapLocation.timeZone")),
    }
    if isinstance(lat, (int, float)) and isinstance(lng, (int, float)) and (lat, lng) != (0, 0):
        venue["latitude"], venue["longitude"] = platform.text(lat), platform.text(lng)
    return {key: value for key, value in venue.items() if value}


def _next_page(listing: dict, url: str) -> str | None:
    paging = listing.get("pagination") if isinstance(listing.get("pagination"), dict) else {}
    page, pages = paging.get("page"), paging.get("pages")
    if isinstance(page, int) and isinstance(pages, int) and page < pages and url.startswith("http"):
        return platform.with_query(url, page=page + 1)
    return None
