"""eventsmanager: WordPress calendars made with Events Manager (Pixelite; associations, chambers,
clubs), read from its iCal feed when the site answers it, else from its listing pages and the
event pages they link.

Events Manager has no public REST API for events: the free plugin's only route, `/wp-json/
events-manager/v1/uploads`, takes file uploads (WordPress answers `{"code": "rest_no_route", ...}`
to anything else); sites with EM Pro have `/events-manager/v1/events` (and `/tickets`,
`/availability`) answering 401 `rest_forbidden` without a login; the `event` post type is in
`/wp-json/wp/v2/` only when a site defines EM_GUTENBERG, without dates. Its public forms:

1. The iCal feed `https://<site>/events.ics` (any path ending in `events.ics`; also exactly
   `/?ical=1`; EM 7 also `/events/ical/`, and `<event URL>/ical/` for one event; always on, no
   setting turns it off): future events (`dbem_ical_scope`), at most
   `dbem_ical_limit` (50 by default), DTSTART with `TZID=<the event's zone>` (EM 5.9+; UTC in
   older versions), CATEGORIES, LOCATION, GEO, URL, `UID:<event id>@<domain>`. It is the same
   text the `ical` spider reads: handed to `eventhound.extractors.ical` unchanged. It does not
   mark cancelled events, and gives no price or online link beyond a URL LOCATION.
2. A listing page (the events page, a category page, a `[events_list]` shortcode): EM 6+
   prints `div.em-event.em-item` cards (`.em-item-title a` or `.em-item-name a` title and URL,
   `.em-event-date` "October 5, 2027" or "October 25, 2027 - October 26, 2027",
   `.em-event-time` "10:00 am - 2:00 pm" or "All Day", `.em-event-location` with a
   `.em-icon-location` venue link or an `.em-icon-at` online link, `.em-event-categories a`,
   `.em-event-tags a`, `.em-event-prices`, `em-event-cancelled`, `.em-item-desc`,
   `.em-event-book-now`). EM 5 printed its `#_EVENTLINK` formats in `table.events-table` rows
   (`#_EVENTDATES<br/>#_EVENTTIMES`, then the link and `<i>#_LOCATIONNAME ...</i>`) inside
   `div.css-events-list`; its widget prints `li` items. A list in a format of the site's own is
   read element by element: inside `.em-events-list`, each smallest element holding one event
   link (month headings left out). Formats are the site's to edit: the
   dates are read in English month names, ISO or numeric forms (`m/d/Y`, or `d/m/Y` with the
   `day_first` option or when the day is over 12; `d.m.Y`), the times as "9:00 am" or
   "18:00". Times are the site's wall clock: floating (the source's zone applies). An item
   whose date or time cannot be read is not kept: its event page is named in `follow`.
   `next_page`: the `.em-pagination a.next` link (`?pno=2`) while the page's last date is
   within `window_days_ahead` (365). A widget is read only on a page without a listing.
3. An event page (`.em-event-single`, or an EM 5 page with the `single-event` body class): the
   "Add To Calendar" links of EM 6+ give the instants, `startdt`/`enddt` with the event's
   offset (`allday=true`: the date) and `ctz` its zone, kept as `timezone`; else the JSON-LD
   Event a SEO plugin may print, else the `.em-event-when` text or EM 5's "Date(s) - ..."
   paragraph. Venue (`.em-event-where` or the `/locations/` link, then the address line),
   categories and tags, prices, bookings (`registration_url`), `em-event-cancelled`.

`own_id` is the event's URL (EM's recurrences are events with URLs of their own). Reason codes:
`eventsmanager_not_json` (neither Events Manager's markup nor iCalendar: a login or consent
page, or a page without EM), `eventsmanager_api_error` (the REST API's error answers such as
`{"code": "rest_no_route", ...}`, admin-ajax's `0`), `eventsmanager_not_events` (JSON of another
shape), `event_without_name`, `event_without_start`; those of the ical extractor.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from eventhound.extractors import ical, platform
from eventhound.extractors.base import Context, Extraction, Option, option_value

NAME = "eventsmanager"
DETECTION = 200  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.eventsmanager], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "prefer_ical": Option(bool, True, "read the site's iCal feed first (false: the listing page given)"),
    "ical_url": Option(
        str, None, "the feed's address when WordPress lives in a sub-folder (default: <site>/events.ics)"
    ),
    "day_first": Option(bool, False, "numeric dates on the listing are day first (d/m/Y)"),
}
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
DATES = re.compile(
    r"\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b"
    r"|\b(?P<nm>[A-Za-z]{3,9})\.?\s+(?P<nd>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<ny>\d{4}|\d{2})\b"
    r"|\b(?P<dd>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?P<dm>[A-Za-z]{3,9})\.?,?\s+(?P<dy>\d{4}|\d{2})\b"
    r"|\b(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})\b"
)
CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\b\.?|\b(\d{1,2})[:h](\d{2})\b", re.I)
CLASSES = r"""class=["'][^"']*"""
MARKUP = re.compile(
    CLASSES + r"\b(?:em-events-list|css-events-list|em-event-single|widget_em_widget|em-list-widget)\b"
    r"|" + CLASSES + r"\bem-event\b[^\"']*\bem-item\b|" + CLASSES + r"\bem-item\b[^\"']*\bem-event\b"
)
ASSETS = re.compile(r"/wp-content/plugins/events-manager/", re.I)
SINGLE_BODY = re.compile(r"<body[^>]*class=[\"'][^\"']*\bsingle-event\b", re.I)
MARKERS = (
    (ASSETS, "its plugin assets (/wp-content/plugins/events-manager/)"),
    (MARKUP, "its listing markup (em-item / events-table)"),
    (re.compile(r"\bvar EM\s*=\s*\{\s*\"ajaxurl\""), "its EM.ajaxurl script settings"),
    (re.compile(r"""href=["'][^"']*/events\.ics["']"""), "a link to its events.ics feed"),
)
CARDS = "div.em-event.em-item, div.em-item.em-event"
WIDGETS = "widget_em_widget em-list-widget"
NOT_EVENT_LINK = re.compile(r"/(?:locations|categories|tags)/|^#|^mailto:|#em-event-booking-form$")


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the page to give the eventsmanager spider, the evidence) when the page shows an Events
    Manager calendar (or the site runs Events Manager); None otherwise."""
    seen = platform.recognised(html, MARKERS, "Events Manager")
    return (url, seen[1]) if seen else None


def looks_like(text: str) -> bool:
    """Events Manager's listing or event page (its markup, not just its assets)."""
    head = text[:65536].lstrip("\ufeff \r\n\t")
    if head.startswith(("{", "[", "BEGIN:")):
        return False
    return bool(MARKUP.search(text) or (SINGLE_BODY.search(text) and ASSETS.search(text)))


