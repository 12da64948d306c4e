"""localist: campus and city calendars on Localist, read from its public API v2 JSON.

`GET /api/2/events?days=N&pp=100&page=P` answers
`{"events": [{"event": {...}}], "page": {"current": 1, "size": 100, "total": 3}}`; the
single-event endpoint `/api/2/events/ID` answers `{"event": {...}}`. Each event lists its
`event_instances` (`{"event_instance": {"id", "start", "end", "all_day"}}`): one raw event
per instance, `own_id` the instance's id, `series_id` the event's id when there are several.
Times are ISO 8601 with the calendar's offset; an all-day instance gives its date.

Fields: `title`; `description_text` (else the HTML `description`); `localist_url` (else
`url`); `ticket_url` as the registration link; `stream_url` as the online link;
`location_name`, `room_number`, `geo` (street, city, state, zip, country, latitude,
longitude); `ticket_cost` and `free`; `experience` (inperson, virtual, hybrid) as the
attendance mode; `status` "canceled" as cancelled; and into `categories` the names of
`filters.event_types`, `filters.event_target_audience`, `departments`, `groups`, `tags`,
`keywords`.

`next_page`: the same URL with `page=current+1` while `current < total`. Reason codes: the
shared ones of `eventhound.extractors.platform` (`localist_not_json`, `localist_api_error`,
`localist_not_events`, `event_without_name`, `event_without_start`).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction

NAME = "localist"
DETECTION = 40  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.localist], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
MODES = {
    "inperson": "OfflineEventAttendanceMode",
    "virtual": "OnlineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
}
FIELDS = {
    "title": "title",
    "description": ("description_text", "description"),
    "url": ("localist_url", "url"),
    "registration_url": "ticket_url",
    "online_url": "stream_url",
    "venue_name": ("location_name", "location"),
    "street": ("geo.street", "address"),
    "city": "geo.city",
    "region": "geo.state",
    "postal_code": "geo.zip",
    "country": "geo.country",
    "latitude": "geo.latitude",
    "longitude": "geo.longitude",
    "cost_text": lambda e: "Free" if e.get("free") is True else platform.text(e.get("ticket_cost")),
    "attendance_mode": lambda e: MODES.get(str(e.get("experience") or "").lower()),
    "event_status": lambda e: "CANCELLED" if str(e.get("status") or "").lower() in ("canceled", "cancelled") else None,
    "categories": [
        "filters.event_types[]",
        "filters.event_target_audience[]",
        "filters.departments[]",
        "departments[]",
        "groups[]",
        "tags[]",
        "keywords[]",
    ],
}


# What a Localist calendar or a page embedding its widget shows of it
MARKERS = (
    (re.compile(r"localist-images|images-cf\.localist\.com|localist\.com/assets"), "Localist's image/asset hosts"),
    (re.compile(r"""["'][^"']*/widget/view\?[^"']*\bschools?="""), "a Localist widget"),
    (re.compile(r"/api/2/events\b"), "links to /api/2/events"),
    (re.compile(r"[Pp]owered by\s*(?:<[^>]+>\s*)*Localist"), '"Powered by Localist"'),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the source URL to give the localist spider, the evidence) when the page is a Localist
    calendar or embeds one; None otherwise."""
    seen = platform.recognised(html, MARKERS, "Localist")
    if seen is None:
        return None
    widget = next((m.group(0).strip("'\"") for m in seen[0] if "/widget/view" in m.group(0)), None)
    return platform.site_root(urljoin(url, widget) if widget else url), seen[1]


def looks_like(text: str) -> bool:
    """Localist's JSON: an `event_instances` list and a `localist_url`."""
    head = text[:65536]
    return head.lstrip("\ufeff \r\n\t").startswith("{") and '"event_instances"' in head and '"localist_url"' in head


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        return Extraction(errors=[error])
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        records = [w.get("event") if isinstance(w, dict) and "event" in w else w for w in data["events"]]
        return platform.extraction(records, lambda e: occurrences(e, url), next_page=_next_page(data, url))
    if isinstance(data, dict) and isinstance(data.get("event"), dict):
        return platform.extraction([data["event"]], lambda e: occurrences(e, url))
    if isinstance(data, dict) and ("error" in data or "errors" in data):
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def occurrences(event: dict, url: str) -> list[dict]:
    """One raw event per instance of a Localist event."""
    common = platform.raw_event(event, FIELDS, url)
    instances = [i.get("event_instance", i) for i in event.get("event_instances") or [] if isinstance(i, dict)]
    out = []
    for instance in instances or [{}]:
        raw = dict(common)
        start, end = platform.text(instance.get("start")), platform.text(instance.get("end"))
        if start:
            all_day = instance.get("all_day") in (True, "true")
            raw["start_text"] = start[:10] if all_day else start
            if end:
                raw["end_text"] = end[:10] if all_day else end
        raw["own_id"] = platform.text(instance.get("id")) or platform.text(event.get("id")) or raw.get("url")
        if len(instances) > 1 and platform.text(event.get("id")):
            raw["series_id"] = platform.text(event.get("id"))
        out.append(raw)
    return out


def _next_page(data: dict, url: str) -> str | None:
    page = data.get("page") if isinstance(data.get("page"), dict) else {}
    current, total = page.get("current"), page.get("total")
    if isinstance(current, int) and isinstance(total, int) and current < total and url.startswith("http"):
        return platform.with_query(url, page=current + 1)
    return None
