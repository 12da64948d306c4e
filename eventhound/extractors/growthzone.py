"""growthzone: chamber and association calendars on GrowthZone / ChamberMaster (Micronet).

Three public forms of one calendar (the spider asks for the first):

1. `GET /api/events` on the calendar's host (`business.<chamber>.org`, `<x>.chambermaster.com`):
   the XML the calendar widget reads, every upcoming event in one answer, no paging, no
   key (query parameters are ignored). `<ArrayOfEventDisplay>` of `<EventDisplay>`:
   `EventID`, `Name`, `Status` (only `APPROVED` is published; `PENDING` rows are
   unapproved, often auto-generated copies of a series, and are skipped uncounted),
   `Description` (HTML), `StartDate`/`EndDate` (a floating wall time, `2026-09-24T17:30:00`:
   the source's zone applies), `IsAllDayEvent`, `Slug` (the event page is
   `/events/details/<Slug>-<EventID>`), `URL` (the organizer's own site), `LocationDesc`
   (pasted HTML, the venue as written), `MapAddr1`/`MapCity`/`MapState`/`MapPostalCode`
   (the map pin, used only without a `LocationDesc`: it is often the chamber's default),
   `AdmissionDesc` (fees), `ContactDesc` (the organizer), `Recurrence/SeriesEventId`
   (`series_id`; a series is already one `EventDisplay` per occurrence) and
   `Categories/int` (ids only: their names come from the option `category_names`, a list
   of "id=name" the spider reads from the calendar page's category filter). A `Status` of
   CANCELLED gives the cancelled status (chambers usually retitle instead: "CANCELLED - ...",
   left to the status pipeline). A JSON array of the same records is read alike.
2. The month calendar `/events/calendar/<YYYY-MM-01>` (`table.mn-cal-grid`): no times, so
   it yields no events; `follow` names the event pages of its days from today on, and
   `next_page` is the `mn-cal-next` month while it starts within `window_days_ahead`.
3. The event page `/events/details/<slug>-<id>` (`#mn-events-details`, schema.org
   microdata): `name`, `startDate`/`endDate` (`2019-09-16T14:30`, floating) made ISO 8601
   with the offset of the zone the page prints after the end time ("4:30 PM CDT";
   `timezone` the IANA zone, the source's when it agrees), the `Fees/Admission` section as
   `cost_text`, the location (`mn-raw` lines, PostalAddress metas), contact as organizer,
   `eventStatus`, a register link. Events on the page without a time are all-day (dates).

Online: a location that names Zoom/Teams/webinar/online with a link gives `online_url` and
the online mode (mixed when a street is given too).

Reason codes: `growthzone_not_json` (neither the XML/JSON nor a ChamberMaster page: a
login or consent page), `growthzone_api_error` (`<Error><Message>` or `{"Message": ...}`),
`growthzone_not_events` (XML or JSON of another shape), `event_without_name`,
`event_without_start`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from parsel import Selector

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, Option, option_value

NAME = "growthzone"
DETECTION = 130  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.growthzone], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "category_names": Option(
        list, None, 'the calendar\'s categories as ["id=name", ...]; when given, the calendar page is not fetched'
    ),
}
FIELDS = {
    "title": "Name",
    "description": "Description",
    "organizer": lambda r: _plain(r.get("ContactDesc")),
    "organizer_url": "URL",
    "cost_text": lambda r: _plain(r.get("AdmissionDesc")),
    "series_id": "Recurrence.SeriesEventId",
}
ONLINE = re.compile(r"\b(zoom|teams|webinar|webex|online|virtual|google meet)\b", re.I)
# The zone abbreviations ChamberMaster prints after a time, with their offsets and zones.
ZONES = {
    "EST": (-5, "America/New_York"),
    "EDT": (-4, "America/New_York"),
    "CST": (-6, "America/Chicago"),
    "CDT": (-5, "America/Chicago"),
    "MST": (-7, "America/Denver"),
    "MDT": (-6, "America/Denver"),
    "PST": (-8, "America/Los_Angeles"),
    "PDT": (-7, "America/Los_Angeles"),
    "AKST": (-9, "America/Anchorage"),
    "AKDT": (-8, "America/Anchorage"),
    "HST": (-10, "Pacific/Honolulu"),
    "AST": (-4, "America/Halifax"),
    "ADT": (-3, "America/Halifax"),
    "NST": (-3.5, "America/St_Johns"),
    "NDT": (-2.5, "America/St_Johns"),
}
# A line of a location that is a date or a time, not a place ("Thursday, October 29th", "5:30 to 7 p.m.").
WHEN_LINE = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\d\s*(a\.?m\.?|p\.?m\.?)(\W|$)", re.I
)
CITY_LINE = re.compile(r"^(?P<city>[^,\d][^,]*),\s*(?P<region>[A-Za-z .]+?)\.?\s+(?P<zip>[0-9A-Z][0-9A-Z -]{3,9})$")


# What a ChamberMaster / GrowthZone calendar, or a chamber page linking to one, shows of it
MARKERS = (
    (re.compile(r"https?://[\w.-]+/events/(?:calendar|details/|index)"), "links to its /events/ calendar"),
    (
        re.compile(r"ChamberMaster|GrowthZone|growthzoneapp\.com|micronetonline\.com", re.I),
        "ChamberMaster/GrowthZone assets or credits",
    ),
    (re.compile(r"""class=["'][^"']*\b(?:mn-[\w-]+|gz-[\w-]+)"""), "its mn-/gz- markup"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the chamber's calendar host to give the growthzone spider, the evidence), or None.
    A link to /events/calendar alone is not enough: the platform's own name or markup must be there."""
    seen = platform.recognised(html, MARKERS, "GrowthZone/ChamberMaster")
    if seen is None or all("/events/" in m.group(0) for m in seen[0]):
        return None
    link = next((m.group(0) for m in seen[0] if m.group(0).startswith("http")), None)
    return platform.site_root(link or url), seen[1]


