"""communico: public library calendars on Communico Attend (`<lib>.libnet.info/events`,
`events.<lib>.org`), read from the JSON its own calendar page loads.

`GET /eeventcaldata?event_type=0&req={"private":false,"date":"YYYY-MM-DD","days":N,
"locations":[],"ages":[],"types":[]}` (the `req` JSON URL-encoded) answers a JSON list with
one object per occurrence: each occurrence of a recurring program has its own `id` and
shares `recurring_id`. Times are the library's wall times without a zone,
`raw_start_time`/`raw_end_time` ("2027-10-04 18:00:00", also `event_start`/`event_end`);
they are given as "2027-10-04T18:00:00" (floating: the source's zone applies). An
occurrence from 00:00 to 23:59 of one day (or whose `start_time` reads "All Day") is
all-day: its date.

Fields: `title` (`sub_title` heads the description); `long_description`, else
`description`; `url` (the event page; Communico's "//event/" doubled slash collapsed, else
`/event/<id>` on the API's host); `reg_url` (a third-party registration) as the
`registration_url`, else the event page when `allow_reg` or `registration_enabled` is
set; `location` (else `library`) as the venue; `event_type` (INPERSON, VIRTUAL/ONLINE,
HYBRID) as the attendance mode (a meeting link in the description is found by the
attendance pipeline); `registration_cost` above 0 as the price; `changed` "1"
(Communico's cancelled mark), `cancelled`/`canceled` set, or a `changed_reason` that says
cancelled, postponed or rescheduled as the status; into `categories` the names of
`tagsArray` (else the comma list `tags`), `agesArray` (else `ages`/`age`) and
`search_tagsArray`. `own_id` the occurrence `id`, `series_id` its `recurring_id`. Field
names and types are those public scrapers of the calendar read (string ids, "0"/"1"
flags); no saved response of the platform was found to compare with.

Pagination: one request covers `days` from `date`; `next_page` is the same request moved
to the day after it, for as many days as remain of the window (the crawl's day in the
source's zone plus `window_days_ahead`, 365), at most `page_days` (90) a page, until the
window is covered. An empty list is a page without events, not the end.

Reason codes: the shared ones of `eventhound.extractors.platform` (`communico_not_json`,
`communico_api_error`, `communico_not_events`, `event_without_name`,
`event_without_start`).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, Option, option_value

NAME = "communico"
DETECTION = 80  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.communico], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "page_days": Option(int, 90, "the days one request asks for (0: the default)"),
}
API_PATH = "/eeventcaldata"
MODES = {
    "inperson": "OfflineEventAttendanceMode",
    "in_person": "OfflineEventAttendanceMode",
    "virtual": "OnlineEventAttendanceMode",
    "online": "OnlineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
}
TIME_KEYS = ("raw_start_time", "event_start")
_REASONS = (("cancel", "EventCancelled"), ("postpon", "EventPostponed"), ("reschedul", "EventRescheduled"))
_YES = {"1", "true", "yes"}


def _yes(value) -> bool:
    return value is True or str(value).strip().lower() in _YES


def _cost(record: dict) -> str | None:
    cost = platform.text(record.get("registration_cost"))
    try:
        return cost if cost and float(cost.replace("$", "").replace(",", "")) > 0 else None
    except ValueError:
        return None


def _status(record: dict) -> str | None:
    if _yes(record.get("cancelled")) or _yes(record.get("canceled")):
        return "EventCancelled"
    reason = (platform.text(record.get("changed_reason")) or "").lower()
    found = next((status for word, status in _REASONS if word in reason), None)
    return found or ("EventCancelled" if str(record.get("changed") or "").strip() == "1" else None)


def _description(record: dict) -> str | None:
    body = platform.text(record.get("long_description")) or platform.text(record.get("description"))
    sub = platform.text(record.get("sub_title"))
    return "\n\n".join(part for part in (sub, body) if part) or None


def _listed(record: dict, array: str, *lists: str) -> list[str]:
    """A Communico list: the `...Array` field, else a comma-separated text."""
    values = record.get(array)
    if isinstance(values, list):
        return platform.names(values)
    text = next((t for t in (platform.text(record.get(k)) for k in lists) if t), "")
    return [part.strip() for part in text.split(",") if part.strip()]


FIELDS = {
    "title": "title",
    "description": _description,
    "venue_name": ("location", "library"),
    "attendance_mode": lambda r: MODES.get(str(r.get("event_type") or "").strip().lower()),
    "event_status": _status,
    "price_min": _cost,
    "price_max": _cost,
    "categories": lambda r: [
        *_listed(r, "tagsArray", "tags"),
        *_listed(r, "agesArray", "ages", "age"),
        *_listed(r, "search_tagsArray", "search_tags"),
    ],
}


# What a Communico calendar, or a page linking to one, shows of it
MARKERS = (
    (re.compile(r"https?://[\w-]+\.libnet\.info\b"), "links to a libnet.info calendar"),
    (re.compile(r"/eeventcaldata\b"), "its calendar data endpoint"),
    (re.compile(r"communico\.(?:co|us)\b|[Pp]owered by Communico"), "Communico's assets"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the Communico site to give the communico spider, the evidence), or None."""
    seen = platform.recognised(html, MARKERS, "Communico")
    if seen is None:
        return None
    link = next((m.group(0) for m in seen[0] if "libnet.info" in m.group(0)), None)
    return platform.site_root(link or url), seen[1]


