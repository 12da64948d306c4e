"""libcal: library events calendars on Springshare LibCal, read from the JSON behind the
public calendar page (and from the authenticated API 1.1 when a source has a token).

The calendar page `https://<lib>.libcal.com/calendar?cid=<id>` loads its list view from
`GET /ajax/calendar/list?c=<cid>&date=0000-00-00&perpage=<n>&page=<p>&audience=&cats=&camps=&inc=0`
(`c=-1`: every public calendar; `date=0000-00-00`: every upcoming event, a real date
filters to that one day), answering
`{"total_results": 18, "perpage": 20, "status": 1, "results": [{...}]}`. Each result is one
occurrence (a recurring event lists each date under its own `id`): `title`, `startdt` /
`enddt` as local wall times without an offset (`"2025-06-02 12:30:00"`, read as floating:
the source's zone applies), `all_day`, `url`, `location`, `campus`, `description` (HTML;
else `shortdesc`), `categories_arr` (`[{"cat_id", "name", "color"}]`) and `audiences`
(`[{"id", "name"}]`) as categories, `registration_cost`, `registration_enabled`, `online_event`,
`org` / `orgurl` (the organizer and their profile page). The list never gives the online
join link (LibCal sends it to registrants). LibCal has no cancelled flag: a cancelled
occurrence is published with "Cancelled" / "Canceled" before or after its title.

API 1.1 (`GET /1.1/events?cal_id=<id>&date=<YYYY-MM-DD>&days=<n>&limit=500`, a bearer token
from `token_env`) answers `{"events": [{"id", "title", "allday", "start", "end"
(ISO 8601 with the offset), "description", "url": {"public"}, "location": {"name"}, "campus",
"category": [{"name"}], "audience", "owner": {"name"}, "registration", "registration_cost",
"online_join_url"}]}`: the same raw fields, with the online link.

All-day occurrences give their date (`start_text` "2026-07-31"; `end_text` only when the
last day differs). `own_id` is the occurrence's `id`. The RSS and iCal feeds
(`/rss.php?cid=`, `/ical_subscribe.php?cid=`) are not read here: the spider turns their URLs
into the list request, which carries more (categories, audiences, cost, online flag).

`next_page`: the list URL with `page=P+1` while `P * perpage < total_results`, the page had
results, and its last occurrence starts within `window_days_ahead` (365) of the crawl's day
(the list has no end date, so paging stops at the window). API 1.1 answers in one page.
Reason codes: the shared ones (`libcal_not_json`, `libcal_api_error` for an `error` answer
such as `{"error": "invalid_client"}`, `libcal_not_events`, `event_without_name`,
`event_without_start`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape as html_unescape
from zoneinfo import ZoneInfo

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, option_value

NAME = "libcal"
DETECTION = 70  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.libcal], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
_CANCELLED = re.compile(r"^\W*cancell?ed\b|[-–—:|(\[]\s*cancell?ed\W*$", re.IGNORECASE)
_WALL_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(.*)$")


def _venue(event: dict) -> str | None:
    place = platform.text(event.get("location")) or platform.text(platform.dig(event, "location.name"))
    campus = platform.text(event.get("campus")) or platform.text(platform.dig(event, "campus.name"))
    parts = [p for p in (place, campus) if p]
    return ", ".join(dict.fromkeys(parts)) or None


def _mode(event: dict) -> str | None:
    online = event.get("online_event")
    if online is None and "online_join_url" in event:
        online = bool(platform.text(event.get("online_join_url")))
    if online is None:
        return None
    if not online:
        return "OfflineEventAttendanceMode"
    return "MixedEventAttendanceMode" if _venue(event) else "OnlineEventAttendanceMode"


def _registration(event: dict) -> str | None:
    if event.get("registration_enabled") is True or event.get("registration") is True:
        return platform.dig(event, "url.public") or platform.text(event.get("url"))
    return None


def _status(event: dict) -> str | None:
    if event.get("cancelled") is True or event.get("canceled") is True:
        return "CANCELLED"
    title = platform.text(event.get("title")) or ""
    return "CANCELLED" if _CANCELLED.search(title) else None


FIELDS = {
    "title": "title",
    "description": ("description", "shortdesc"),
    "url": ("url.public", "url"),
    "registration_url": _registration,
    "online_url": "online_join_url",
    "venue_name": _venue,
    "organizer": ("org", "owner.name"),
    "organizer_url": "orgurl",
    "cost_text": "registration_cost",
    "attendance_mode": _mode,
    "event_status": _status,
    "categories": ["categories_arr[]", "category[]", "audiences[]", "audience[]"],
}


# What a LibCal calendar, or a page linking or embedding one, shows of it
MARKERS = (
    (re.compile(r"https?://[\w-]+\.libcal\.com\b[^\s\"'<>]*"), "links to a libcal.com calendar"),
    (re.compile(r"libcal_|springshare", re.I), "Springshare's LibCal assets"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the LibCal site to give the libcal spider, the evidence), or None."""
    seen = platform.recognised(html, MARKERS, "LibCal")
    if seen is None:
        return None
    link = next((m.group(0) for m in seen[0] if ".libcal.com" in m.group(0)), None)
    if link is None and "libcal.com" not in url:
        return None  # Springshare's other products (LibGuides) without a calendar
    # a link naming its calendar (cid=) is the source URL itself: the spider reads that calendar
    if link and "cid=" in link:
        return html_unescape(link), seen[1]
    return platform.site_root(link or url), seen[1]