def looks_like(text: str) -> bool:
    """The API's `<ArrayOfEventDisplay>`, or a ChamberMaster month calendar or event page."""
    head = text[:65536]
    if head.lstrip("\ufeff \r\n\t").startswith("<?xml") or head.lstrip("\ufeff \r\n\t").startswith("<Array"):
        return "<ArrayOfEventDisplay" in head
    return 'class="mn-cal-grid"' in text or 'id="mn-events-details"' in text


def extract(text: str, url: str, context: Context) -> Extraction:
    body = text.lstrip("\ufeff \r\n\t")
    if body.startswith("<?xml") or body.startswith("<Array") or body.startswith("<Error"):
        return _from_xml(body, url, context)
    if body.startswith(("[", "{")):
        return _from_json(body, url, context)
    try:
        if 'id="mn-events-details"' in text:
            return platform.extraction([_detail(Selector(text=text), url, context)], lambda raw: [raw])
        if 'class="mn-cal-grid"' in text:
            return _calendar(Selector(text=text), url, context)
    except (ValueError, TypeError):  # markup lxml cannot take
        return Extraction(errors=[f"{NAME}_not_events"])
    return Extraction(errors=[f"{NAME}_not_json"])


# ----------------------------------------------------------------------------- the API


def _from_xml(body: str, url: str, context: Context) -> Extraction:
    try:
        root = ET.fromstring(body.encode("utf-8"))
    except ET.ParseError:
        return Extraction(errors=[f"{NAME}_not_events"])
    if root.tag == "Error" or root.find("Message") is not None and root.tag != "ArrayOfEventDisplay":
        return Extraction(errors=[f"{NAME}_api_error"])
    if root.tag != "ArrayOfEventDisplay":
        return Extraction(errors=[f"{NAME}_not_events"])
    return _records([_element_record(e) for e in root.findall("EventDisplay")], url, context)


def _from_json(body: str, url: str, context: Context) -> Extraction:
    data, error = platform.load_json(body, NAME)
    if error:
        return Extraction(errors=[error])
    if isinstance(data, dict) and ("Message" in data or "ExceptionMessage" in data):
        return Extraction(errors=[f"{NAME}_api_error"])
    if isinstance(data, list) and all(isinstance(r, dict) and "EventID" in r for r in data):
        return _records(data, url, context)
    return Extraction(errors=[f"{NAME}_not_events"])


def _element_record(element: ET.Element) -> dict:
    """An `<EventDisplay>` as a dict of its children's texts (nil ones left out)."""
    record: dict = {}
    for child in element:
        if child.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true":
            continue
        if child.tag == "Categories":
            record["Categories"] = [c.text for c in child if c.text]
        elif len(child):
            record[child.tag] = _element_record(child)
        elif child.text is not None:
            record[child.tag] = child.text
    return record


def _records(records: list[dict], url: str, context: Context) -> Extraction:
    approved = [r for r in records if str(r.get("Status") or "APPROVED").strip().upper() != "PENDING"]
    names = _category_names(option_value(OPTIONS, context.options, "category_names"))
    return platform.extraction(approved, lambda r: [_api_event(r, url, names)])