def looks_like(text: str) -> bool:
    """Communico's list: a JSON array of objects with `raw_start_time` and its own keys."""
    head = text[:65536]
    return (
        head.lstrip("\ufeff \r\n\t").startswith("[")
        and '"raw_start_time"' in head
        and any(
            key in head
            for key in (
                '"location_id"',
                '"tagsArray"',
                '"agesArray"',
                '"private_event"',
                '"recurring_id"',
                '"event_start"',
            )
        )
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error:
        return Extraction(errors=[error])
    if isinstance(data, dict):
        known = ("error", "errors", "message", "status")
        return Extraction(errors=[f"{NAME}_api_error" if any(k in data for k in known) else f"{NAME}_not_events"])
    if not isinstance(data, list) or not all(_is_event(item) for item in data):
        return Extraction(errors=[f"{NAME}_not_events"])
    return platform.extraction(data, lambda e: [occurrence(e, url)], next_page=next_page(url, context))


def _is_event(item) -> bool:
    return isinstance(item, dict) and any(key in item for key in ("title", "id", *TIME_KEYS))


def occurrence(record: dict, url: str) -> dict:
    """The raw event of one Communico occurrence."""
    raw = platform.raw_event(record, FIELDS, url)
    event_id = platform.text(record.get("id"))
    raw["url"] = event_url(record, url, event_id)
    if raw["url"] is None:
        del raw["url"]
    elif _yes(record.get("allow_reg")) or _yes(record.get("registration_enabled")):
        raw["registration_url"] = raw["url"]
    if link := platform.absolute(url, record.get("reg_url")):  # a third-party registration
        raw["registration_url"] = link
    start = next((t for t in (platform.text(record.get(k)) for k in TIME_KEYS) if t), None)
    end = platform.text(record.get("raw_end_time")) or platform.text(record.get("event_end"))
    raw.update(_times(start, end, platform.text(record.get("start_time"))))
    if event_id:
        raw["own_id"] = event_id
    series = platform.text(record.get("recurring_id"))
    if series and series != "0":
        raw["series_id"] = series
    return raw


def event_url(record: dict, url: str, event_id: str | None) -> str | None:
    link = platform.absolute(url, record.get("url"))
    if link:
        parts = urlsplit(link)
        return parts._replace(path=re.sub(r"/{2,}", "/", parts.path)).geturl()
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/event/{event_id}" if event_id and parts.netloc else None


def _times(start: str | None, end: str | None, start_label: str | None) -> dict:
    """start_text/end_text: ISO wall times, or dates for an all-day occurrence."""
    if not start:
        return {}
    start, end = start.replace(" ", "T", 1), end.replace(" ", "T", 1) if end else None
    all_day = (start_label or "").strip().lower() == "all day" or (
        start[11:16] == "00:00" and bool(end) and end[11:16] == "23:59"
    )
    if not all_day:
        return {"start_text": start, **({"end_text": end} if end and end > start else {})}
    out = {"start_text": start[:10]}
    if end and end[:10] > start[:10]:
        out["end_text"] = end[:10]
    return out


def next_page(url: str, context: Context) -> str | None:
    """The request for the days after this one, while the window lasts."""
    try:
        req = json.loads(platform.query_value(url, "req") or "")
        first, days = date.fromisoformat(str(req["date"])), int(req["days"])
    except (ValueError, TypeError, KeyError):
        return None
    after, end = first + timedelta(days=days), window_end(context)
    if days <= 0 or after >= end:
        return None
    req.update(date=after.isoformat(), days=min(page_days(context), (end - after).days))
    return platform.with_query(url, req=json.dumps(req, separators=(",", ":")))


def _option(context: Context, key: str) -> int:
    """A whole-number option; 0 is the default too."""
    return option_value(OPTIONS, context.options, key) or OPTIONS[key].default


def page_days(context: Context) -> int:
    return _option(context, "page_days")


def window_end(context: Context) -> date:
    """The first day after the window: the crawl's day in the source's zone + window_days_ahead."""
    try:
        today = context.now.astimezone(ZoneInfo(context.timezone)).date()
    except (ValueError, KeyError):
        today = context.now.date()
    return today + timedelta(days=_option(context, "window_days_ahead"))


def first_request(base: str, today: date, window: int, per_page: int) -> str:
    """The calendar's request for the first page of the window (used by the spider)."""
    req = {
        "private": False,
        "date": today.isoformat(),
        "days": max(1, min(window, per_page)),
        "locations": [],
        "ages": [],
        "types": [],
    }
    return platform.with_query(base, event_type=0, req=json.dumps(req, separators=(",", ":")))
