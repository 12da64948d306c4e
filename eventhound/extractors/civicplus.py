"""civicplus: city and county calendars on CivicPlus / CivicEngage (`/Calendar.aspx`), read from their HTML.

Two public pages of one calendar (no key, no JavaScript needed):

1. The listing `GET /Calendar.aspx?CID=<ids>&view=list&month=M&year=Y` (`CID` one calendar
   id or several joined by commas; without it, every calendar of the site). The civicplus
   spider asks for the current month's list view. `div.calendars` holds one
   `div.calendar#CID<id>` per calendar, headed `h2.title` (the calendar's name, read into
   `categories`), with an `ol` of `li` entries: `h3 a#eventTitle_<EID>` (the title, the link
   `/Calendar.aspx?EID=<EID>&...`), `.subHeader .date` ("January 11, 2024, 10:00 AM - 11:30
   AM"; a date without a clock is an all-day event), `.eventLocation .name`, and hidden
   schema.org microdata: `startDate` (a floating wall time, `2024-01-11T10:00:00`: the
   source's zone applies), `description`, `location` (Place `name`, PostalAddress
   `streetAddress`, `addressLocality`, `addressRegion`, `postalCode`). An event listed in
   two calendars is one event with both names. The keyword search form
   (`&startDate=MM/DD/YYYY&enddate=MM/DD/YYYY`) answers in the same markup.
2. The event page `GET /Calendar.aspx?EID=<EID>` (`div.eventDetails`): `h2#..._eventTitle`,
   the `.specificDetail` rows "Date:" (with the hidden `startDate`), "Time:" ("10:00 AM -
   11:30 AM"; no row: all-day), "Location:", "Address:" (microdata as above), "Cost:"
   (`itemprop=price`) as `cost_text`, "Contact:" as the organizer, "Link:" (a registration
   or meeting link), and the `itemprop=description` HTML. It names no calendar, so an event
   read from its page alone has no categories.

`own_id` is the EID; `url` the canonical `/Calendar.aspx?EID=<EID>`. A meeting link
(Zoom, Teams, Webex, Meet, GoToWebinar) in the description or the "Link:" row is the online
link, and with no street the event is online. Cancellation is written into titles
("... - Cancelled") and left to the status pipeline. The iCalendar export
`/common/modules/iCalendar/iCalendar.aspx?catID=<id>&feed=calendar` (the same calendar id)
is read by the ical spider; this adapter reads what the HTML adds to it: the calendar's
name, the place in parts, cost, contact and links.

A listing entry without any date (older templates list only the title) is not counted:
`follow` names its event page, read by this same extractor. `next_page`: the list view
of the next month (`month`/`year` set on the listing's URL; without them, from the
crawl's month) while that month starts within `window_days_ahead` (365) days; a search
range does not page. Reason codes: `civicplus_not_json` (not a CivicPlus calendar page:
another site's HTML, a login or consent page, JSON or an iCalendar body),
`civicplus_api_error` (the site's error page: "Server Error in '/' Application", "Page
Not Found"), `civicplus_not_events` (a CivicPlus page that is neither listing nor event
page, e.g. its home page, or its markup changed), `event_without_name`, `event_without_start`.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from parsel import Selector

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, option_value

NAME = "civicplus"
DETECTION = 170  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.civicplus], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
}
EID = re.compile(r"[?&]EID=(\d+)", re.I)
TITLE_ID = re.compile(r"eventTitle_(\d+)")
DAY = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([AaPp])\.?\s*[Mm]\b\.?")
MEETING = re.compile(
    r"https?://[^\s\"'<>]*(?:zoom\.us|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com|"
    r"webex\.com|gotowebinar\.com|gotomeeting\.com)[^\s\"'<>]*",
    re.I,
)
REGISTER = re.compile(r"regist|sign[ -]?up|rsvp|eventbrite|tickets?\b|enroll", re.I)
# Place names that are no place: the template's default and the online ones
PLACEHOLDER_VENUES = frozenset(
    {
        "event location",
        "location",
        "tbd",
        "tba",
        "online",
        "virtual",
        "zoom",
        "online event",
        "virtual event",
        "webinar",
    }
)
ERROR_PAGE = re.compile(r"Server Error in '/' Application|<title>[^<]*(?:Page Not Found|Error)[^<]*</title>", re.I)
LISTING_PAGE = re.compile(r"chkCalendarID|/Calendar\.aspx", re.I)  # an empty listing still has its filter and links
ADDRESS = {"street": "streetAddress", "city": "addressLocality", "region": "addressRegion", "postal_code": "postalCode"}

# What a CivicPlus site shows of itself (credits, asset and module paths) and of its calendar
MARKERS = (
    (re.compile(r"civicplus\.com|\bCivicPlus\b|\bCivicEngage\b", re.I), "CivicPlus credits"),
    (re.compile(r"/Assets/Mystique/", re.I), "its /Assets/Mystique/ assets"),
    (re.compile(r"/common/modules/", re.I), "its /common/modules/ paths"),
    (re.compile(r"""["'](?:https?://[^"'\s]*)?/Calendar\.aspx(?:\?[^"'\s]*)?["']""", re.I), "links to /Calendar.aspx"),
)
CALENDAR_LINK = re.compile(r"""["']((?:https?://[^"'\s]*)?/Calendar\.aspx(?:\?[^"'\s]*)?)["']""", re.I)
ICAL_LINK = re.compile(r"iCalendar\.aspx\?[^\"'\s]*?catID=(\d+)", re.I)


