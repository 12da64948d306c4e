"""meetup: a Meetup group's events, from its public events page, its GraphQL API or the old REST JSON.

Meetup's terms restrict automated access: the project's sources.toml keeps Meetup sources
disabled (`enabled = false`), and a source using this format stays disabled by default
unless the user enables it with their own API token (`token_env`). The group's ICS feed
(`https://www.meetup.com/<group>/events/ical/`) is read by the `ical` spider, not here.

Three public forms, told apart by their content:

1. The group's events page `https://www.meetup.com/<group>/events/` as served: its
   `<script id="__NEXT_DATA__" type="application/json">` holds the Apollo cache at
   `props.pageProps.__APOLLO_STATE__`, where every `Event:<id>` object is read (references
   `{"__ref": "Venue:<id>"}` / `"Group:<id>"` resolved). No paging: the page shows what it
   shows (the GraphQL API pages).
2. GraphQL answers (POST `https://api.meetup.com/gql-ext`, a bearer token; the spider
   builds the query): `{"data": {"groupByUrlname": {"events": {"pageInfo": {"hasNextPage",
   "endCursor"}, "edges": [{"node": {...}}]}}}}`, and any other connection with `edges`
   (`upcomingEvents` of the older `/gql`, `proNetwork.eventsSearch`), or `{"data":
   {"event": {...}}}`. `next_page`: the request's URL with `after=<endCursor>` while
   `hasNextPage` (the spider turns it into the next POST).
3. The retired REST JSON: v3 `GET https://api.meetup.com/<group>/events` (a list) and v2
   (`{"results": [...], "meta": {"next": ...}}`, or one event): `time` (epoch ms) with
   `utc_offset` (ms) and `duration` (ms), else `local_date`/`local_time`; `venue`
   (`address_1`, `zip`, `lon`), `link`/`event_url`, `status` "upcoming"/"cancelled", `fee`.

Fields (GraphQL and page): `id` (own_id; `series.id` as series_id), `title`,
`description`, `eventUrl`; `dateTime` and `endTime` (ISO 8601 with offset), else
`dateTime` + `duration` (ISO 8601 duration, "PT1H30M"); a UTC "Z" time is put in the
group's `timezone`, which is then the raw `timezone`; `status` CANCELLED / CANCELLED_PERM /
AUTOSCHED_CANCELLED as cancelled; `eventType` (PHYSICAL, ONLINE, HYBRID; else `isOnline`,
else the venues' `venueType` "online") as the attendance mode; `onlineVenue.url` as the
online link; the first venue that is not the "online" one from `venue` or `venues`
(name, address, city, state, postalCode, country, lat, lng/lon); `group.name` as the
organizer and its page as organizer_url; `feeSettings` (amount, currency) as the price
(no fee is not taken as free: groups take cash at the door); the names of `topics`
(a list, or a connection's `edges[].node`) into `categories`. Meetup has no all-day
events; a REST event with `local_date` and no time gives that date.

Reason codes: the shared ones of `eventhound.extractors.platform` (`meetup_not_json`: an
HTML page without Meetup's Next.js data, a login or consent page; `meetup_api_error`:
GraphQL `{"errors": [...]}` or a REST error such as `{"message": "Group not found"}`;
`meetup_not_events`: JSON or Next.js data of another shape; `event_without_name`,
`event_without_start`) and `extract_failed` (an unexpected body).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, Option

NAME = "meetup"
DETECTION = 160  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.meetup], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "page_size": Option(int, 50, "the events one GraphQL page asks for (0: the default)"),
}
MODES = {
    "PHYSICAL": "OfflineEventAttendanceMode",
    "ONLINE": "OnlineEventAttendanceMode",
    "HYBRID": "MixedEventAttendanceMode",
}
CANCELLED = frozenset({"CANCELLED", "CANCELLED_PERM", "AUTOSCHED_CANCELLED"})
_NEXT_DATA = re.compile(r'<script[^>]*\bid="__NEXT_DATA__"[^>]*>(.*?)</script>', re.S | re.I)
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def _fee_text(fee) -> str | None:
    if not isinstance(fee, dict) or platform.text(fee.get("amount")) is None:
        return None
    words = (platform.text(fee.get(key)) for key in ("amount", "currency", "description"))
    return " ".join(w for w in words if w)


def _fee(key: str):
    """A field of the event's fee: `feeSettings` (GraphQL, page) or `fee` (REST)."""

    def value(event: dict):
        fee = event.get("feeSettings") or event.get("fee")
        return fee.get(key) if isinstance(fee, dict) else None

    return value


