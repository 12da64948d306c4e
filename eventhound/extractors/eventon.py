"""eventon: chamber, association and venue calendars made with the EventON WordPress plugin,
read from the calendar's own HTML (the page, or the JSON of its AJAX call that carries it).

EventON has no public feed of its own (its "all events" ICS export needs a nonce, its REST
route `/wp-json/eventon/v1/data` answers only the calendar's AJAX actions), so the events are
read where the calendar prints them:

1. The calendar page: one `div.eventon_list_event` per occurrence (`data-event_id`,
   `data-ri` "<repeat index>r", `id` "event_<id>_<ri>", `data-time` "<start unix>-<end unix>",
   classes with the status: `scheduled`, `cancelled`, `postponed`, `rescheduled`,
   `movedonline`), its title in `span.evcal_event_title` / `span.evoet_title`, its schema
   block `div.evo_event_schema` (microdata `itemprop` url/startDate/endDate/eventStatus/
   eventAttendanceMode/location/organizer/offers, and a JSON-LD script that is often not
   valid JSON: read leniently), the location attributes (`data-location_name`,
   `data-location_address`, `data-latlng`), the event types (`span.evcal_event_types em`,
   `data-v`) and tags (`span.evo_event_tags em`) into `categories`, the full description
   (`.eventon_desc_in`). The calendar's footer `div.evo_cal_data` carries `data-od` JSON with
   the calendar's zone (`cal_tz`, EventON 4.5+).
2. Since EventON 4.6 a calendar (`.ajde_evcal_calendar.ajax_loading_cal`) is printed empty
   and its events come from a POST to `/?evo-ajax=eventon_init_load` (or
   `admin-ajax.php?action=eventon_init_load`) with the page's nonce (`evo_general_params.n`)
   and each calendar's shortcode (`.evo_cal_data` `data-sc`): `init_load_request` builds that
   request for the spider (with the window as `focus_start_date_range`/`focus_end_date_range`).
   Its answer `{"cals": {"<calendar id>": {"html": "...", "json": [...]}}}` and the month
   navigation's answer (`eventon_get_events`: `{"status": "GOOD", "html": "..."}`; EventON
   2.x's `admin-ajax.php?action=the_ajax_hook`: `{"content": "..."}`) are read
   like the page (the calendar's zone: `cal_def.cal_tz`). A page whose calendars wait for
   that call and show no events gives the code `eventon_loaded_by_ajax` (the spider drops it
   when it makes the call). An occurrence shown twice on a page (the calendar and a widget)
   is read once.

Times: `data-time` holds unix stamps, but what they mean changed: before EventON 4.5.9 (and
later for events without a zone) they are the wall clock written as if it were UTC; since
then, for an event with a zone, the true instant. The wall clock is known from the schema's
startDate ("2026-8-19T18:00-7:00": date and time of day; its offset is the site's offset at
render time, not the event's, so it is not used) or the shown start time (`.evo_start
em.time`). Equal wall clocks: a floating wall time (the source's zone applies; `timezone` is
the calendar's `cal_tz` when it names a zone other than UTC). Different: the stamp is the
instant and the difference its offset (ISO 8601 with that offset). All-day events
(`.evcal_list_a.allday`, "All Day" shown) give dates. `own_id` is EventON's own occurrence
id `<event id>_<repeat index>`; a repeat (index > 0) has the event id as `series_id`.

No pagination (`next_page` None): the window is the spider's request. Reason codes:
`eventon_not_json` (neither an EventON page nor its JSON: a login or consent page),
`eventon_api_error` (`{"status": "bad", "msg": ...}`, e.g. a stale nonce), `eventon_not_events`
(JSON of another shape), `eventon_loaded_by_ajax`, `event_without_name`, `event_without_start`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from parsel import Selector

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction

NAME = "eventon"
DETECTION = 180  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.eventon], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
STATUSES = {
    "cancelled": "EventCancelled",
    "cancel_event": "EventCancelled",
    "postponed": "EventPostponed",
    "rescheduled": "EventRescheduled",
    "movedonline": "EventMovedOnline",
}
BLOCKS = "div.eventon_list_event:not(.no_events)"
SCHEMA_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{2}))?")
SHOWN_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?m\.?", re.I)
SHOWN_24H = re.compile(r"\b(\d{1,2})[:.h](\d{2})\b")
UTC_NAMES = {"", "UTC", "GMT", "Etc/UTC", "Etc/GMT", "Universal", "Zulu"}
MARKERS = (
    (re.compile(r"/wp-content/plugins/eventON/", re.I), "its plugin assets (/wp-content/plugins/eventON/)"),
    (re.compile(r"""<meta[^>]+content=["']EventON""", re.I), "its generator tag"),
    (re.compile(r"\b(?:eventon_list_event|ajde_evcal_calendar)\b"), "its calendar markup"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the page to give the eventon spider, the evidence) when the page shows an EventON
    calendar (or the site runs EventON); None otherwise."""
    seen = platform.recognised(html, MARKERS, "EventON")
    if seen is None:
        return None
    return url, seen[1]


def looks_like(text: str) -> bool:
    """An EventON calendar page, or the JSON of its AJAX answers (HTML of event blocks inside)."""
    head = text[:65536].lstrip("\ufeff \r\n\t")
    if head.startswith("{"):
        return "eventon_list_event" in text or ('"cals"' in head and '"cal_def"' in head)
    return "eventon_list_event" in text or "ajde_evcal_calendar" in text


def extract(text: str, url: str, context: Context) -> Extraction:
    if text.lstrip("\ufeff \r\n\t").startswith("{"):
        return _from_json(text, url, context)
    if not looks_like(text):
        return Extraction(errors=[f"{NAME}_not_json"])
    return _from_html(text, url)


def _from_json(text: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(text, NAME)
    if error or not isinstance(data, dict):
        return Extraction(errors=[error or f"{NAME}_not_events"])
    if str(data.get("status", "")).lower() == "bad" or ("msg" in data and "html" not in data):
        return Extraction(errors=[f"{NAME}_api_error"])
    defaults = data.get("cal_def") if isinstance(data.get("cal_def"), dict) else {}
    zone = _named_zone(defaults.get("cal_tz"))
    if isinstance(data.get("cals"), dict):
        parts = [c.get("html") for c in data["cals"].values() if isinstance(c, dict)]
        return _from_html("".join(p for p in parts if isinstance(p, str)), url, zone)
    for key in ("html", "content"):  # `content`: the_ajax_hook of EventON 2.x
        if isinstance(data.get(key), str):
            return _from_html(data[key], url, zone)
    return Extraction(errors=[f"{NAME}_not_events"])


def _from_html(html: str, url: str, zone: str | None = None) -> Extraction:
    page = Selector(text=html or "<html></html>")
    zone = calendar_zone(page) or zone
    blocks = page.css(BLOCKS)
    blocks = [b for b in blocks if b.attrib.get("data-event_id") or b.attrib.get("id", "").startswith("event_")]
    if not blocks and page.css(".ajde_evcal_calendar.ajax_loading_cal"):
        return Extraction(errors=[f"{NAME}_loaded_by_ajax"])
    records, seen = [], set()
    for raw in (_block_event(b, url, zone) for b in blocks):
        if raw.get("own_id") not in seen:  # a page may show the same occurrence twice (a list and a widget)
            seen.add(raw.get("own_id"))
            records.append(raw)
    return platform.extraction(records, lambda raw: [raw])


def calendar_zone(page: Selector) -> str | None:
    """The calendar's IANA zone from its footer data (`data-od` `cal_tz`), unless it is UTC."""
    for od in page.css(".evo_cal_data::attr(data-od)").getall():
        try:
            name = _named_zone(json.loads(od).get("cal_tz"))
        except (ValueError, AttributeError):
            continue
        if name:
            return name
    return None