def extract(text: str, url: str, context: Context) -> Extraction:
    body = text.lstrip("\ufeff \r\n\t")
    if body.startswith("BEGIN:VCALENDAR"):
        return ical.extract(text, url, context)
    if body.startswith(("{", "[")) or body in ("0", "-1"):
        return _from_json(body)
    if not looks_like(text):
        return Extraction(errors=[f"{NAME}_not_json"])
    page = Selector(text=text)
    if page.css(".em-event-single") or (SINGLE_BODY.search(text) and not _blocks(page, url)):
        result = Extraction()
        platform.add_event(result, _event_page(page, url, context))
        return result
    return _listing(page, url, context)


def _from_json(body: str) -> Extraction:
    if body in ("0", "-1"):  # admin-ajax.php: no such action
        return Extraction(errors=[f"{NAME}_api_error"])
    data, error = platform.load_json(body, NAME)
    if error:
        return Extraction(errors=[error])
    if isinstance(data, dict) and ("code" in data and "message" in data or "error" in data):
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _blocks(page: Selector, url: str = "") -> list[Selector]:
    """The listing's items: EM 6+ cards, EM 5 table rows; a widget's items only without them."""
    main = [b for b in page.css(CARDS) if not _in_widget(b) and "em-item-single" not in b.attrib.get("class", "")]
    main += [row for row in page.css("table.events-table tr") if row.css("td")]
    if main or (main := _custom_items(page, url)):
        return main
    return [b for b in page.css(CARDS) if _in_widget(b)] or page.xpath(
        "//*[contains(@class,'widget_em_widget') or contains(@class,'em-list-widget')]//li[a]"
    )


def _custom_items(page: Selector, url: str) -> list[Selector]:
    """A list in a format of the site's own: inside an `.em-events-list`, the smallest elements
    that hold one link to an event page of the site (month headings and wrappers left out)."""
    site = urlsplit(url).netloc
    return [item for box in page.css(".em-events-list, .css-events-list") for item in _split(box, url, site)]


def _split(node: Selector, url: str, site: str) -> list[Selector]:
    links = {
        link
        for a in node.css("a[href]")
        if not NOT_EVENT_LINK.search(a.attrib["href"])
        and _text(a)
        and (link := platform.absolute(url, a.attrib["href"]))
        and urlsplit(link).netloc == site
    }
    if len(links) <= 1:
        return [node] if links and node.root.tag not in ("h1", "h2", "h3", "h4") else []
    return [item for child in node.xpath("./*") for item in _split(child, url, site)]


