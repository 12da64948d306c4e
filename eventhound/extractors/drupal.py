"""drupal: event calendars on Drupal, above all LibraryMarket's LibraryCalendar (public
libraries: job clubs, résumé and interview workshops), read from their public JSON or pages.

1. LibraryCalendar's feed `GET /events/feed/json?start=YYYY-MM-DD&end=YYYY-MM-DD` (optional
   filters `branches=`, `program_types=`, `age_groups=`, ids joined by commas; some instances
   ignore the dates): one JSON array of every event, not paged. A record: `id` (the node id:
   `own_id`, else `uuid`), `title`, `url`, `type` (`lc_event`; `lc_closing` closures and
   `lc_reservation` room bookings are not events and are skipped uncounted, as are records with
   `public` or `published` false), `start_date`/`end_date` (wall times "2027-09-14 10:00:00")
   with `timezone` (IANA: made ISO 8601 with the offset, `timezone` kept; a 00:00:00 start with
   a 23:59 end or none is all-day: dates), `description` (HTML; else `program_description`),
   `branch` (`{"101": "Central Library"}`: `venue_name`, unless it is an "Off site" or online
   placeholder), `offsite_address` (the street as written), `online_address` (the online link),
   `program_type`, `age_group` and `tags` (`{id: name}` objects, or `[]` when empty) into
   `categories`, `registration_enabled` (the event page is the registration link), and a
   `moderation_state` / `event_state` / `reservation_state` that says cancelled.
2. Other Drupal views as JSON: a views REST export (`/events?_format=json`, a JSON array of
   rows, flat fields or the serializer's `[{"value": ...}]` lists), the pager serializer
   (`{"rows": [...], "pager": {"current_page", "total_pages"}}`: `next_page` is `page=N+1`) and
   JSON:API (`/jsonapi/node/event`: `data[].attributes`, taxonomy names from `included`,
   `next_page` from `links.next.href`). Common field names are read: `title`; `nid` /
   `drupal_internal__nid` / `id` / `uuid`; `path` (alias) / `url` / `view_node`; the first date
   field (`field_event_date`, `field_date`, `field_dates`, `field_date_range`,
   `field_smart_date`, `field_date_recur`, ..., else any `field_*date*`) with `value` /
   `end_value` (each value of a multi-value date is one occurrence, `series_id` the node); a Unix
   timestamp (Smart Date) is an instant, made local when a `timezone` is given; `body`
   (`summary`, else `value`) / `field_summary` / `description`; `field_location` / `field_venue`
   (text, or an address field: `address_line1`, `locality`, `administrative_area`,
   `postal_code`, `country_code`); `field_event_type`, `field_category`, `field_tags`,
   `field_audience`, `categories`, `tags` into `categories`; `field_cost` / `field_price`;
   `field_registration_link`; `field_online_link` / `field_virtual_link` / `field_zoom_link`;
   `field_event_status` / `moderation_state` cancelled or postponed. A time without an offset is
   floating (the source's zone applies) unless the option `naive_utc` says the view prints
   Drupal's stored UTC values.
3. LibraryCalendar's listing `/events/upcoming?page=N` (and month/list views): `article.event-card`
   cards (older themes `.lc-event--upcoming`) with `.lc-event__title a.lc-event__link` (its
   `aria-label` "... on Tuesday, September 14, 2027 @ 10:00am"), `.lc-date-icon__item--month/day/year`
   or `.lc-event-info__item--date`, `.lc-event-info-item--time` ("10:00am–11:30am", "All Day"),
   `.lc-event__branch`, `.lc-event__program-types span`, `.lc-event__age-groups span`,
   `.lc-event__body`, and the `moderation-state--cancelled` class. Wall times (floating). A card
   without a time is not kept: its event page (the same markup, full view) is named in `follow`.
   `next_page`: the pager's `pager__item--next` (or `rel="next"`) link.
4. A Drupal page embedding FullCalendar View (`drupal-settings-json` with `fullCalendarView`):
   the events of its `calendar_options` (`title`, `start`, `end`, `allDay`, `url`, `eid`).

Reason codes: `drupal_not_json` (neither JSON nor a Drupal calendar page: a login or consent
page), `drupal_api_error` (`{"message": ...}`, JSON:API `errors`), `drupal_not_events` (JSON of
another shape, or a Drupal page without a calendar), `event_without_name`, `event_without_start`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parsel import Selector

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, Option, option_value

NAME = "drupal"
DETECTION = 210  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.drupal], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "naive_utc": Option(bool, False, "a time without an offset is Drupal's stored UTC (else the source's zone)"),
}
NOT_EVENTS = {"lc_closing", "lc_reservation"}
CANCELLED = re.compile(r"cancel", re.I)
POSTPONED = re.compile(r"postpone", re.I)
PLACEHOLDER = re.compile(r"^(off[\s-]?site|online|virtual|zoom)\b", re.I)
WALL = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)")
DATE_FIELDS = (
    "field_event_date",
    "field_event_dates",
    "field_date",
    "field_dates",
    "field_date_range",
    "field_event_date_range",
    "field_smart_date",
    "field_date_recur",
    "field_event_date_recur",
    "field_when",
    "field_start_date",
    "field_event_start",
    "start_date",
    "start",
    "date",
)
END_FIELDS = ("field_end_date", "field_event_end", "end_date", "end")
CATEGORY_FIELDS = (
    "field_event_type",
    "field_event_types",
    "field_type",
    "field_category",
    "field_categories",
    "field_event_category",
    "field_tags",
    "field_topics",
    "field_audience",
    "field_event_audience",
    "categories",
    "category",
    "tags",
    "event_type",
)
LC_FIELDS = {
    "title": "title",
    "description": ("description", "program_description"),
    "url": "url",
    "street": "offsite_address",
    "categories": lambda r: [n for k in ("program_type", "age_group", "tags") for n in _term_names(r.get(k))],
}
GENERIC_FIELDS = {
    "title": ("title", "label"),
    "description": lambda r: _first_text(
        r, ("body.summary", "body.value", "body", "field_summary", "summary", "description", "field_description")
    ),
    "url": lambda r: _first_text(r, ("path.alias", "path", "url", "view_node", "link")),
    "registration_url": (
        "field_registration_link.uri",
        "field_registration_link",
        "field_registration_url",
        "field_register_link.uri",
        "field_register_link",
    ),
    "online_url": (
        "field_online_link.uri",
        "field_online_link",
        "field_virtual_link.uri",
        "field_virtual_link",
        "field_zoom_link.uri",
        "field_zoom_link",
        "field_meeting_link.uri",
        "field_meeting_link",
    ),
    "cost_text": ("field_cost", "field_price", "field_fee", "cost"),
    "categories": lambda r: [n for k in CATEGORY_FIELDS for n in _term_names(r.get(k))],
}

# What a Drupal calendar shows of itself; Drupal alone (last three) is not enough to claim a page.
MARKERS = (
    (re.compile(r"""class=["'][^"']*\blc-(?:event|date-icon|featured-event)"""), "LibraryCalendar's lc-event markup"),
    (re.compile(r"https?://[\w.-]+\.librarycalendar\.com|librarymarket\.com"), "LibraryMarket hosts"),
    (re.compile(r"""["']([^"']*/events/feed/json)"""), "a link to /events/feed/json"),
    (re.compile(r"fullCalendarView"), "a FullCalendar View calendar"),
    (re.compile(r"""<meta name=["']Generator["'] content=["']Drupal""", re.I), "Drupal's generator tag"),
    (re.compile(r"drupal-settings-json"), "drupal-settings-json"),
    (re.compile(r"/sites/default/files/"), "Drupal's /sites/default/files/"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the source URL to give the drupal spider, the evidence) when the page is a LibraryCalendar
    calendar, links to an events feed or embeds a FullCalendar View; None for any other page,
    Drupal or not."""
    seen = platform.recognised(html, MARKERS, "Drupal")
    if seen is None:
        return None
    matches, evidence = seen
    feed = next((m.group(1) for m in matches if m.re is MARKERS[2][0]), None)
    if feed:
        return urljoin(url, feed), evidence
    if any(m.re in (MARKERS[0][0], MARKERS[1][0]) for m in matches):
        return platform.site_root(url), evidence
    if any(m.re is MARKERS[3][0] for m in matches):
        return url, evidence
    return None


def looks_like(text: str) -> bool:
    """LibraryCalendar's feed (a JSON array with `start_date` and `branch`/`program_type`), a
    Drupal JSON export (`nid` with `field_` values, JSON:API `node--` data), or a LibraryCalendar
    / FullCalendar View page."""
    head = text[:65536]
    body = head.lstrip("\ufeff \r\n\t")
    if body.startswith("["):
        lc = '"start_date"' in head and ('"program_type"' in head or '"branch"' in head or '"age_group"' in head)
        return lc or ('"nid"' in head and '"field_' in head)
    if body.startswith("{"):
        jsonapi = '"jsonapi"' in head and '"type":"node--' in head.replace('": "', '":"') and '"field_' in head
        return jsonapi or ('"rows"' in head and '"pager"' in head and '"nid"' in head)
    return bool(re.search(r"""class=["'][^"']*\blc-event__(?:title|link)""", text)) or (
        "drupal-settings-json" in text and "fullCalendarView" in text
    )


def extract(text: str, url: str, context: Context) -> Extraction:
    body = text.lstrip("\ufeff \r\n\t") if isinstance(text, str) else ""
    if body.startswith(("[", "{")) or not body.startswith("<"):
        data, error = platform.load_json(body, NAME)
        if not error:
            return _from_json(data, url, context)
    try:
        return _from_html(body, url, context)
    except (ValueError, TypeError):  # markup lxml cannot take
        return Extraction(errors=[f"{NAME}_not_events"])


# --- JSON ---------------------------------------------------------------------------------


def _from_json(data, url: str, context: Context) -> Extraction:
    if isinstance(data, list):
        records = [r for r in data if isinstance(r, dict)]
        return _read(records, url, context) if records or not data else Extraction(errors=[f"{NAME}_not_events"])
    if not isinstance(data, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    if isinstance(data.get("data"), list):  # JSON:API
        terms = _included_names(data.get("included"))
        records = [_jsonapi_record(r, terms) for r in data["data"] if isinstance(r, dict)]
        href = platform.dig(data, "links.next.href") or platform.dig(data, "links.next")
        return _read(records, url, context, platform.absolute(url, href) if isinstance(href, str) else None)
    if isinstance(data.get("rows"), list):  # views pager serializer
        return _read([r for r in data["rows"] if isinstance(r, dict)], url, context, _pager_next(data, url))
    if "errors" in data or "error" in data or "message" in data:
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _read(records: list[dict], url: str, context: Context, next_page: str | None = None) -> Extraction:
    records = [r for r in records if _listed(r)]
    lc = any("start_date" in r and ("branch" in r or "program_type" in r) for r in records)
    make = (lambda r: [_lc_event(r, url)]) if lc else (lambda r: _drupal_events(_flat(r), url, context))
    if records and not lc and not any(_date_field(_flat(r)) for r in records):
        return Extraction(errors=[f"{NAME}_not_events"], next_page=next_page)
    return platform.extraction(records, make, next_page=next_page)


def _listed(record: dict) -> bool:
    """Whether a record is a public event (not a closure, a room booking or an unpublished node)."""
    if str(record.get("type") or "") in NOT_EVENTS:
        return False
    return record.get("public") not in (False, "0", 0) and record.get("published") not in (False, "0", 0)


def _lc_event(record: dict, url: str) -> dict:
    raw = platform.raw_event(record, LC_FIELDS, url)
    zone = _zone(record.get("timezone"))
    start, end = platform.text(record.get("start_date")), platform.text(record.get("end_date"))
    if start:
        raw.update(_wall_times(start, end, zone))
    if zone and "T" in raw.get("start_text", ""):
        raw["timezone"] = zone.key
    branch = next(iter(_term_names(record.get("branch"))), None)
    if branch and not PLACEHOLDER.match(branch):
        raw["venue_name"] = branch
    online = platform.absolute(url, record.get("online_address"))
    if online:
        raw["online_url"] = online
        physical = raw.get("venue_name") or raw.get("street")
        raw["attendance_mode"] = "MixedEventAttendanceMode" if physical else "OnlineEventAttendanceMode"
    if record.get("registration_enabled") in (True, "1", 1) and raw.get("url"):
        raw["registration_url"] = raw["url"]
    raw.update(_status(*(record.get(k) for k in ("moderation_state", "event_state", "reservation_state"))))
    raw["own_id"] = platform.text(record.get("id")) or platform.text(record.get("uuid")) or raw.get("url")
    return raw


def _wall_times(start: str, end: str | None, zone: ZoneInfo | None) -> dict:
    """start_text/end_text of LibraryCalendar's wall times: with the zone's offset, or dates
    when the event lasts the whole day."""
    first, last = WALL.match(start), WALL.match(end or "")
    if first and first.group(2).startswith("00:00") and (not last or last.group(2).startswith("23:59") or end == start):
        out = {"start_text": first.group(1)}
        if last and last.group(1) != first.group(1):
            out["end_text"] = last.group(1)
        return out
    out = {"start_text": _local(start, zone)}
    if end:
        out["end_text"] = _local(end, zone)
    return out


def _local(wall: str, zone: ZoneInfo | None) -> str:
    """A wall time in ISO 8601, with the zone's offset when the zone is known."""
    try:
        moment = datetime.fromisoformat(wall.strip().replace(" ", "T", 1))
    except ValueError:
        return wall
    if moment.tzinfo is None and zone is not None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


def _drupal_events(record: dict, url: str, context: Context) -> list[dict]:
    """One raw event per value of a Drupal node's date field."""
    common = platform.raw_event(record, GENERIC_FIELDS, url)
    common.update(_place(record))
    common.update(
        _status(
            record.get("field_event_status"),
            record.get("field_status"),
            record.get("event_status"),
            record.get("moderation_state"),
        )
    )
    if common.get("online_url"):
        physical = common.get("venue_name") or common.get("street")
        common["attendance_mode"] = "MixedEventAttendanceMode" if physical else "OnlineEventAttendanceMode"
    node = platform.text(
        next(
            (record.get(k) for k in ("nid", "drupal_internal__nid", "id", "uuid") if platform.text(record.get(k))), None
        )
    )
    naive_utc = option_value(OPTIONS, context.options, "naive_utc")
    values = _date_values(record)
    out = []
    for index, (start, end, zone_name) in enumerate(values or [(None, None, None)]):
        raw, zone = dict(common), _zone(zone_name or record.get("timezone"))
        raw.update(_times(start, end, zone, naive_utc, record.get("all_day") in (True, "1", 1)))
        if zone and "T" in raw.get("start_text", ""):
            raw["timezone"] = zone.key
        raw["own_id"] = (f"{node}:{index}" if len(values) > 1 else node) if node else raw.get("url")
        if len(values) > 1 and node:
            raw["series_id"] = node
        out.append(raw)
    return out


def _first_text(record: dict, paths) -> str | None:
    return next((v for v in (platform.text(platform.dig(record, p)) for p in paths) if v), None)


def _date_field(record: dict) -> str | None:
    """The name of a node's date field: a known one, else the first `field_*date*` with a value."""
    for key in DATE_FIELDS:
        if record.get(key) not in (None, "", []):
            return key
    return next(
        (k for k, v in record.items() if k.startswith("field_") and "date" in k and v not in (None, "", [])), None
    )


def _date_values(record: dict) -> list[tuple]:
    """(start, end, zone) of each value of the date field (`value`/`end_value`/`timezone`, or a
    plain value)."""
    key = _date_field(record)
    if key is None:
        return []
    values = record[key] if isinstance(record[key], list) else [record[key]]
    end = next((record.get(k) for k in END_FIELDS if k != key and record.get(k) not in (None, "")), None)
    pairs = []
    for value in values:
        if isinstance(value, dict):
            pairs.append((value.get("value"), value.get("end_value") or end, platform.text(value.get("timezone"))))
        elif platform.text(value):
            pairs.append((value, end, None))
    return pairs


def _times(start, end, zone: ZoneInfo | None, naive_utc: bool, all_day: bool) -> dict:
    out = {}
    if (first := _instant(start, zone, naive_utc)) is not None:
        out["start_text"] = first[:10] if all_day else first
        if (last := _instant(end, zone, naive_utc)) is not None and last != first:
            out["end_text"] = last[:10] if all_day else last
    return out


def _instant(value, zone: ZoneInfo | None, naive_utc: bool) -> str | None:
    """A Drupal date value in ISO 8601: a Unix timestamp (Smart Date) or a UTC time made local
    when the zone is known; a time with an offset as given; a naive time floating (or UTC)."""
    value = platform.text(value)
    if value is None:
        return None
    if re.fullmatch(r"-?\d{9,11}", value):
        moment = datetime.fromtimestamp(int(value), UTC)
        return (moment.astimezone(zone) if zone else moment).isoformat()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return value  # a rendered date ("Thu, 10/07/2027 - 18:00"): left to the date pipeline
    if moment.tzinfo is None and naive_utc:
        moment = moment.replace(tzinfo=UTC)
    if moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0 and zone is not None:
        moment = moment.astimezone(zone)
    return moment.isoformat()


def _place(record: dict) -> dict:
    """The venue of a node: an address field's parts, and a location text or a referenced
    place's name as the venue (as the street when it opens with a number)."""
    place: dict = {}
    for key in ("field_address", "field_location", "field_event_location", "field_venue", "location"):
        value = record.get(key)
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, dict) and "address_line1" in value:
            place = {**_address(value), **place}
        elif name := next(iter(_term_names(value)), None):
            place.setdefault("street" if name[:1].isdigit() else "venue_name", name)
    return place


def _address(value: dict) -> dict:
    parts = {
        "venue_name": value.get("organization"),
        "street": value.get("address_line1"),
        "city": value.get("locality"),
        "region": value.get("administrative_area"),
        "postal_code": value.get("postal_code"),
        "country": value.get("country_code"),
    }
    return {k: platform.text(v) for k, v in parts.items() if platform.text(v)}


def _status(*values) -> dict:
    said = " ".join(n for v in values for n in _term_names(v))
    if CANCELLED.search(said):
        return {"event_status": "CANCELLED"}
    if POSTPONED.search(said):
        return {"event_status": "EventPostponed"}
    return {}


def _term_names(value) -> list[str]:
    """Names of a Drupal term value: "Name", ["A", "B"], {"101": "Name"} (LibraryCalendar),
    [{"name": ...}] or [{"value": ...}] (serializer); ids alone give nothing."""
    if isinstance(value, dict) and not ({"name", "value", "target_id", "uri"} & value.keys()):
        value = list(value.values())
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("name") if item.get("name") is not None else item.get("value")
        if isinstance(item, (int, float)) or isinstance(item, dict):
            continue
        out.extend(platform.names(item))
    return list(dict.fromkeys(out))


def _flat(record: dict) -> dict:
    """A node with the serializer's one-value lists (`[{"value": x}]`) unwrapped."""
    out = {}
    for key, value in record.items():
        if (
            isinstance(value, list)
            and len(value) == 1
            and isinstance(value[0], dict)
            and set(value[0]) & {"value", "alias", "uri"}
            and key not in DATE_FIELDS
            and "date" not in key
        ):
            item = value[0]
            value = item.get("alias") if key == "path" else item if "summary" in item else item.get("value", item)
        out[key] = value
    return out


def _jsonapi_record(resource: dict, terms: dict[str, str]) -> dict:
    """A JSON:API resource as one flat record: its attributes, plus the names of the terms and
    places its relationships point to (when `included`)."""
    record = dict(resource.get("attributes") or {})
    record.setdefault("id", resource.get("id"))
    for key, rel in (resource.get("relationships") or {}).items():
        data = rel.get("data") if isinstance(rel, dict) else None
        refs = data if isinstance(data, list) else [data]
        named = [terms[r["id"]] for r in refs if isinstance(r, dict) and r.get("id") in terms]
        if named and record.get(key) in (None, "", []):
            record[key] = named
    return record


def _included_names(included) -> dict[str, str]:
    names = {}
    for item in included if isinstance(included, list) else []:
        name = platform.dig(item, "attributes.name") or platform.dig(item, "attributes.title")
        if isinstance(item, dict) and item.get("id") and platform.text(name):
            names[item["id"]] = platform.text(name)
    return names


def _pager_next(data: dict, url: str) -> str | None:
    pager = data.get("pager") if isinstance(data.get("pager"), dict) else {}
    current, total = pager.get("current_page"), pager.get("total_pages")
    if isinstance(current, int) and isinstance(total, int) and current + 1 < total and url.startswith("http"):
        return platform.with_query(url, page=current + 1)
    return None


def _zone(name) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name.strip() else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


# --- HTML ---------------------------------------------------------------------------------

CARDS = ("article.event-card", "article.node--type-lc-event", ".lc-event--upcoming", "div.lc-event")
ARIA = re.compile(
    r"\bon\s+\w+,\s+([A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})(?:\s+@\s+(\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?))?", re.I
)
LONG_DATE = re.compile(r"([A-Z][a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?", re.I)
MONTHS = {
    m: i
    for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}


def _from_html(body: str, url: str, context: Context) -> Extraction:
    page = Selector(text=body)
    cards = next((found for css in CARDS if (found := page.css(css))), [])
    if cards:
        result = platform.extraction([], lambda r: [r], next_page=_next_link(page, url))
        for card in cards:
            raw = _card(card, page, url)
            if raw is None:
                continue
            if isinstance(raw, str):
                result.follow.append(raw)
            else:
                platform.add_event(result, raw)
        return result
    settings = page.css('script[data-drupal-selector="drupal-settings-json"]::text').get()
    if settings:
        return _calendar_view(settings, url)
    return Extraction(errors=[f"{NAME}_not_json"])


def _card(card: Selector, page: Selector, url: str) -> dict | str | None:
    """A raw event of a LibraryCalendar card (or event page); the event page's URL when the card
    shows no time."""
    link = card.css(".lc-event__title a, a.lc-event__link")
    title = (
        _text(link[:1])
        or _text(card.css(".lc-event__title, .field--name-title")[:1])
        or (_text(page.css("h1")[:1]) if len(page.css(CARDS[1])) == 1 else None)
    )
    href = platform.absolute(url, link.attrib.get("href")) if link else None
    day, aria_time = _card_day(card, link.attrib.get("aria-label", "") if link else "")
    when = _text(card.css(".lc-event-info-item--time, .lc-event__time")[:1]) or ""
    raw = {"title": title, "url": href or url}
    times = [_clock(t) for t in CLOCK.finditer(when)] or ([_clock(CLOCK.search(aria_time))] if aria_time else [])
    if (not day or not times and "all day" not in when.lower()) and href and href != url.split("#")[0]:
        return href  # the event page says when
    if day:
        raw["start_text"] = f"{day}T{times[0]}" if times else day
        if len(times) > 1:
            raw["end_text"] = f"{day}T{times[1]}"
    raw["venue_name"] = re.sub(
        r"^\s*(Library )?Branch:\s*", "", _text(card.css(".lc-event__branch")[:1]) or ""
    ) or _text(card.css(".lc-event-info__item--categories")[:1])
    if raw["venue_name"] and PLACEHOLDER.match(raw["venue_name"]):
        raw["venue_name"] = None
    raw["categories"] = [*_labels(card, ".lc-event__program-types"), *_labels(card, ".lc-event__age-groups")] or None
    raw["description"] = _text(card.css(".lc-event__body")[:1])
    if "moderation-state--cancelled" in card.attrib.get("class", ""):
        raw["event_status"] = "CANCELLED"
    raw["own_id"] = raw["url"]
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _card_day(card: Selector, aria: str) -> tuple[str | None, str | None]:
    """The card's date (ISO) and the time its link's label gives: from the label, else the date
    icon, else the visually hidden date line."""
    if found := ARIA.search(aria):
        return _iso_day(found.group(1)), found.group(2)
    icon = [_text(card.css(f".lc-date-icon__item--{part}")[:1]) or "" for part in ("month", "day", "year")]
    if all(icon) and (day := re.match(r"\d+", icon[1])):
        return _iso_day(f"{icon[0]} {day.group(0)}, {icon[2]}"), None
    line = _text(card.css(".lc-event-info__item--date, .lc-event__date")[:1]) or ""
    return (_iso_day(line), None) if LONG_DATE.search(line) else (None, None)


def _iso_day(text: str) -> str | None:
    found = LONG_DATE.search(text)
    month = MONTHS.get(found.group(1)[:3].lower()) if found else None
    try:
        return date(int(found.group(3)), month, int(found.group(2))).isoformat() if month else None
    except ValueError:
        return None


def _clock(found: re.Match) -> str:
    hour, minute, half = found.groups()
    return f"{int(hour) % 12 + (12 if half.lower() == 'p' else 0):02d}:{minute or '00'}:00"


def _labels(card: Selector, css: str) -> list[str]:
    spans = [t.strip() for t in card.css(f"{css} span::text").getall() if t.strip()]
    if spans:
        return spans
    text = _text(card.css(css)[:1]) or ""
    text = re.sub(r"^[^:]{0,30}:\s*", "", text)
    return [t.strip() for t in text.split(",") if t.strip()]


def _text(nodes) -> str | None:
    words = " ".join(t.strip() for t in nodes.css("*::text").getall() if t.strip()) if nodes else ""
    return re.sub(r"\s+", " ", words).strip() or None


def _next_link(page: Selector, url: str) -> str | None:
    href = page.css(".pager__item--next a::attr(href), a[rel='next']::attr(href)").get()
    return platform.absolute(url, href) if href else None


def _calendar_view(settings: str, url: str) -> Extraction:
    """The events a FullCalendar View embeds in drupal-settings-json."""
    try:
        data = json.loads(settings)
    except ValueError:
        return Extraction(errors=[f"{NAME}_not_events"])
    views = data.get("fullCalendarView") if isinstance(data, dict) else None
    if not isinstance(views, list):
        return Extraction(errors=[f"{NAME}_not_events"])
    records = []
    for view in views:
        options = view.get("calendar_options") if isinstance(view, dict) else None
        if isinstance(options, str):
            try:
                options = json.loads(options)
            except ValueError:
                options = None
        if isinstance(options, dict) and isinstance(options.get("events"), list):
            records.extend(e for e in options["events"] if isinstance(e, dict))
    return platform.extraction(records, lambda e: [_view_event(e, url)])


def _next_day(day: str | None) -> str | None:
    try:
        return date.fromordinal(date.fromisoformat(day).toordinal() + 1).isoformat() if day else None
    except ValueError:
        return None


def _view_event(event: dict, url: str) -> dict:
    all_day = event.get("allDay") in (True, "1", 1, "true")
    raw = platform.raw_event(event, {"title": "title", "description": "description", "url": "url"}, url)
    raw.update(_times(event.get("start"), event.get("end"), None, False, all_day))
    if all_day and _next_day(raw.get("start_text")) == raw.get("end_text"):
        del raw["end_text"]  # FullCalendar's end of an all-day event is the next day, exclusive
    raw["own_id"] = platform.text(event.get("eid")) or platform.text(event.get("id")) or raw.get("url")
    return raw