FIELDS = {
    "title": "title",
    "description": "description",
    "url": "eventUrl",
    "online_url": "onlineVenue.url",
    "venue_name": "_place.name",
    "street": "_place.address",
    "city": "_place.city",
    "region": "_place.state",
    "postal_code": "_place.postalCode",
    "country": "_place.country",
    "latitude": "_place.lat",
    "longitude": ("_place.lng", "_place.lon"),
    "organizer": "group.name",
    "organizer_url": lambda e: _group_url(e.get("group")),
    "cost_text": lambda e: _fee_text(e.get("feeSettings")),
    "price_min": _fee("amount"),
    "price_max": _fee("amount"),
    "currency": _fee("currency"),
    "attendance_mode": lambda e: _mode(e),
    "event_status": lambda e: "CANCELLED" if str(e.get("status") or "").upper() in CANCELLED else None,
    "series_id": "series.id",
    "categories": ["topics[]", "topics.edges[].node"],
}
REST_FIELDS = {
    "title": "name",
    "description": "description",
    "url": ("link", "event_url"),
    "venue_name": "venue.name",
    "street": "venue.address_1",
    "city": "venue.city",
    "region": "venue.state",
    "postal_code": "venue.zip",
    "country": "venue.country",
    "latitude": "venue.lat",
    "longitude": "venue.lon",
    "organizer": "group.name",
    "organizer_url": lambda e: _group_url(e.get("group")),
    "cost_text": lambda e: _fee_text(e.get("fee")),
    "price_min": _fee("amount"),
    "price_max": _fee("amount"),
    "currency": _fee("currency"),
    "attendance_mode": lambda e: (
        "OnlineEventAttendanceMode"
        if e.get("is_online_event") is True
        else "OfflineEventAttendanceMode"
        if isinstance(e.get("venue"), dict)
        else None
    ),
    "event_status": lambda e: "CANCELLED" if str(e.get("status") or "").lower() in ("cancelled", "canceled") else None,
    "series_id": "series.id",
}