def _named_zone(name) -> str | None:
    return name if isinstance(name, str) and name not in UTC_NAMES and _zone(name) else None


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return None


def _text(nodes) -> str | None:
    value = " ".join(" ".join(nodes.css("::text").getall()).split())
    return value or None


def _block_event(block: Selector, url: str, zone: str | None) -> dict:
    """One raw event from a `div.eventon_list_event`."""
    schema = block.css(".evo_event_schema")
    ld = _json_ld(schema.css("script[type='application/ld+json']::text").get())
    title_node = block.css(".evcal_event_title, .evoet_title")[:1]
    raw = {
        "title": _text(title_node) or schema.css("[itemprop=name]::text").get() or platform.text(ld.get("name")),
        "url": _url(block, schema, ld, url),
        "description": block.css(".eventon_desc_in").get()
        or platform.text(ld.get("description"))
        or schema.css("meta[itemprop=description]::attr(content)").get(),
        "categories": _categories(block) or None,
    }
    raw.update(_ids(block))
    raw.update(_place(block, schema, ld))
    raw.update(_status_mode(block, schema, ld))
    raw.update(_organizer_offer(schema, ld))
    raw.update(_times(block, schema, ld, zone))
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _json_ld(value: str | None) -> dict:
    """EventON's JSON-LD, read leniently (raw line breaks in strings, `"image":,`)."""
    if not value:
        return {}
    body = re.sub(r'"image"\s*:\s*,', '"image":"",', value.strip())
    try:
        data = json.loads(body, strict=False)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _url(block, schema, ld: dict, base: str) -> str | None:
    for value in (
        schema.css("a[itemprop=url]::attr(href)").get(),
        ld.get("url"),
        block.css("a.evcal_list_a::attr(href)").get(),
    ):
        link = platform.absolute(base, value) if value and not str(value).startswith("#") else None
        if link:
            return link
    return None


