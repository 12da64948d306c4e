"""engage: student-organization and campus calendars on Campus Labs Engage (Anthology
Engage), read from the public discovery API its events page calls, no sign-in needed.

`GET https://<school>.campuslabs.com/engage/api/discovery/event/search?endsAfter=<ISO>
&startsBefore=<ISO>&orderByField=endsOn&orderByDirection=ascending&status=Approved&take=N
&skip=S&query=` (a school on its own domain drops the `/engage`:
`https://getinvolved.example.edu/api/discovery/event/search`) answers
`{"@odata.count": N, "@search.facets": {...}, "value": [{...}]}`; a bare list of such
records (a saved `value`) is read too. Each record is one occurrence: `own_id` is its `id`,
the event page `https://<host>[/engage]/event/<id>` its `url` (made from the API URL; none
when the text was not fetched over http).

Fields: `name`; `description` (HTML); `startsOn`/`endsOn`, UTC instants
(`2027-09-22T16:00:00+00:00`), given as the same instants in the source's zone (no
`timezone` is set: the API names none); an event from 00:00 to 23:59 (or to a later
midnight) in the source's zone is all-day: its dates only, the end inclusive; `location` as
the venue, or as the online link when it is a URL (then online, and so for "Online",
"Virtual", "Zoom"...); `latitude`, `longitude`; `organizationName` (else the first of
`organizationNames`) as the organizer; `status` "Canceled"/"Cancelled" as cancelled; and
into `categories` the names of `categoryNames`, `benefitNames` ("Free Food") and the
`theme` ("ThoughtfulLearning", "Social", ...) as published.

`next_page`: the same URL with `skip` advanced by the records read while `skip + read <
@odata.count`. Reason codes: the shared ones of `eventhound.extractors.platform`
(`engage_not_json`, `engage_api_error` for an error object such as `{"Message": ...}` or
a problem `{"title", "status"}`, `engage_not_events`, `event_without_name`,
`event_without_start`).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction

NAME = "engage"
DETECTION = 50  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.engage], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
API_MARK = "/api/discovery/event/search"
ONLINE = re.compile(r"^\s*(?:online|virtual|zoom|microsoft teams|webex|google meet)\b", re.I)
CANCELLED = ("canceled", "cancelled")
FIELDS = {
    "title": "name",
    "description": "description",
    "venue_name": lambda e: None if _is_link(e.get("location")) else e.get("location"),
    "online_url": lambda e: e.get("location") if _is_link(e.get("location")) else None,
    "attendance_mode": lambda e: "OnlineEventAttendanceMode" if _is_online(e.get("location")) else None,
    "latitude": "latitude",
    "longitude": "longitude",
    "organizer": ("organizationName", "organizationNames[0]"),
    "event_status": lambda e: "CANCELLED" if str(e.get("status") or "").lower() in CANCELLED else None,
    "categories": ["categoryNames[]", "benefitNames[]", "theme"],
}


# What an Engage site, or a page linking to one, shows of it
MARKERS = (
    (re.compile(r"https?://[\w-]+\.campuslabs\.com/engage\b"), "links to a campuslabs.com Engage site"),
    (re.compile(r"/engage/api/discovery/"), "its discovery API"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the Engage site to give the engage spider, the evidence), or None."""
    seen = platform.recognised(html, MARKERS, "CampusLabs Engage")
    if seen is None:
        return None
    link = next((m.group(0) for m in seen[0] if m.group(0).startswith("http")), None)
    return (link + "/" if link else platform.site_root(url) + "engage/"), seen[1]


def looks_like(text: str) -> bool:
    """Engage's discovery JSON: `startsOn` and `organizationName` with `@odata.count` or `benefitNames`."""
    head = text[:65536]
    if not head.lstrip("\ufeff \r\n\t").startswith(("{", "[")):
        return False
    return (
        '"startsOn"' in head and '"organizationName"' in head and ('"@odata.count"' in head or '"benefitNames"' in head)
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        return Extraction(errors=[error])
    if isinstance(data, dict) and isinstance(data.get("value"), list) and _engage_records(data["value"]):
        records = data["value"]
        return platform.extraction(
            records, lambda e: [occurrence(e, url, context)], next_page=_next_page(data, records, url)
        )
    if isinstance(data, list) and data and _engage_records(data):
        return platform.extraction(data, lambda e: [occurrence(e, url, context)])
    if isinstance(data, dict) and _is_error(data):
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def occurrence(event: dict, url: str, context: Context) -> dict:
    """The raw event of one Engage record."""
    raw = platform.raw_event(event, FIELDS, url)
    own_id = platform.text(event.get("id"))
    if own_id:
        raw["own_id"] = own_id
        if page := event_page(url, own_id):
            raw["url"] = page
    raw.update(times(event.get("startsOn"), event.get("endsOn"), context.timezone))
    return raw


def times(starts: object, ends: object, zone_name: str) -> dict:
    """start_text/end_text: the instants in the source's zone, or dates for an all-day event."""
    zone = _zone(zone_name)
    start, end = _instant(starts, zone), _instant(ends, zone)
    if start is None:  # not an instant: passed on as published (a floating time is the source's)
        out = {"start_text": platform.text(starts), "end_text": platform.text(ends)}
        return {k: v for k, v in out.items() if v}
    if end is not None and _all_day(start, end):
        last = end.date() - timedelta(days=1) if end.time() == time(0) else end.date()
        out = {"start_text": start.date().isoformat()}
        if last > start.date():
            out["end_text"] = last.isoformat()
        return out
    out = {"start_text": start.isoformat()}
    if end is not None and end >= start:
        out["end_text"] = end.isoformat()
    return out


def event_page(url: str, event_id: str) -> str | None:
    """`https://<host>[/engage]/event/<id>` from the API URL (or a page of the same site)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path
    prefix = path[: path.index(API_MARK)] if API_MARK in path else ("/engage" if path.startswith("/engage") else "")
    return f"{parts.scheme}://{parts.netloc}{prefix}/event/{event_id}"


def _all_day(start: datetime, end: datetime) -> bool:
    if start.time() != time(0) or end <= start:
        return False
    return end.time() == time(0) or (end.hour, end.minute) == (23, 59)


def _instant(value: object, zone) -> datetime | None:
    text = platform.text(value)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(zone) if moment.tzinfo else None


def _zone(name: str):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _is_link(value: object) -> bool:
    return bool(re.match(r"^\s*https?://\S+\s*$", str(value or "")))


def _is_online(value: object) -> bool:
    return _is_link(value) or bool(ONLINE.match(str(value or "")))


def _engage_records(records: list) -> bool:
    """Records of events (an empty page too), not another API's `value` list."""
    return not records or any(isinstance(r, dict) and ("startsOn" in r or "endsOn" in r) for r in records)


def _is_error(data: dict) -> bool:
    keys = {k.lower() for k in data}
    return bool(keys & {"error", "errors", "message", "exceptionmessage"}) or {"title", "status"} <= keys


def _next_page(data: dict, records: list, url: str) -> str | None:
    total = data.get("@odata.count")
    skip = platform.query_value(url, "skip") or "0"
    if not isinstance(total, int) or not records or not skip.isdigit() or not url.startswith("http"):
        return None
    following = int(skip) + len(records)
    return platform.with_query(url, skip=following) if following < total else None