def _api_event(record: dict, url: str, names: dict[str, str]) -> dict:
    raw = platform.raw_event(record, FIELDS, url)
    event_id, slug = platform.text(record.get("EventID")), platform.text(record.get("Slug"))
    raw["own_id"] = event_id
    if slug and event_id and url.startswith("http"):
        raw["url"] = urljoin(url, f"/events/details/{slug}-{event_id}")
    all_day = str(record.get("IsAllDayEvent")).lower() == "true"
    start, end = platform.text(record.get("StartDate")), platform.text(record.get("EndDate"))
    if start:
        raw["start_text"] = start[:10] if all_day else start
        if end and not (all_day and end[:10] == start[:10]):
            raw["end_text"] = end[:10] if all_day else end
    raw.update(_place(record.get("LocationDesc"), record))
    categories = [names[str(c)] for c in record.get("Categories") or [] if str(c) in names]
    if categories:
        raw["categories"] = categories
    if str(record.get("Status") or "").upper() in ("CANCELLED", "CANCELED"):
        raw["event_status"] = "CANCELLED"
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _category_names(option) -> dict[str, str]:
    """The option's "id=name" entries as a map."""
    pairs = (str(entry).split("=", 1) for entry in option or [] if "=" in str(entry))
    return {key.strip(): name.strip() for key, name in pairs if key.strip() and name.strip()}


def category_names(text: str) -> list[str]:
    """The "id=name" entries of a ChamberMaster calendar page's category filter."""
    options = Selector(text=text).css('#mn-search-category select option, select[name="c"] option')
    out = []
    for option in options:
        value, name = option.attrib.get("value", "").strip(), " ".join(option.css("::text").getall()).strip()
        if value and name:
            out.append(f"{value}={html.unescape(name)}")
    return out


# ----------------------------------------------------------------------------- places


def _lines(markup) -> list[str]:
    """The text lines of published HTML (line breaks and blocks kept, entities decoded)."""
    if not isinstance(markup, str) or not markup.strip():
        return []
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|li)>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ")
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def _plain(markup) -> str | None:
    return " ".join(_lines(markup)) or None


def _place(location_html, record: dict | None = None) -> dict:
    """Venue, street, city, region, postal code and the online link of a location."""
    lines, raw = [part.strip() for line in _lines(location_html) for part in line.split(" | ")], {}
    for line in lines:
        parts = line.split(", ")
        head, tail = (", ".join(parts[:-2]), ", ".join(parts[-2:])) if len(parts) >= 3 else ("", line)
        match = CITY_LINE.match(tail)
        if match and "city" not in raw:
            raw.update(city=match["city"].strip(), region=match["region"].strip(), postal_code=match["zip"].strip())
            if head and "street" not in raw:
                raw["street"] = head
        elif re.match(r"^\d+\s", line) and "street" not in raw:
            raw["street"] = line.rstrip(",")
        elif not raw and not line.lower().startswith("http") and not WHEN_LINE.search(line):
            raw["venue_name"] = line
    if not lines and record:
        raw.update(
            {
                k: platform.text(record.get(f))
                for k, f in (
                    ("street", "MapAddr1"),
                    ("city", "MapCity"),
                    ("region", "MapState"),
                    ("postal_code", "MapPostalCode"),
                )
            }
        )
    link = _first_link(location_html)
    if link and ONLINE.search(" ".join(lines) + " " + link):
        raw["online_url"] = link
        raw["attendance_mode"] = "MixedEventAttendanceMode" if raw.get("street") else "OnlineEventAttendanceMode"
        if raw.get("venue_name") and ONLINE.search(raw["venue_name"]) and not raw.get("street"):
            raw.pop("venue_name")
    return {k: v for k, v in raw.items() if v}


def _first_link(markup) -> str | None:
    if not isinstance(markup, str):
        return None
    match = re.search(r"""href=["'](https?://[^"']+)""", markup) or re.search(r"https?://[^\s<>\"']+", markup)
    return html.unescape(match.group(1) if match.groups() else match.group(0)) if match else None


# ----------------------------------------------------------------------------- the month calendar