def _ids(block) -> dict:
    found = re.match(r"event_(\d+)(?:_(\d+))?", block.attrib.get("id", ""))
    event_id = block.attrib.get("data-event_id") or (found.group(1) if found else None)
    ri = (block.attrib.get("data-ri") or "").rstrip("r") or (found.group(2) if found and found.group(2) else "0")
    if not event_id:
        return {}
    out = {"own_id": f"{event_id}_{ri}"}
    if ri not in ("", "0"):
        out["series_id"] = event_id
    return out


def _categories(block) -> list[str]:
    names = []
    for em in block.css(".evcal_event_types em, .evo_event_tags em"):
        if em.css("i") or "clear" in em.attrib.get("class", ""):
            continue  # the taxonomy's label ("Event Type") or a spacer
        name = em.attrib.get("data-v") or _text(em)
        name = (name or "").strip().rstrip(",").strip()
        if name and name not in names:
            names.append(name)
    return names


def _place(block, schema, ld: dict) -> dict:
    attrs = block.css("[data-location_name], [data-location_address]")[:1]
    attrs = attrs[0].attrib if attrs else {}
    place = next((p for p in _as_list(ld.get("location")) if isinstance(p, dict) and p.get("@type") == "Place"), {})
    address = place.get("address")
    street = address.get("streetAddress") if isinstance(address, dict) else address
    out = {
        "venue_name": attrs.get("data-location_name")
        or schema.css("[itemtype$=Place] [itemprop=name]::text").get()
        or platform.text(place.get("name")),
        "street": attrs.get("data-location_address")
        or schema.css("[itemprop=streetAddress]::text").get()
        or platform.text(street),
    }
    latlng = (attrs.get("data-latlng") or "").split(",")
    if len(latlng) == 2 and all(re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*", p) for p in latlng):
        out["latitude"], out["longitude"] = latlng[0].strip(), latlng[1].strip()
    virtual = next(
        (p for p in _as_list(ld.get("location")) if isinstance(p, dict) and p.get("@type") == "VirtualLocation"), {}
    )
    out["online_url"] = platform.absolute("", virtual.get("url")) or platform.absolute(
        "", schema.css("[itemtype$=VirtualLocation] [itemprop=url]::text").get()
    )
    return out


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _status_mode(block, schema, ld: dict) -> dict:
    classes = set(block.attrib.get("class", "").split())
    status = next((STATUSES[c] for c in classes if c in STATUSES), None)
    published = platform.text(ld.get("eventStatus")) or schema.css("meta[itemprop=eventStatus]::attr(content)").get()
    if not status and published and "schema.org" in published and not published.endswith("EventScheduled"):
        status = published
    mode = (
        platform.text(ld.get("eventAttendanceMode"))
        or schema.css("[itemprop=eventAttendanceMode]::attr(itemtype)").get()
    )
    mode = mode.rsplit("/", 1)[-1] if mode and mode.endswith("AttendanceMode") else None
    return {"event_status": status, "attendance_mode": mode}


def _organizer_offer(schema, ld: dict) -> dict:
    organizer = next((o for o in _as_list(ld.get("organizer")) if isinstance(o, dict)), {})
    offers = ld.get("offers") if isinstance(ld.get("offers"), dict) else {}
    return {
        "organizer": platform.text(organizer.get("name"))
        or schema.css("[itemprop=organizer] meta[itemprop=name]::attr(content)").get(),
        "organizer_url": platform.absolute("", organizer.get("url")),
        "price_min": platform.text(offers.get("price")) or schema.css("[itemprop=price]::attr(content)").get(),
        "currency": platform.text(offers.get("priceCurrency"))
        or schema.css("meta[itemprop=priceCurrency]::attr(content)").get(),
    }


def _times(block, schema, ld: dict, zone: str | None) -> dict:
    """start_text/end_text (and timezone) from `data-time` and the wall clock the page shows."""
    stamps = re.fullmatch(r"\s*(\d{6,})\s*-\s*(\d{6,})\s*", block.attrib.get("data-time", ""))
    start_pub = schema.css("meta[itemprop=startDate]::attr(content)").get() or platform.text(ld.get("startDate"))
    end_pub = schema.css("meta[itemprop=endDate]::attr(content)").get() or platform.text(ld.get("endDate"))
    wall = _schema_wall(start_pub)
    shown = " ".join(block.css(".evo_start .time::text, .evo_start em.time::text, .evcal_time::text").getall())
    if wall and wall[1] is None and (clock := _shown_clock(shown)):
        wall = (wall[0], clock)
    if not stamps:  # no stamps: the schema's date and time as written
        return {"start_text": _iso_wall(wall), "end_text": _iso_wall(_schema_wall(end_pub)), "timezone": zone}
    start = datetime.fromtimestamp(int(stamps.group(1)), UTC).replace(tzinfo=None)
    end = datetime.fromtimestamp(int(stamps.group(2)), UTC).replace(tzinfo=None)
    if block.css(".evcal_list_a.allday") or "all day" in shown.lower():
        return _all_day(wall, _schema_wall(end_pub), start, end)
    offset = _offset(wall, start)
    out = {"start_text": _stamp_text(start, offset), "timezone": zone}
    if end > start:
        out["end_text"] = _stamp_text(end, offset)
    if offset is not None and zone and (z := _zone(zone)):
        out["timezone"] = zone if (start + offset).replace(tzinfo=z).utcoffset() == offset else None
    return out


def _schema_wall(value: str | None) -> tuple[date, tuple[int, int] | None] | None:
    """(date, (hour, minute) or None) of a schema date as EventON writes it ("2026-8-19T18:00-7:00")."""
    found = SCHEMA_DATE.match(value or "")
    if not found:
        return None
    try:
        day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None
    clock = (int(found.group(4)), int(found.group(5))) if found.group(4) else None
    return day, clock if clock and clock[0] < 24 else None


def _shown_clock(text: str) -> tuple[int, int] | None:
    if found := SHOWN_TIME.search(text):
        hour = int(found.group(1)) % 12 + (12 if found.group(3).lower() == "p" else 0)
        return hour, int(found.group(2) or 0)
    if found := SHOWN_24H.search(text):
        return (int(found.group(1)), int(found.group(2))) if int(found.group(1)) < 24 else None
    return None


def _offset(wall, start: datetime) -> timedelta | None:
    """None when the stamp is the wall clock (floating); else the offset the wall clock shows."""
    if not wall or wall[1] is None:
        return None
    delta = datetime.combine(wall[0], datetime.min.time()).replace(hour=wall[1][0], minute=wall[1][1]) - start
    if delta and abs(delta) <= timedelta(hours=14) and delta.total_seconds() % 900 == 0:
        return delta
    return None


def _stamp_text(moment: datetime, offset: timedelta | None) -> str:
    if offset is None:
        return moment.isoformat()
    return (moment + offset).replace(tzinfo=timezone(offset)).isoformat()


def _iso_wall(wall) -> str | None:
    if not wall:
        return None
    if wall[1] is None:
        return wall[0].isoformat()
    return datetime.combine(wall[0], datetime.min.time()).replace(hour=wall[1][0], minute=wall[1][1]).isoformat()


def _all_day(wall, end_wall, start: datetime, end: datetime) -> dict:
    first = wall[0] if wall else start.date()
    last = end_wall[0] if end_wall else end.date()
    out = {"start_text": first.isoformat()}
    if last > first:
        out["end_text"] = last.isoformat()
    return out


def init_load_request(html: str, url: str, start: datetime, end: datetime) -> tuple[str, list[tuple[str, str]]] | None:
    """(the URL, the form fields) of the POST that loads the events of the page's AJAX-loaded
    calendars between start and end; None when the page has none or no nonce."""
    page = Selector(text=html)
    params = _general_params(html)
    nonce = params.get("n") or params.get("postnonce")
    fields: list[tuple[str, str]] = []
    for calendar in page.css(".ajde_evcal_calendar.ajax_loading_cal"):
        cal_id, sc = calendar.attrib.get("id"), calendar.css(".evo_cal_data::attr(data-sc)").get()
        try:
            shortcode = json.loads(sc) if sc else None
        except ValueError:
            shortcode = None
        if not cal_id or not isinstance(shortcode, dict):
            continue
        shortcode.update(
            focus_start_date_range=int(start.timestamp()),
            focus_end_date_range=int(end.timestamp()),
            number_of_months=1,
            event_count=0,
        )
        fields += [
            (f"cals[{cal_id}][sc][{k}]", _form_value(v))
            for k, v in shortcode.items()
            if not isinstance(v, (dict, list))
        ]
    if not fields or not nonce:
        return None
    return _ajax_url(params, url, "eventon_init_load"), [*fields, ("nonce", str(nonce))]


def _general_params(html: str) -> dict:
    for name in ("evo_general_params", "the_ajax_script"):
        found = re.search(r"var\s+" + name + r"\s*=\s*(\{.*?\});\s*(?:\n|/\*|</script>)", html, re.S)
        if found:
            try:
                data = json.loads(found.group(1))
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
    return {}


def _ajax_url(params: dict, url: str, action: str) -> str:
    endpoint = params.get("evo_ajax_url")
    if isinstance(endpoint, str) and "%%endpoint%%" in endpoint and params.get("ajax_method") != "ajax":
        return urljoin(url, endpoint.replace("%%endpoint%%", action))
    ajax = params.get("ajaxurl") if isinstance(params.get("ajaxurl"), str) else "/wp-admin/admin-ajax.php"
    return platform.with_query(urljoin(url, ajax), action=action)


def _form_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)
