"""vtools: IEEE vTools Events, the calendar of every IEEE section, chapter, student branch and
affinity group, read from its public Events API (JSON:API, no key).

`GET https://events.vtools.ieee.org/RST/events/api/public/v7/events/list?span=now~now+365.days
&limit=500&sort=start-time&page=P` (filters: `category_id`, `subcategory_id`, `tags`,
`tags_connector`, `location_type`; `id=N` for one event) answers `{"data": [{"type":
"events", "id": "545874", "attributes": {...}, "relationships": {"category": {"data": {"type":
"categories", "id": "2"}}, "country": ..., "state": ...}}], "meta": {"paging": {"page",
"limit", "total_pages"}}}`. Attributes (as served, v5 to v8): `title`, `description` (HTML),
`start-time` / `end-time` (UTC, `2026-06-16T13:00:00.000Z`), `time-zone` (`{"name":
"Europe/Lisbon", "utc-offset": 0}`: the offset is the zone's standard one, so the IANA name
is what converts), `primary-host` and `cohosts` (organizational units: `spoid`, `name`,
`type_description` such as "Chapter" or "Student Branch Chapter"), `tags` ("#networking"),
`location-type` (physical, virtual, hybrid), `virtual` (bool), `virtual-info` (HTML with the
join link), `building`, `room-number`, `address1`, `address2`, `city`, `postal-code`,
`latitude`, `longitude` (strings), `registration-url`, `cost` (bool), `cancelled` (bool),
`link` (`https://events.vtools.ieee.org/m/<id>`).

Fields: `title`; `description`; `url` (`link`, else the /m/<id> page); `registration_url`;
`online_url` (the first link in `virtual-info`); `venue_name` (`building`, with the room),
street (`address1`, `address2`), city, postal code, latitude, longitude (vTools names the
state and country only by numeric ids in `relationships`: not read); `organizer` (the
primary host's name); `attendance_mode` from `location-type` (else `virtual`); `event_status`
CANCELLED when `cancelled`; `is_free` and cost "Free" when `cost` is false; `categories`: the
category's name (ids 1-6: Professional, Technical, Nontechnical, Administrative,
Humanitarian, Pre-U STEM Program, as a public consumer of the API names them), the hosts'
unit types and names, and the tags without their "#". Times: converted
from UTC into the event's own zone (`timezone` set to it); an event from 00:00 to 23:59
local is all-day (a date), as vTools has no all-day flag. `own_id` is the event id.

A section's meetings list (`/meetings/<spoid>/-0/365`, an HTML table) or any page linking
`events.vtools.ieee.org/m/<id>` is read as links: `follow` is the API's `?id=<id>` of each.

`next_page`: `links.next` when given, else the same URL with `page=page+1` while
`meta.paging.page < total_pages`. Reason codes: the shared ones of
`eventhound.extractors.platform` (`vtools_not_json`, `vtools_api_error`, `vtools_not_events`,
`event_without_name`, `event_without_start`).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction

NAME = "vtools"
DETECTION = 110  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.vtools], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
HOST = "events.vtools.ieee.org"
API = f"https://{HOST}/RST/events/api/public/v7/events/list"
# The event categories (relationships.category.data.id), as a public consumer of the API names them
CATEGORIES = {
    "1": "Professional",
    "2": "Technical",
    "3": "Nontechnical",
    "4": "Administrative",
    "5": "Humanitarian",
    "6": "Pre-U STEM Program",
}
MODES = {
    "physical": "OfflineEventAttendanceMode",
    "virtual": "OnlineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
}
HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)
EVENT_LINK = re.compile(r"(?:https?:)?(?://events\.vtools\.ieee\.org)?/m/(\d+)\b")


def _street(a: dict) -> str | None:
    parts = [platform.text(a.get("address1")), platform.text(a.get("address2"))]
    return ", ".join(p for p in parts if p) or None


def _venue(a: dict) -> str | None:
    building, room = platform.text(a.get("building")), platform.text(a.get("room-number"))
    return ", ".join(p for p in (building, room) if p) if building else None


def _online(a: dict) -> str | None:
    info = a.get("virtual-info")
    found = HREF.search(info) if isinstance(info, str) else None
    if found:
        return html.unescape(found.group(1))
    bare = re.search(r"https?://[^\s<>\"']+", info) if isinstance(info, str) else None
    return bare.group(0) if bare else None


def _mode(a: dict) -> str | None:
    kind = str(a.get("location-type") or "").lower()
    if kind in MODES:
        return MODES[kind]
    return MODES["virtual"] if a.get("virtual") is True else None


def _tags(a: dict) -> list[str]:
    tags = a.get("tags") if isinstance(a.get("tags"), list) else []
    return [t.strip().lstrip("#").strip() for t in tags if isinstance(t, str) and t.strip().lstrip("#").strip()]


FIELDS = {
    "title": "title",
    "description": "description",
    "url": ("link", "_page"),
    "registration_url": "registration-url",
    "online_url": _online,
    "venue_name": _venue,
    "street": _street,
    "city": "city",
    "postal_code": "postal-code",
    "latitude": "latitude",
    "longitude": "longitude",
    "organizer": "primary-host.name",
    "attendance_mode": _mode,
    "event_status": lambda a: "CANCELLED" if a.get("cancelled") is True else None,
    "cost_text": lambda a: "Free" if a.get("cost") is False else platform.text(a.get("pricing")),
    "is_free": lambda a: "true" if a.get("cost") is False else None,
    "categories": [
        "_category",
        "primary-host.type_description",
        "cohosts[].type_description",
        "primary-host.name",
        "cohosts[].name",
        "_tags[]",
    ],
}


def looks_like(text: str) -> bool:
    """vTools' JSON:API events: a `start-time` and a `primary-host` (or a vTools event link)."""
    head = text[:65536]
    return (
        head.lstrip("\ufeff \r\n\t").startswith("{")
        and '"start-time"' in head
        and ('"primary-host"' in head or "vtools.ieee.org/m/" in head)
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        return _links(text, url) or Extraction(errors=[error])
    if not isinstance(data, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    if "errors" in data or "error" in data:
        return Extraction(errors=[f"{NAME}_api_error"])
    records = data.get("data")
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not all(_is_event(r) for r in records):
        return Extraction(errors=[f"{NAME}_not_events"])
    return platform.extraction(records, lambda r: [event(r, url)], next_page=_next_page(data, url))


def _is_event(record) -> bool:
    """An event resource, or the bare attributes of one (what some consumers keep)."""
    if not isinstance(record, dict):
        return False
    attributes = record.get("attributes")
    return record.get("type") == "events" or "start-time" in (attributes if isinstance(attributes, dict) else record)


def event(record: dict, url: str) -> dict:
    """The raw event of one vTools event resource (or of its bare attributes)."""
    attributes = record.get("attributes") if isinstance(record.get("attributes"), dict) else record
    own_id = platform.text(record.get("id")) or platform.text(attributes.get("id"))
    category = platform.text(platform.dig(record, "relationships.category.data.id"))
    a = dict(
        attributes,
        _page=f"https://{HOST}/m/{own_id}" if own_id else None,
        _category=CATEGORIES.get(category or ""),
        _tags=_tags(attributes),
    )
    raw = platform.raw_event(a, FIELDS, url)
    raw.update(_times(attributes))
    if own_id:
        raw["own_id"] = own_id
    return raw


def _times(a: dict) -> dict:
    """start_text/end_text in the event's own zone (and that zone); all-day as dates."""
    zone_name = platform.text(platform.dig(a, "time-zone.name")) or platform.text(a.get("time-zone"))
    try:
        zone = ZoneInfo(zone_name) if zone_name else None
    except (ValueError, KeyError, OSError):
        zone = None
    start, end = _local(a.get("start-time"), zone), _local(a.get("end-time"), zone)
    out: dict = {"timezone": zone_name} if zone else {}
    if start and end and start.time().isoformat() == "00:00:00" and end.strftime("%H:%M") == "23:59":
        out["start_text"] = start.date().isoformat()
        if end.date() > start.date():
            out["end_text"] = end.date().isoformat()  # the last day, inclusive
        return out
    if start:
        out["start_text"] = start.isoformat()
    if end:
        out["end_text"] = end.isoformat()
    return out


def _local(value, zone: ZoneInfo | None) -> datetime | None:
    moment = platform.text(value)
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else None
    except ValueError:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # a time without offset is UTC, as vTools serves every time
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(zone or UTC).replace(microsecond=0)


def _next_page(data: dict, url: str) -> str | None:
    following = platform.absolute(url, platform.dig(data, "links.next"))
    if following:
        return following
    paging = platform.dig(data, "meta.paging")
    paging = paging if isinstance(paging, dict) else {}
    page, total = _int(paging.get("page")), _int(paging.get("total_pages"))
    if page is not None and total is not None and page < total and url.startswith("http"):
        return platform.with_query(url, page=page + 1)
    return None


def _int(value) -> int | None:
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _links(text: str, url: str) -> Extraction | None:
    """A page listing vTools events (a section's meetings table, a chapter page): the API
    answer of each linked event to fetch; None when it links none."""
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    ids = []
    for href in HREF.findall(body):
        absolute = urljoin(url, html.unescape(href)) if url else href
        match = EVENT_LINK.search(absolute) if HOST in absolute else None
        if match and match.group(1) not in ids:
            ids.append(match.group(1))
    return Extraction(follow=[platform.with_query(API, id=i) for i in ids]) if ids else None


# What an IEEE unit's page shows of vTools: the list API, the meetings embed, feeds, event links
MARKERS = (
    (
        re.compile(r"""https?://events\.vtools\.ieee\.org/RST/events/api/public/v\d+/events/list[^"'\s<>]*"""),
        "links to the vTools events API",
    ),
    (re.compile(r"""https?://events\.vtools\.ieee\.org/meetings/[A-Za-z0-9]+/[^"'\s<>]*"""), "a vTools meetings embed"),
    (re.compile(r"""https?://events\.vtools\.ieee\.org/feeds/[^"'\s<>]+"""), "a vTools events feed"),
    (re.compile(r"""https?://events\.vtools\.ieee\.org/m/\d+"""), "links to vTools event pages"),
)


def recognise(html_text: str, url: str) -> tuple[str, str] | None:
    """(the source URL to give the vtools spider, the evidence) when the page lists IEEE
    vTools events: the API list it names, else its meetings embed, else the page itself
    (its /m/<id> links are read); None otherwise."""
    found = [(m, what) for pattern, what in MARKERS if (m := pattern.search(html_text))]
    if not found:
        return None
    evidence = "IEEE vTools (" + ", ".join(what for _, what in found) + ")"
    for match, what in found:
        if what in ("links to the vTools events API", "a vTools meetings embed"):
            return html.unescape(match.group(0)), evidence
    links = {m.group(1) for m in re.finditer(r"events\.vtools\.ieee\.org/m/(\d+)", html_text)}
    return (url, evidence) if len(links) >= 2 else None