def _in_widget(block: Selector) -> bool:
    return bool(block.xpath("ancestor::*[contains(@class,'widget_em_widget') or contains(@class,'em-list-widget')]"))


def _listing(page: Selector, url: str, context: Context) -> Extraction:
    result, last_day = Extraction(), None
    for block in _blocks(page, url):
        raw, complete, day = _item(block, url, context)
        last_day = max(filter(None, (last_day, day)), default=None)
        if not complete and raw.get("url") and raw.get("title"):
            result.follow.append(raw["url"])
        else:
            platform.add_event(result, raw)
    nxt = [a for a in page.css(".em-pagination a.next") if "last" not in a.attrib.get("class", "").split()]
    if nxt and _within(last_day, context):
        result.next_page = platform.absolute(url, nxt[0].attrib.get("href"))
    return result


def _text(nodes) -> str | None:
    value = " ".join(" ".join(nodes.css("::text").getall()).split())
    return value or None


def _link(block: Selector) -> Selector | None:
    """The event's own link: the title's, else the first link that is not a place, term or booking."""
    preferred = block.css(".em-item-title a, .em-item-name a, .em-event-title a")
    if preferred:
        return preferred[0]
    for a in block.css("a[href]"):
        if not NOT_EVENT_LINK.search(a.attrib["href"]) and _text(a):
            return a
    return None


def _item(block: Selector, url: str, context: Context) -> tuple[dict, bool, date | None]:
    """(the raw event of a listing item, whether its start is complete, its first day)."""
    link = _link(block)
    title = _text(link) if link is not None else _text(block.css(".em-item-title, .em-item-name"))
    rest = " ".join(block.css("::text").getall())
    if title:
        rest = rest.replace(link.css("::text").get("") if link is not None else title, " ")
    dates_text = _text(block.css(".em-event-date")) or rest
    times_text = _text(block.css(".em-event-time")) or rest
    days = _dates(dates_text, context)
    when, complete = _when(days, _clocks(DATES.sub(" ", times_text)), "all day" in times_text.lower())
    href = platform.absolute(url, link.attrib.get("href")) if link is not None else None
    raw = {
        "title": title,
        "url": href,
        "own_id": href,
        "description": _text(block.css(".em-item-desc")),
        "categories": _terms(block),
        "cost_text": _text(block.css(".em-event-prices")),
        "registration_url": platform.absolute(url, block.css("a.em-event-book-now::attr(href)").get()),
        **when,
        **_place(block, url),
        **_status(block),
    }
    if not block.css(".em-event-location") and (venue := _text(block.css("i")[:1])):
        raw["venue_name"] = venue.split(", ")[0]  # EM 5: <i>#_LOCATIONNAME, #_LOCATIONTOWN ...</i>
    return _clean(raw), complete, days[0] if days else None


def _clean(raw: dict) -> dict:
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _terms(block: Selector) -> list[str]:
    found = block.css(".em-event-categories a, ul.event-categories a, .em-event-tags a")
    return list(dict.fromkeys(n for n in (_text(a) for a in found) if n))


def _place(block: Selector, url: str) -> dict:
    """The venue (a `.em-icon-location` line), or the online link (an `.em-icon-at` line)."""
    out: dict = {}
    for line in block.css(".em-event-location"):
        link = line.css("a[href]")[:1]
        if line.css(".em-icon-at"):
            out.update(
                online_url=platform.absolute(url, link.attrib.get("href")) if link else None,
                attendance_mode="OnlineEventAttendanceMode",
            )
        elif link and "venue_name" not in out:
            address = " ".join(
                " ".join(t for t in line.css("::text").getall() if t not in link.css("::text").getall()).split()
            )
            out.update(venue_name=_text(link), street=address or None)
    return out


def _status(block: Selector) -> dict:
    classes = block.attrib.get("class", "").split()
    return (
        {"event_status": "EventCancelled"}
        if "em-event-cancelled" in classes or block.css(".em-event-cancelled")
        else {}
    )


def _dates(text: str, context: Context) -> list[date]:
    """The dates a text shows, in order (a range gives two)."""
    day_first = option_value(OPTIONS, context.options, "day_first")
    out = []
    for m in DATES.finditer(text or ""):
        g = m.groupdict()
        if g["iy"]:
            ymd = (g["iy"], g["im"], g["id"])
        elif g["nm"] or g["dm"]:
            month = _month(g["nm"] or g["dm"])
            ymd = (g["ny"] or g["dy"], month, g["nd"] or g["dd"]) if month else None
        else:
            a, b = int(g["a"]), int(g["b"])
            dmy = g["sep"] == "." or a > 12 or (day_first and b <= 12)
            ymd = (g["y"], b, a) if dmy else (g["y"], a, b)
        if ymd and (found := _day(*ymd)):
            out.append(found)
    return out[:2]


