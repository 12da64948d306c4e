"""tribe: events from The Events Calendar (WordPress) REST API, `/wp-json/tribe/events/v1/events`.

Pure function of (text, url, context): no Scrapy, no clock, no network. Reads the archive
body (`{"events": [...], "next_rest_url": ...}`) or a single event object (the
`/events/<id>` endpoint) into raw events (docs/architecture.md):

- start/end: TEC publishes the local wall time (`start_date` "2027-03-04 18:30:00"), the
  event's own `timezone` and `utc_start_date`. The raw event gets ISO 8601 with the offset
  the event's zone has at that wall time, and `timezone` = that zone. A zone that is not
  an IANA name (TEC allows manual offsets such as "UTC-5") gives the offset
  `start_date - utc_start_date` and leaves the source's zone. A site left on WordPress's
  default "UTC" zone while the source is elsewhere is taken as unset: the wall time is
  emitted without offset, so the source's zone applies (the usual case: a US chamber whose
  WordPress was never told its zone shows "6:30 pm" and means 6:30 pm local).
- all-day events: dates only (`all_day` "true"); the end date is inclusive, as TEC shows it.
- venue (an object, or `[]` when none), organizers (a list, or `[]`), cost and
  `cost_details`, categories and tags (names, entities decoded, into `categories`), `website` as the
  registration link. Strings are as published (HTML entities decoded by ValidatePipeline).

`next_page` is `next_rest_url`. Error codes: `tribe_not_json` (the body is not JSON: an
HTML page, a challenge, nothing), `tribe_not_events` (JSON, but not TEC's: a WordPress
REST error such as `rest_no_route`, another API), `tribe_json_partial` (broken JSON: the
complete events before the break are read), `event_without_start`, `event_without_name`,
`extract_failed`. A TEC 404 answer `{"code": "event-archive-page-not-found"}` is an empty
archive (older TEC versions answer so when no event is in the window), not an error.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from eventhound.extractors.base import Context, Extraction, Option
from eventhound.extractors.platform import absolute, names, text

NAME = "tribe"
DETECTION = 30  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.tribe], read by the spider (spiders/tribe.py)
    "window_days_back": Option(int, 1, "the API's start_date: this many days before the crawl's day"),
    "window_days_ahead": Option(int, 365, "the API's end_date: this many days after the crawl's day"),
    "per_page": Option(int, 50, "the events one API page asks for"),
    "max_pages": Option(int, 20, "the API pages read at most"),
    "ical_url": Option(str, None, "the iCal export read when the API is closed (default: the events page's ?ical=1)"),
}
MAX_EVENTS = 5000
EMPTY_CODES = frozenset({"event-archive-page-not-found"})
_UTC_NAMES = frozenset({"utc", "gmt", "etc/utc", "etc/gmt", "utc+0", "utc-0", "utc+00:00", "z", "universal", "zulu"})
_MANUAL_OFFSET = re.compile(r"^UTC([+-])(\d{1,2})(?:[.:](\d{1,2}))?$", re.I)


def looks_like(text: str) -> bool:
    """TEC REST JSON (after any PHP notice): an object naming `rest_url` and `start_date` or the paging keys."""
    start = _json_start(text[:65536])
    if start is None or text[start] != "{":
        return False
    head = text[start : start + 65536]
    return '"rest_url"' in head and ('"start_date"' in head or '"next_rest_url"' in head or '"total_pages"' in head)


def extract(text: str, url: str, context: Context) -> Extraction:
    try:
        return _extract(text, url or "", context)
    except Exception:  # noqa: BLE001 - never raise on a body
        return Extraction(errors=["extract_failed"])


# --------------------------------------------------------------------------- reading


def _json_start(text: str) -> int | None:
    """Where the JSON starts: 0, or after a PHP notice WordPress printed before it."""
    stripped = text.lstrip("\ufeff \t\r\n")
    offset = len(text) - len(stripped)
    if stripped.startswith(("{", "[")):
        return offset
    head = stripped[:8192]
    lowered = head.lower()
    if "<html" in lowered or "<!doctype" in lowered:
        return None
    i = head.find('{"')
    return offset + i if i > 0 else None


def _events_prefix(text: str) -> list[dict]:
    """The complete event objects of a broken `{"events":[...` body, in order."""
    m = re.search(r'"events"\s*:\s*\[', text)
    if not m:
        return []
    decoder = json.JSONDecoder()
    pos, out = m.end(), []
    while len(out) < MAX_EVENTS:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] != "{":
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except ValueError:
            break
        if isinstance(value, dict):
            out.append(value)
    return out


def _extract(text: str, url: str, context: Context) -> Extraction:
    result = Extraction()
    if not isinstance(text, str):
        return Extraction(errors=["tribe_not_json"])
    start = _json_start(text)
    if start is None:
        return Extraction(errors=["tribe_not_json"])
    body = text[start:]
    try:
        data = json.loads(body)
    except ValueError:
        events = _events_prefix(body)
        if not events:
            return Extraction(errors=["tribe_not_json"])
        data = {"events": events}
        result.errors.append("tribe_json_partial")

    if isinstance(data, dict) and (
        isinstance(data.get("events"), list)
        or ("events" not in data and "rest_url" in data and ("total" in data or "total_pages" in data))
    ):
        # TEC leaves "events" out of an empty archive: {"rest_url": ..., "total": 0, "total_pages": 0}
        items = (data.get("events") or [])[:MAX_EVENTS]
        nxt = data.get("next_rest_url")
        if isinstance(nxt, str) and nxt.strip():
            try:
                result.next_page = urljoin(url, nxt.strip())
            except ValueError:
                pass
    elif isinstance(data, dict) and data.get("start_date") and ("rest_url" in data or "id" in data):
        items = [data]  # the single-event endpoint
    elif isinstance(data, dict) and data.get("code") in EMPTY_CODES:
        return result
    elif isinstance(data, list) and data and all(isinstance(e, dict) and "start_date" in e for e in data[:5]):
        items = data[:MAX_EVENTS]
    else:
        return Extraction(errors=["tribe_not_events"])

    for item in items:
        if not isinstance(item, dict):
            continue
        raw, error = _event(item, url, context)
        if error:
            result.errors.append(error)
        if raw is not None:
            result.events.append(raw)
    return result


# --------------------------------------------------------------------------- one event


def _wall(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("T", " ")[:19])
    except ValueError:
        return None


def _zone(name: str | None) -> ZoneInfo | None:
    if not name or "/" not in name and name.upper() not in ("UTC", "GMT"):
        return None
    try:
        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError
        return None


def _manual_offset(name: str | None) -> timedelta | None:
    m = _MANUAL_OFFSET.match(name or "")
    if not m:
        return None
    hours = int(m.group(2))
    minutes = m.group(3)
    # "UTC+5.5" is TEC's spelling of +05:30; "UTC+5:30" is minutes
    mins = 0 if minutes is None else (int(minutes) * 6 if "." in m.group(0) and len(minutes) == 1 else int(minutes))
    delta = timedelta(hours=hours, minutes=mins)
    return -delta if m.group(1) == "-" else delta


def _fmt(dt: datetime, offset: timedelta | None) -> str:
    if offset is None:
        return dt.isoformat()
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{dt.isoformat()}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _is_utc_name(name: str | None) -> bool:
    return (name or "").strip().lower() in _UTC_NAMES


def _dates(item: dict, context: Context, raw: dict) -> bool:
    """start_text/end_text (and timezone, all_day) from the event; False when no start."""
    start = _wall(text(item.get("start_date")))
    if start is None:
        return False
    end = _wall(text(item.get("end_date")))
    if item.get("all_day") in (True, "true", "1", 1, "yes"):
        raw["all_day"] = "true"
        raw["start_text"] = start.date().isoformat()
        if end is not None and end.date() >= start.date():
            raw["end_text"] = end.date().isoformat()
        return True

    tz_name = text(item.get("timezone"))
    zone = _zone(tz_name)
    source_is_utc = _is_utc_name(context.timezone) or _zone(context.timezone) is None
    if (_is_utc_name(tz_name) or (tz_name is None and _utc_diff(item, start) == timedelta(0))) and not source_is_utc:
        # WordPress's default zone, never set: the times are the publisher's local times.
        raw["start_text"] = start.isoformat()
        if end is not None:
            raw["end_text"] = end.isoformat()
        return True
    if zone is not None:
        raw["timezone"] = tz_name
        raw["start_text"] = _fmt(start, start.replace(tzinfo=zone).utcoffset())
        if end is not None:
            raw["end_text"] = _fmt(end, end.replace(tzinfo=zone).utcoffset())
        return True
    offset = _utc_diff(item, start)
    if offset is None:
        offset = _manual_offset(tz_name)
    raw["start_text"] = _fmt(start, offset)
    if end is not None:
        end_offset = _utc_diff(item, end, "utc_end_date")
        raw["end_text"] = _fmt(end, end_offset if end_offset is not None else offset)
    return True


def _utc_diff(item: dict, wall: datetime, key: str = "utc_start_date") -> timedelta | None:
    """wall - utc, rounded to the quarter hour, when the event gives its UTC time."""
    utc = _wall(text(item.get(key)))
    if utc is None:
        return None
    diff = wall - utc
    quarter = round(diff.total_seconds() / 900) * 900
    if abs(quarter) > 14 * 3600:
        return None
    return timedelta(seconds=quarter)


def _event(item: dict, url: str, context: Context) -> tuple[dict | None, str | None]:
    raw: dict = {}
    title = text(item.get("title"))
    if isinstance(item.get("title"), dict):  # wp/v2-style {"rendered": ...}
        title = text(item["title"].get("rendered"))
    if not title:
        return None, "event_without_name"
    if not _dates(item, context, raw):
        return None, "event_without_start"
    raw["title"] = title
    description = item.get("description")
    if isinstance(description, dict):
        description = description.get("rendered")
    if text(description):
        raw["description"] = description.strip()
    raw["url"] = absolute(url, item.get("url"))
    own = text(item.get("id")) or text(item.get("global_id"))
    raw["own_id"] = own or raw.get("url")
    website = absolute(url, item.get("website"))
    if website and website != raw.get("url"):
        raw["registration_url"] = website

    venue = item.get("venue")
    if isinstance(venue, list):  # [] when none; some versions list one venue
        venue = next((v for v in venue if isinstance(v, dict)), None)
    if isinstance(venue, dict):
        for key, keys in (
            ("venue_name", ("venue",)),
            ("street", ("address",)),
            ("city", ("city",)),
            ("region", ("stateprovince", "state", "province")),
            ("postal_code", ("zip",)),
            ("country", ("country",)),
            ("latitude", ("geo_lat",)),
            ("longitude", ("geo_lng",)),
        ):
            value = next((v for v in (text(venue.get(n)) for n in keys) if v), None)
            if value:
                raw[key] = value.rstrip(",").strip() if key == "street" else value

    organizers = item.get("organizer")
    organizers = [o for o in (organizers if isinstance(organizers, list) else [organizers]) if isinstance(o, dict)]
    organizer_names = [n for n in (text(o.get("organizer")) for o in organizers) if n]
    if organizer_names:
        raw["organizer"] = ", ".join(dict.fromkeys(organizer_names))
    org_url = next((u for u in (absolute(url, o.get("website")) for o in organizers) if u), None)
    if org_url:
        raw["organizer_url"] = org_url

    _cost(item, raw)
    categories = names(item.get("categories")) + names(item.get("tags"))
    if categories:
        raw["categories"] = list(dict.fromkeys(categories))
    return {k: v for k, v in raw.items() if v not in (None, "", [])}, None


def _cost(item: dict, raw: dict) -> None:
    cost = text(item.get("cost"))
    details = item.get("cost_details") if isinstance(item.get("cost_details"), dict) else {}
    values = [v for v in (text(x) for x in (details.get("values") or []) if not isinstance(x, (dict, list))) if v]
    numbers = []
    for v in values:
        try:
            numbers.append((float(v.replace(",", "")), v))
        except ValueError:
            pass
    if numbers:
        raw["price_min"] = min(numbers)[1]
        raw["price_max"] = max(numbers)[1]
    elif cost and re.search(r"\d", cost):
        raw["price_min"] = cost
    currency = text(details.get("currency_code")) or text(details.get("currency_symbol"))
    if currency and (numbers or raw.get("price_min")):
        raw["currency"] = currency
    if cost and re.fullmatch(r"(?i)free(\s+admission|\s+event|\s+entry)?!?", cost):
        raw["is_free"] = "true"