def looks_like(text: str) -> bool:
    """LibCal's list JSON (`total_results` and `startdt` or `categories_arr`), or API 1.1's
    events (`allday` and a `url` object with `public`)."""
    head = text[:65536]
    if not head.lstrip("\ufeff \r\n\t").startswith("{"):
        return False
    if '"total_results"' in head and ('"startdt"' in head or '"categories_arr"' in head):
        return True
    return '"events"' in head and '"allday"' in head and '"public"' in head


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        return Extraction(errors=[error])
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        result = platform.extraction(data["results"], lambda e: [occurrence(e, url)])
        result.next_page = _next_page(data, url, context)
        return result
    if isinstance(data, dict) and isinstance(data.get("events"), list) and _api_records(data["events"]):
        return platform.extraction(data["events"], lambda e: [occurrence(e, url)])
    if isinstance(data, list) and data and all(isinstance(e, dict) and "allday" in e for e in data):
        return platform.extraction(data, lambda e: [occurrence(e, url)])  # API 1.1 /events/<id>
    if isinstance(data, dict) and ("error" in data or "errors" in data):
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _api_records(events: list) -> bool:
    """Whether a list of events is API 1.1's (each with `allday` or `start`), not another platform's."""
    return not events or any(isinstance(e, dict) and ("allday" in e or "start" in e) for e in events)


def occurrence(event: dict, url: str) -> dict:
    """The raw event of one LibCal occurrence."""
    raw = platform.raw_event(event, FIELDS, url)
    all_day = event.get("all_day", event.get("allday")) in (True, 1, "1", "true")
    start = _when(event.get("startdt") or event.get("start"), all_day)
    end = _when(event.get("enddt") or event.get("end"), all_day)
    if start:
        raw["start_text"] = start
        if end and not (all_day and end <= start):
            raw["end_text"] = end
    raw["own_id"] = platform.text(event.get("id")) or raw.get("url")
    return raw


def _when(value, all_day: bool) -> str | None:
    """ISO 8601 as published: a floating wall time stays without offset; all day: the date."""
    value = platform.text(value)
    match = _WALL_TIME.match(value or "")
    if not match:
        return value if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    day, clock, rest = match.groups()
    return day if all_day else f"{day}T{clock}{rest.strip()}"


def _next_page(data: dict, url: str, context: Context) -> str | None:
    results, total, perpage = data["results"], data.get("total_results"), data.get("perpage")
    page = platform.query_value(url, "page") or "1"
    if not (results and url.startswith("http") and page.isdigit()):
        return None
    perpage = perpage if isinstance(perpage, int) and perpage > 0 else len(results)
    total = int(total) if isinstance(total, (int, str)) and str(total).isdigit() else 0
    if int(page) * perpage >= total or _beyond_window(results[-1], context):
        return None
    return platform.with_query(url, page=int(page) + 1)


def _beyond_window(event, context: Context) -> bool:
    """Whether the page's last occurrence starts after the crawl's window."""
    start = _when(event.get("startdt") or event.get("start"), True) if isinstance(event, dict) else None
    try:
        zone = ZoneInfo(context.timezone)
        day = date.fromisoformat(start or "")
    except (ValueError, KeyError):
        return False
    days = option_value(OPTIONS, context.options, "window_days_ahead")
    return day > context.now.astimezone(zone).date() + timedelta(days)