# What a page linking to a Meetup group shows
MARKERS = (
    (
        re.compile(
            r"https?://(?:www\.)?meetup\.com/(?!(?:find|topics|cities|apps|about|lp|help|pro)\b)"
            r"([\w-]{3,})/?(?:events/?)?(?=[\"'#?\s<]|$)"
        ),
        "a link to its Meetup group",
    ),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the group's events page to give the meetup spider, the evidence), or None."""
    seen = platform.recognised(html, MARKERS, "Meetup")
    if seen is None:
        return None
    return f"https://www.meetup.com/{seen[0][0].group(1)}/events/", seen[1]


def looks_like(text: str) -> bool:
    """Meetup's events page (Next.js data with Apollo `Event:` objects) or its API JSON."""
    head = text[:65536].lstrip("\ufeff \r\n\t")
    if head.startswith(("{", "[")):
        if '"groupByUrlname"' in head or '"proNetwork"' in head:
            return '"dateTime"' in head
        if "meetup.com" not in head:
            return False
        return ('"eventUrl"' in head and '"dateTime"' in head) or ('"utc_offset"' in head and '"time"' in head)
    return (
        "__NEXT_DATA__" in text
        and "__APOLLO_STATE__" in text
        and '"Event:' in text
        and ("meetup.com" in text or "meetupstatic.com" in text)
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    try:
        if text.lstrip("\ufeff \r\n\t").startswith("<"):
            return _from_page(text, url or "")
        data, error = platform.load_json(text, NAME)
        if error:
            return Extraction(errors=[error])
        return _from_json(data, url or "")
    except Exception:  # noqa: BLE001 - never raise on a body
        return Extraction(errors=["extract_failed"])


def _from_page(text: str, url: str) -> Extraction:
    match = _NEXT_DATA.search(text)
    if not match:
        return Extraction(errors=[f"{NAME}_not_json"])
    data, error = platform.load_json(match.group(1), NAME)
    if error:
        return Extraction(errors=[error])
    state = platform.dig(data, "props.pageProps.__APOLLO_STATE__")
    if not isinstance(state, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    records = [
        _resolve(value, state) for key, value in state.items() if key.startswith("Event:") and isinstance(value, dict)
    ]
    return platform.extraction(records, lambda e: [graph_event(e, url)])


def _from_json(data, url: str) -> Extraction:
    if isinstance(data, list):
        return platform.extraction(data, lambda e: [rest_event(e, url)])
    if not isinstance(data, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    errors = [f"{NAME}_api_error"] if data.get("errors") else []
    if isinstance(data.get("data"), dict):
        single = data["data"].get("event")
        connection = _connection(data["data"])
        if isinstance(single, dict):
            return platform.extraction([single], lambda e: [graph_event(e, url)], errors)
        if connection is not None:
            nodes = [edge.get("node") for edge in connection["edges"] if isinstance(edge, dict)]
            return platform.extraction(
                nodes, lambda e: [graph_event(e, url)], errors, _next_cursor_page(connection, url)
            )
    if errors or ("message" in data and "time" not in data) or "problem" in data:
        return Extraction(errors=[f"{NAME}_api_error"])
    if isinstance(data.get("results"), list):
        return platform.extraction(
            data["results"],
            lambda e: [rest_event(e, url)],
            next_page=platform.absolute(url, platform.dig(data, "meta.next")),
        )
    if "time" in data and ("event_url" in data or "link" in data):
        return platform.extraction([data], lambda e: [rest_event(e, url)])
    return Extraction(errors=[f"{NAME}_not_events"])


def _connection(node, depth: int = 0) -> dict | None:
    """The first GraphQL connection (an object with an `edges` list) under `data`."""
    if not isinstance(node, dict) or depth > 4:
        return None
    if isinstance(node.get("edges"), list):
        return node
    return next((c for c in (_connection(v, depth + 1) for v in node.values()) if c is not None), None)


def _next_cursor_page(connection: dict, url: str) -> str | None:
    info = connection.get("pageInfo") if isinstance(connection.get("pageInfo"), dict) else {}
    cursor = platform.text(info.get("endCursor"))
    if info.get("hasNextPage") is True and cursor and url.startswith("http"):
        return platform.with_query(url, after=cursor)
    return None


def _resolve(value, state: dict, depth: int = 0):
    """An Apollo cache object with its `{"__ref": key}` references replaced by the objects."""
    if depth > 5:
        return value
    if isinstance(value, dict):
        if set(value) == {"__ref"} and isinstance(state.get(value["__ref"]), dict):
            return _resolve(state[value["__ref"]], state, depth + 1)
        return {k: _resolve(v, state, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, state, depth + 1) for v in value]
    return value


def graph_event(event: dict, url: str) -> dict:
    """A raw event from a GraphQL node or an Apollo `Event:` object."""
    record = dict(event, _place=_place(event))
    raw = platform.raw_event(record, FIELDS, url)
    zone = _zone(event.get("timezone") or platform.dig(event, "group.timezone"))
    start = _local(platform.text(event.get("dateTime")), zone)
    end = _local(platform.text(event.get("endTime")), zone) or _plus(start, platform.text(event.get("duration")))
    if zone and (platform.text(event.get("dateTime")) or "").endswith("Z"):
        raw["timezone"] = zone  # the time was put in this zone
    _times(raw, start, end)
    raw["own_id"] = platform.text(event.get("id")) or raw.get("url")
    return raw


def rest_event(event: dict, url: str) -> dict:
    """A raw event from a REST v2/v3 event object."""
    raw = platform.raw_event(event, REST_FIELDS, url)
    start = end = None
    millis, offset = event.get("time"), event.get("utc_offset")
    if isinstance(millis, (int, float)) and not isinstance(millis, bool):
        shift = timedelta(milliseconds=offset) if isinstance(offset, (int, float)) else None
        zone = timezone(shift) if shift is not None else UTC
        start_at = datetime.fromtimestamp(millis / 1000, zone)
        start = start_at.isoformat()
        if isinstance(event.get("duration"), (int, float)) and event["duration"] > 0:
            end = (start_at + timedelta(milliseconds=event["duration"])).isoformat()
    elif platform.text(event.get("local_date")):
        start = platform.text(event["local_date"])
        if platform.text(event.get("local_time")):
            start = f"{start}T{platform.text(event['local_time'])}"
    _times(raw, start, end)
    raw["own_id"] = platform.text(event.get("id")) or raw.get("url")
    return raw


def _times(raw: dict, start: str | None, end: str | None) -> None:
    if start:
        raw["start_text"] = start
        if end:
            raw["end_text"] = end


def _place(event: dict) -> dict | None:
    """The event's physical venue: `venue`, else the first of `venues` that is not Meetup's "online" one."""
    venues = [event.get("venue")] + (event.get("venues") if isinstance(event.get("venues"), list) else [])
    for venue in venues:
        if isinstance(venue, dict) and not _online(venue) and platform.text(venue.get("name")):
            return venue
    return None


def _online(venue: dict) -> bool:
    kind, name = str(venue.get("venueType") or "").lower(), str(venue.get("name") or "").lower()
    return kind == "online" or name == "online event"


def _mode(event: dict) -> str | None:
    kind = str(event.get("eventType") or "").upper()
    if kind in MODES:
        return MODES[kind]
    if event.get("isOnline") is True:
        return MODES["ONLINE"]
    listed = event.get("venues") if isinstance(event.get("venues"), list) else []
    venues = [v for v in [*listed, event.get("venue")] if isinstance(v, dict)]
    online = {_online(v) for v in venues}
    return {
        frozenset({True}): MODES["ONLINE"],
        frozenset({False}): MODES["PHYSICAL"],
        frozenset({True, False}): MODES["HYBRID"],
    }.get(frozenset(online))


def _group_url(group) -> str | None:
    if not isinstance(group, dict):
        return None
    urlname = platform.text(group.get("urlname"))
    return platform.text(group.get("link")) or (f"https://www.meetup.com/{urlname}/" if urlname else None)


def _zone(name) -> str | None:
    try:
        return name if isinstance(name, str) and "/" in name and ZoneInfo(name) else None
    except (KeyError, ValueError):
        return None


def _local(value: str | None, zone: str | None) -> str | None:
    """An ISO instant as published; a UTC "Z" one in the group's zone when it is known."""
    if not value or not zone or not value.endswith("Z"):
        return value
    try:
        return datetime.fromisoformat(value[:-1] + "+00:00").astimezone(ZoneInfo(zone)).isoformat()
    except ValueError:
        return value


def _plus(start: str | None, duration: str | None) -> str | None:
    """start + an ISO 8601 duration ("PT2H30M", "P1DT2H"), in start's own offset."""
    match = _DURATION.match(duration or "")
    if not start or not match or not any(match.groups()):
        return None
    try:
        begin = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    end = begin + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return end.isoformat().replace("+00:00", "Z") if start.endswith("Z") else end.isoformat()