def _calendar(page: Selector, url: str, context: Context) -> Extraction:
    today = context.now.astimezone(ZoneInfo(context.timezone)).date()
    follow = []
    for day in page.css("div.mn-cal-day"):
        when = _day_of(day.css("a::attr(href)").get(""))
        if when is not None and when < today:
            continue
        for href in day.css("li.mn-cal-event a::attr(href)").getall():
            link = platform.absolute(url, href)
            if link and link not in follow:
                follow.append(link)
    return Extraction(follow=follow, next_page=_next_month(page, url, today, context))


def _day_of(href: str) -> date | None:
    match = re.search(r"/events/index/(\d{4}-\d{2}-\d{2})", href)
    try:
        return date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


def _next_month(page: Selector, url: str, today: date, context: Context) -> str | None:
    link = platform.absolute(url, page.css(".mn-cal-next a::attr(href)").get())
    match = re.search(r"/(\d{4})-(\d{2})-\d{2}/?(?:\?|$)", link or "")
    days = option_value(OPTIONS, context.options, "window_days_ahead")
    if not link or not match:
        return None
    first = date(int(match.group(1)), int(match.group(2)), 1)
    return link if first <= today + timedelta(days=days) else None


# ----------------------------------------------------------------------------- the event page


def _detail(page: Selector, url: str, context: Context) -> dict:
    root = page.css("#mn-events-details")
    raw = {
        "title": _text(root.css("h1[itemprop=name] ::text, #mn-pagetitle h1 ::text").getall()),
        "url": platform.absolute(url, root.css("link[itemprop=url]::attr(href)").get()) or url,
        "description": _inner(root.css("[itemprop=description]").get()),
    }
    match = re.search(r"-(\d+)/?(?:\?|$)", raw["url"])
    raw["own_id"] = match.group(1) if match else raw["url"]
    raw.update(_when(root, context))
    raw.update(_place(_inner(root.css(".mn-event-location [itemprop=name]").get())))
    address = {
        "street": "streetAddress",
        "city": "addressLocality",
        "region": "addressRegion",
        "postal_code": "postalCode",
    }
    for key, prop in address.items():
        value = root.css(f'.mn-event-location meta[itemprop="{prop}"]::attr(content)').get()
        if value and value.strip():
            raw[key] = value.strip()
    raw["cost_text"] = _section(root, ("fee", "admission", "cost", "price"))
    raw["organizer"] = _text(root.css(".mn-event-contact .mn-raw ::text").getall())
    raw["registration_url"] = platform.absolute(url, root.css('a[href*="/register"]::attr(href)').get())
    status = root.css("meta[itemprop=eventStatus]::attr(content)").get()
    raw["event_status"] = status.strip() if status and "scheduled" not in status.lower() else None
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _when(root: Selector, context: Context) -> dict:
    """start_text/end_text (with the printed zone's offset) and the IANA zone."""
    start = root.css("[itemprop=startDate]::attr(content)").get("").strip()
    end = root.css("[itemprop=endDate]::attr(content)").get("").strip()
    times = root.css(".mn-event-time .mn-event-content ::text, span.mn-event-time ::text").getall()
    if not start:
        return {}
    if not _text(times):
        return {"start_text": start[:10], "end_text": end[:10] if end[:10] > start[:10] else None}
    abbreviation = (_text(times) or "").split()[-1].upper()
    if abbreviation not in ZONES:
        return {"start_text": start, "end_text": end or None}
    hours, zone = ZONES[abbreviation]
    if _offset_hours(start, context.timezone) == hours:
        zone = context.timezone
    suffix = "{}{:02d}:{:02d}".format("-" if hours < 0 else "+", int(abs(hours)), int(abs(hours) % 1 * 60))
    return {"start_text": start + suffix, "end_text": end + suffix if end else None, "timezone": zone}


def _offset_hours(wall: str, zone: str) -> float | None:
    try:
        offset = datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(zone)).utcoffset()
    except (ValueError, KeyError, OSError):
        return None
    return offset.total_seconds() / 3600 if offset is not None else None


def _section(root: Selector, words: tuple[str, ...]) -> str | None:
    """The text of the `mn-event-section` whose heading names one of the words."""
    for section in root.css(".mn-event-section"):
        head = (_text(section.css(".mn-event-head ::text").getall()) or "").lower()
        if any(word in head for word in words):
            return _plain(section.css(".mn-event-content").get())
    return None


def _inner(element: str | None) -> str | None:
    """The inner HTML of an element's markup."""
    return re.sub(r"^<[^>]+>|</[^>]+>$", "", element.strip()).strip() or None if element else None


def _text(parts: list[str]) -> str | None:
    return re.sub(r"\s+", " ", html.unescape(" ".join(parts))).strip() or None