def recognise(html_text: str, url: str) -> tuple[str, str] | None:
    """(the calendar URL to give the civicplus spider, the evidence) when the page is on a
    CivicPlus site and has its calendar; None otherwise. A /Calendar.aspx link alone (Legistar
    has one too) is not enough: CivicPlus's own credits, assets or module paths must be there."""
    seen = platform.recognised(html_text, MARKERS, "CivicPlus")
    if seen is None or all("calendar.aspx" in m.group(0).lower() for m in seen[0]):
        return None
    page = urlsplit(url)
    if page.path.lower().endswith("/calendar.aspx") and not EID.search(url):
        return url, seen[1]
    calendars = {m.group(1) for m in CALENDAR_LINK.finditer(html_text) if "cid=" in m.group(1).lower()}
    if len(calendars) == 1:
        return urljoin(url, html.unescape(calendars.pop())), seen[1]
    feeds = {m.group(1) for m in ICAL_LINK.finditer(html_text)}
    if len(feeds) == 1:
        return platform.site_root(url) + f"Calendar.aspx?CID={feeds.pop()}", seen[1]
    if CALENDAR_LINK.search(html_text) or feeds:
        return platform.site_root(url) + "Calendar.aspx", seen[1]
    return None


def looks_like(text: str) -> bool:
    """A CivicPlus calendar listing (`eventTitle_<EID>` links to Calendar.aspx?EID=) or event page."""
    if re.search(r"""id=["']eventTitle_\d+["']""", text) and re.search(r"Calendar\.aspx\?EID=", text, re.I):
        return True
    return bool(re.search(r"""id=["'][\w]*_eventTitle["']""", text)) and "specificDetail" in text


def extract(text: str, url: str, context: Context) -> Extraction:
    body = text.lstrip("\ufeff \r\n\t") if isinstance(text, str) else ""
    if not body.startswith("<") or body.startswith("<?xml"):
        return Extraction(errors=[f"{NAME}_not_json"])
    try:
        page = Selector(text=body)
        if page.css("div.eventDetails, [id$=_eventTitle]") and page.css(".specificDetail"):
            return platform.extraction([_detail(page, url)], lambda raw: [raw])
        if page.css("div.calendars") and (page.css("a[id^=eventTitle_]") or LISTING_PAGE.search(body)):
            return _listing(page, url, context)
    except (ValueError, TypeError):  # markup lxml cannot take
        return Extraction(errors=[f"{NAME}_not_events"])
    if ERROR_PAGE.search(body[:200000]):
        return Extraction(errors=[f"{NAME}_api_error"])
    if platform.recognised(body, MARKERS[:3], "CivicPlus"):
        return Extraction(errors=[f"{NAME}_not_events"])
    return Extraction(errors=[f"{NAME}_not_json"])


# ----------------------------------------------------------------------------- the listing