def _month(word: str) -> int | None:
    word = word.lower()
    return next((i + 1 for i, name in enumerate(MONTHS) if len(word) >= 3 and name.startswith(word)), None)


def _day(year, month, day) -> date | None:
    year = int(year)
    try:
        return date(year + 2000 if year < 100 else year, int(month), int(day))
    except ValueError:
        return None


def _clocks(text: str) -> list[str]:
    out = []
    for m in CLOCK.finditer(text or ""):
        if m.group(3):
            hour, minute = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0), int(m.group(2) or 0)
        else:
            hour, minute = int(m.group(4)), int(m.group(5))
        if hour < 24 and minute < 60:
            out.append(f"{hour:02d}:{minute:02d}")
    return out[:2]


def _when(days: list[date], clocks: list[str], all_day: bool) -> tuple[dict, bool]:
    """(start_text/end_text, whether complete): the wall clock shown (floating); "All Day": dates."""
    if not days:
        return {}, False
    first, last = days[0], (days[1] if len(days) > 1 and days[1] > days[0] else None)
    if clocks:
        out = {"start_text": f"{first.isoformat()}T{clocks[0]}:00"}
        if len(clocks) > 1:
            out["end_text"] = f"{(last or first).isoformat()}T{clocks[1]}:00"
        return out, True
    if all_day:
        return _clean({"start_text": first.isoformat(), "end_text": last.isoformat() if last else None}), True
    return {"start_text": first.isoformat()}, False


def _within(day: date | None, context: Context) -> bool:
    days = option_value(OPTIONS, context.options, "window_days_ahead")
    return day is None or day <= (context.now + timedelta(days=days)).date()


def _event_page(page: Selector, url: str, context: Context) -> dict:
    """The raw event of an event page."""
    box = (page.css(".em-event-single") or page.css(".entry-content, article, body"))[0]
    a2c = _calendar_links(page)
    title = (
        a2c.pop("title", None)
        or _text(page.css("h1.entry-title, h1")[:1])
        or page.css("meta[property='og:title']::attr(content)").get()
    )
    when = a2c or _json_ld_when(page) or _text_when(page, context)
    bookings = page.css(".em-event-bookings, #em-event-booking-form, a[name='em-event-booking-form']")
    raw = {
        "title": title,
        "url": url,
        "own_id": url,
        "description": page.css(".em-event-content").get(),
        "categories": _terms(box),
        "cost_text": _text(box.css(".em-event-prices")[:1]),
        "registration_url": f"{url.split('#')[0]}#em-event-booking-form" if bookings else None,
        **when,
        **_place(box, url),
        **_status(box),
    }
    if "venue_name" not in raw and (venue := _text(box.css("a[href*='/locations/']")[:1])):
        raw["venue_name"] = venue
    return _clean(raw)


def _calendar_links(page: Selector) -> dict:
    """start/end with the event's offset from the Office/Outlook link, its zone from Google's."""
    office = page.css("a.em-a2c-office::attr(href), a.em-a2c-outlook::attr(href)").get()
    google = dict(parse_qsl(urlsplit(page.css("a.em-a2c-google::attr(href)").get("")).query))
    if not office:
        return {}
    query = dict(parse_qsl(urlsplit(office).query))
    start, end = (query.get(k, "").replace(" ", "+") or None for k in ("startdt", "enddt"))  # an offset's "+"
    if not start:
        return {}
    out = {"title": query.get("subject") or google.get("text"), "timezone": google.get("ctz") or None}
    if query.get("allday") == "true":
        out["start_text"] = start[:10]
    else:
        out.update(start_text=start, end_text=end)
    return _clean(out)


def _json_ld_when(page: Selector) -> dict:
    """startDate/endDate of an Event JSON-LD (printed by SEO plugins, not by EM itself)."""
    for script in page.css("script[type='application/ld+json']::text").getall():
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        items = data.get("@graph", [data]) if isinstance(data, dict) else data
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and "Event" in str(item.get("@type")) and platform.text(item.get("startDate")):
                return _clean(
                    {"start_text": platform.text(item.get("startDate")), "end_text": platform.text(item.get("endDate"))}
                )
    return {}


def _text_when(page: Selector, context: Context) -> dict:
    """The `.em-event-when` text (EM 6+) or EM 5's "Date(s) - ..." paragraph."""
    for node in page.css(".em-event-when, .entry-content p, article p"):
        shown = _text(node) or ""
        days = _dates(shown, context)
        if days:
            return _when(days, _clocks(DATES.sub(" ", shown)), "all day" in shown.lower())[0]
    return {}