def _listing(page: Selector, url: str, context: Context) -> Extraction:
    blocks = page.css("div.calendars div.calendar") or page.css("div.calendars")
    events: dict[tuple, dict] = {}
    follow: list[str] = []
    records: list[dict] = []
    for block in blocks:
        category = _clean(" ".join(block.css("h2.title ::text").getall()))
        for item in block.css("ol > li"):
            raw = _entry(item, url)
            if raw.get("title") and not raw.get("start_text") and raw.get("url"):
                if raw["url"] not in follow:
                    follow.append(raw["url"])
                continue
            key = (raw.get("own_id"), raw.get("start_text")) if raw.get("own_id") else (id(raw),)
            if key in events:
                raw = events[key]
            else:
                events[key] = raw
                records.append(raw)
            if category and category not in raw.setdefault("categories", []):
                raw["categories"].append(category)
    for raw in records:
        if not raw.get("categories"):
            raw.pop("categories", None)
    result = platform.extraction(records, lambda raw: [raw], next_page=_next_month(url, context))
    result.follow = follow
    return result


def _entry(item: Selector, url: str) -> dict:
    """One listing `li` as a raw event."""
    anchor = item.css("h3 a[id^=eventTitle_]") or item.css("h3 a[href*='EID='], h3 a[href*='eid=']")
    href = anchor.attrib.get("href", "") if anchor else ""
    match = TITLE_ID.search(anchor.attrib.get("id", "")) if anchor else None
    event_id = match.group(1) if match else _eid(href)
    micro = item.css("[itemtype$='schema.org/Event']")
    name = micro.xpath("./*[@itemprop='name']//text()").getall()  # the Event's own name, not its Place's
    raw = {
        "title": _clean(" ".join(item.css("h3 ::text").getall())) or _clean(" ".join(name)),
        "own_id": event_id,
        "url": _event_url(url, href, event_id),
        "description": _clean(" ".join(micro.css("[itemprop=description] ::text").getall())),
    }
    date_text = " ".join(item.css(".subHeader .date ::text").getall())
    raw.update(_when(date_text, micro.css("[itemprop=startDate]::text").get()))
    raw.update(_place(micro, _clean(" ".join(item.css(".eventLocation .name ::text").getall()))))
    raw.update(_online(raw, [raw.get("description") or ""]))
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _next_month(url: str, context: Context) -> str | None:
    """The list view of the month after the listing's, while it starts within the window."""
    if not url.startswith("http") or platform.query_value(url, "startDate") or platform.query_value(url, "enddate"):
        return None
    try:
        today = context.now.astimezone(ZoneInfo(context.timezone)).date()
        month = int(platform.query_value(url, "month") or today.month)
        year = int(platform.query_value(url, "year") or today.year)
        following = date(year + month // 12, month % 12 + 1, 1)
    except (ValueError, KeyError, OSError):
        return None
    days = option_value(OPTIONS, context.options, "window_days_ahead")
    if following > today + timedelta(days=days):
        return None
    return platform.with_query(url, month=following.month, year=following.year)


# ----------------------------------------------------------------------------- the event page


def _detail(page: Selector, url: str) -> dict:
    rows = _rows(page)
    share = page.css("[data-share-url]::attr(data-share-url)").get() or ""
    event_id = _eid(url) or _eid(share)
    raw = {
        "title": _clean(" ".join(page.css("[id$=_eventTitle] ::text").getall())),
        "own_id": event_id,
        "url": _event_url(url, share or url, event_id),
        "description": _inner(page.css("div[itemprop=description]").get()),
    }
    date_text = _clean(" ".join(rows["date"].css("::text").getall())) if "date" in rows else ""
    time_text = _clean(" ".join(rows["time"].css("::text").getall())) if "time" in rows else ""
    start = page.css("[itemprop=startDate]::text").get()
    raw.update(_when(f"{date_text} {time_text}", start))
    raw.update(_place(page.css("[itemprop=location]"), None))
    if "cost" in rows:
        raw["cost_text"] = _clean(" ".join(rows["cost"].css("::text").getall()))
    if "contact" in rows:
        raw["organizer"] = _clean(" ".join(rows["contact"].css("::text").getall()))
    links = [
        (platform.absolute(url, a.attrib.get("href")), _clean(" ".join(a.css("::text").getall())))
        for a in (rows["link"].css("a[href]") if "link" in rows else [])
    ]
    hrefs = page.css("div[itemprop=description] a::attr(href)").getall()
    raw.update(_online(raw, [link for link, _ in links if link] + hrefs + [raw.get("description") or ""]))
    register = next(
        (link for link, words in links if link and REGISTER.search(f"{words} {link}") and not MEETING.match(link)), None
    )
    raw["registration_url"] = register
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _rows(page: Selector) -> dict[str, Selector]:
    """The event page's `.specificDetail` rows by their header ("Date:" -> "date")."""
    rows = {}
    for row in page.css(".specificDetail"):
        header = _clean(" ".join(row.css(".specificDetailHeader ::text").getall())).rstrip(":").strip().lower()
        item = row.css(".specificDetailItem")
        if header and item and header not in rows:
            rows[header] = item[0]
    return rows


# ----------------------------------------------------------------------------- shared


def _when(text: str, micro: str | None) -> dict:
    """start_text/end_text from the date text and the microdata start (a floating wall time)."""
    text, micro = _clean(text), _clean(micro)
    days = [d for d in (_day(m) for m in DAY.finditer(text)) if d]
    clocks = [_clock(m) for m in CLOCK.finditer(text)]
    start_day = micro[:10] if re.match(r"\d{4}-\d{2}-\d{2}", micro) else (days[0] if days else None)
    if not start_day:
        return {}
    timed = re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", micro) is not None
    if not clocks or clocks[:2] == ["00:00", "23:59"]:
        if not text and timed and micro[11:16] != "00:00":
            return {"start_text": micro}
        end_day = days[-1] if len(days) > 1 and days[-1] > start_day else None
        return {"start_text": start_day, "end_text": end_day}
    start = micro[:19] if timed else f"{start_day}T{clocks[0]}:00"
    if len(clocks) < 2:
        return {"start_text": start}
    end_day = days[1] if len(days) > 1 and len(clocks) > 1 else start_day
    end = f"{end_day}T{clocks[1]}:00"
    if end <= start and end_day == start_day:
        end = f"{date.fromisoformat(start_day) + timedelta(days=1)}T{clocks[1]}:00"
    return {"start_text": start, "end_text": end}


def _day(match: re.Match) -> str | None:
    for pattern in ("%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(f"{match.group(1)} {match.group(2)} {match.group(3)}", pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _clock(match: re.Match) -> str:
    hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
    return f"{hour:02d}:{int(match.group(2) or 0):02d}"


def _place(scope: Selector, shown: str | None) -> dict:
    """Venue and address from a schema.org Place (microdata), else the name shown."""
    location = scope.css("[itemprop=location]") or (scope if scope.attrib.get("itemprop") == "location" else None)
    if not location:
        return {"venue_name": shown if shown and shown.lower() not in PLACEHOLDER_VENUES else None}
    venue = _clean(" ".join(location.css("[itemprop=name] ::text").getall())) or shown
    raw = {"venue_name": venue if venue and venue.lower() not in PLACEHOLDER_VENUES else None}
    for key, prop in ADDRESS.items():
        raw[key] = _clean(" ".join(location.css(f"[itemprop={prop}] ::text").getall())) or None
    return raw


def _online(raw: dict, texts: list[str]) -> dict:
    """The meeting link among the texts and links, and the online mode when no street is given."""
    link = next((m.group(0).rstrip(".,;)") for t in texts if t for m in [MEETING.search(html.unescape(t))] if m), None)
    if not link:
        return {}
    mode = "MixedEventAttendanceMode" if raw.get("street") else "OnlineEventAttendanceMode"
    return {"online_url": link, "attendance_mode": mode}


def _eid(href: str) -> str | None:
    match = EID.search(html.unescape(href or ""))
    return match.group(1) if match else None


def _event_url(url: str, href: str, event_id: str | None) -> str | None:
    """The event's canonical page `/Calendar.aspx?EID=<id>` on the page's site."""
    if not event_id:
        return None
    path = urlsplit(html.unescape(href or "")).path
    page = path if path.lower().endswith("calendar.aspx") else "/Calendar.aspx"
    return platform.absolute(url, f"{page}?EID={event_id}")


def _inner(element: str | None) -> str | None:
    """The inner HTML of an element's markup."""
    return (re.sub(r"^<[^>]+>|</[^>]+>$", "", element.strip()).strip() or None) if element else None


def _clean(value: str | None) -> str:
    """Text with entities decoded and (thin, no-break) spaces folded."""
    return re.sub(r"\s+", " ", html.unescape(value or "").replace("\u2009", " ").replace("\xa0", " ")).strip()
