"""mec: WordPress calendars made with Modern Events Calendar (MEC, Webnus), read from its iCal
feed when the site has it on, else from its listing pages and their "load more" JSON.

MEC's REST API (`/wp-json/mec/v1.0/events`) needs an API key sent as a `mec-token` header:
not public, not read. Its public forms:

1. The iCal feed `https://<site>/?mec-ical-feed=1` (when "iCal Feed" is enabled in MEC's
   settings; otherwise WordPress answers the home page): one VEVENT per event with UTC
   DTSTART computed with the event's own offset, RRULE, CATEGORIES, LOCATION, ORGANIZER,
   URL. It is the same text the `ical` spider reads; here it is handed to the ical
   extractor (`eventhound.extractors.ical`) unchanged, so its options and codes apply.
2. A listing page (any skin: list, grid, agenda, ...): one `article.mec-event-article` per
   occurrence. The title link `.mec-event-title a[data-event-id]` (title, URL, MEC's post
   id; `?occurrence=YYYY-MM-DD` in the URL when the site links occurrences), the time
   `.mec-start-time` / `.mec-end-time` (else `.mec-event-time`, `.mec-time-details`:
   "9:00 am - 11:00 am", "All Day"), the place (`.mec-venue-details span`,
   `.mec-event-address`, `.mec-event-loc-place` "name | address"), `.mec-categories
   .mec-category` into `categories`, `.mec-organizers` as organizer, `.mec-price-details` as
   cost, `.mec-cancellation-reason` and the labels (`mec-label-canceled`) as cancelled, and
   the per-event JSON-LD MEC prints (in the page footer or inline; matched to an article by
   URL, else by name): `startDate`/`endDate` (a DATE only: "2027-10-04"), `eventStatus`
   (EventCancelled, EventPostponed, EventMovedOnline), the `VirtualLocation` URL of an event
   moved online, location, organizer, offers. The date comes from the occurrence in the
   URL, else the JSON-LD, else the month of the article's `mec-toggle-YYYYMM-<skin>` class
   and the day of its date label. Times are the site's wall clock as shown: floating (the
   source's zone applies), ISO 8601 without offset; "All Day" or no time gives the date.
   `own_id` is `<post id>_<date>` (MEC's occurrence), `series_id` the post id.
3. The list skin's "load more": the page's `mecListView({... end_date, offset, atts,
   ajax_url ...})` settings give `next_page` =
   `<ajax_url>?action=mec_list_load_more&mec_start_date=<end_date>&mec_offset=<offset>&<atts>
   &apply_sf_date=0` when the page shows its load-more button; that GET answers
   `{"html": "<article ...>", "end_date", "offset", "count", "has_more_event": 0|1}`, read
   like the page, with the next page while `has_more_event` is 1 and the last event starts
   within `window_days_ahead` (365).

A page with MEC's markup but no listed event (a single event's page, whose sidebar
widget shows MEC's classes) is read as schema.org (`eventhound.extractors.schemaorg`): its
JSON-LD and microdata.

Reason codes: `mec_not_json` (neither MEC's listing, its JSON nor iCalendar: a login or
consent page, or a home page without MEC), `mec_api_error` (the REST API's error answers
such as `{"code": "rest_forbidden", ...}` or admin-ajax's `0`), `mec_not_events` (JSON of
another shape), `event_without_name`, `event_without_start`; those of the ical extractor.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from parsel import Selector

from eventhound.extractors import ical, platform, schemaorg
from eventhound.extractors.base import Context, Extraction, Option, option_value

NAME = "mec"
DETECTION = 190  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.mec], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "prefer_ical": Option(
        bool, True, "read the site's iCal feed first (false: the listing page given, e.g. one category's)"
    ),
}
ARTICLES = "article.mec-event-article"
STATUS_WORDS = {"EventCancelled", "EventPostponed", "EventMovedOnline", "EventRescheduled"}
CLOCK = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?\s*m\.?|(\d{1,2})[:.h](\d{2})", re.I)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
SETTINGS = re.compile(r"\.mec\w*View\(\s*\{(.*?)\}\s*\)", re.S)
MARKERS = (
    (
        re.compile(r"/wp-content/plugins/modern-events-calendar(?:-lite)?/", re.I),
        "its plugin assets (/wp-content/plugins/modern-events-calendar)",
    ),
    (re.compile(r"\bmec-event-article\b|\bmec-wrap\b"), "its listing markup"),
    (re.compile(r"[?&]mec-ical-feed=1"), "a link to its iCal feed"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the page to give the mec spider, the evidence) when the page shows an MEC calendar
    (or the site runs MEC); None otherwise."""
    seen = platform.recognised(html, MARKERS, "Modern Events Calendar")
    return (url, seen[1]) if seen else None


def looks_like(text: str) -> bool:
    """MEC's listing (articles or a skin's settings) or its load-more JSON."""
    head = text[:65536].lstrip("\ufeff \r\n\t")
    if head.startswith("{"):
        return '"has_more_event"' in head or ("mec-event-article" in text and '"html"' in head)
    return "mec-event-article" in text or bool(SETTINGS.search(text))


def extract(text: str, url: str, context: Context) -> Extraction:
    body = text.lstrip("\ufeff \r\n\t")
    if body.startswith("BEGIN:VCALENDAR"):
        return ical.extract(text, url, context)
    if body.startswith(("{", "[")) or body in ("0", "-1"):
        return _from_json(body, url, context)
    if not looks_like(text):
        return Extraction(errors=[f"{NAME}_not_json"])
    result = _from_html(text, url)
    if not result.events:  # a single event's page (MEC's markup in a widget): its schema.org
        page = schemaorg.extract(text, url, context)
        if page.events:
            return page
    result.next_page = _first_load_more(text, url, result.events, context)
    return result


def _from_json(text: str, url: str, context: Context) -> Extraction:
    if text in ("0", "-1"):  # admin-ajax.php: no such action
        return Extraction(errors=[f"{NAME}_api_error"])
    data, error = platform.load_json(text, NAME)
    if error or not isinstance(data, dict):
        return Extraction(errors=[error or f"{NAME}_not_events"])
    if isinstance(data.get("html"), str):
        result = _from_html(data["html"], url)
        if str(data.get("has_more_event")) == "1" and _within(result.events, context):
            result.next_page = platform.with_query(
                url, mec_start_date=data.get("end_date") or "", mec_offset=data.get("offset") or 0
            )
        return result
    if "code" in data and "message" in data:
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _from_html(html: str, url: str) -> Extraction:
    page = Selector(text=html or "<html></html>")
    linked = _json_ld(page)
    records = [_article_event(a, url, linked) for a in page.css(ARTICLES) if not a.css(".mec-no-event")]
    return platform.extraction(records, lambda raw: [raw])


def _json_ld(page: Selector) -> list[dict]:
    """MEC's Event JSON-LD objects on the page."""
    found = []
    for script in page.css("script[type='application/ld+json']::text").getall():
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("@type") == "Event":
                found.append(item)
    return found


def _pick(linked: list[dict], link: str | None, title: str | None) -> dict:
    """The JSON-LD of an article (by its URL, else its name), taken out of the list."""
    for key, value in (("url", link), ("name", title)):
        for item in linked:
            if value and platform.text(item.get(key)) == value:
                linked.remove(item)
                return item
    return {}


def _text(nodes) -> str | None:
    value = " ".join(" ".join(nodes.css("::text").getall()).split())
    return value or None


def _article_event(article: Selector, url: str, linked: list[dict]) -> dict:
    """One raw event from an `article.mec-event-article`."""
    link = (article.css(".mec-event-title a") or article.css("a[data-event-id]"))[:1]
    title = _text(link) or _text(article.css(".mec-event-title"))
    href = platform.absolute(url, link.attrib.get("href")) if link else None
    ld = _pick(linked, href, title)
    event_id = (link.attrib.get("data-event-id") if link else None) or None
    day = _date(article, href, ld)
    raw = {
        "title": title,
        "url": href or platform.absolute(url, ld.get("url")),
        "description": article.css(".mec-event-description").get() or platform.text(ld.get("description")),
        "categories": [n for n in (_text(c) for c in article.css(".mec-categories .mec-category")) if n] or None,
        "organizer": _text(article.css(".mec-organizers .mec-organizer-item")[:1]) or _ld_name(ld.get("organizer")),
        "cost_text": _text(article.css(".mec-price-details")),
        "own_id": f"{event_id}_{day.isoformat()}" if event_id and day else event_id or href,
        "series_id": event_id,
    }
    raw.update(_place(article, ld))
    raw.update(_status(article, ld))
    raw.update(_times(article, day, ld))
    return {k: v for k, v in raw.items() if v not in (None, "", [])}


def _ld_name(value) -> str | None:
    return platform.text(value.get("name")) if isinstance(value, dict) else None


def _date(article: Selector, href: str | None, ld: dict) -> date | None:
    occurrence = dict(parse_qsl(urlsplit(href or "").query)).get("occurrence")
    for value in (occurrence, platform.text(ld.get("startDate"))):
        if value and (found := ISO_DATE.match(value)):
            return _day(*map(int, found.groups()))
    month = re.search(r"\bmec-toggle-(\d{4})(\d{2})-", article.attrib.get("class", ""))
    label = _text(article.css(".mec-start-date-label, .mec-event-date, .mec-date-details, .event-d")[:1]) or ""
    if found := ISO_DATE.search(label):
        return _day(*map(int, found.groups()))
    days = [int(d) for d in re.findall(r"(?<!\d)(\d{1,2})(?!\d)", label) if 1 <= int(d) <= 31]
    return _day(int(month.group(1)), int(month.group(2)), days[0]) if month and days else None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _place(article: Selector, ld: dict) -> dict:
    location = ld.get("location") if isinstance(ld.get("location"), dict) else {}
    place = _text(article.css(".mec-event-loc-place")) or ""
    name, _, address = place.partition(" | ")
    out = {
        "venue_name": _text(article.css(".mec-venue-details > span")) or name.strip() or None,
        "street": _text(article.css(".mec-event-address")) or address.strip() or None,
    }
    if location.get("@type") == "VirtualLocation":
        out["online_url"] = platform.absolute("", location.get("url"))
        out["attendance_mode"] = "OnlineEventAttendanceMode"
    else:
        out["venue_name"] = out["venue_name"] or platform.text(location.get("name"))
        out["street"] = out["street"] or platform.text(location.get("address"))
    offers = ld.get("offers") if isinstance(ld.get("offers"), dict) else {}
    if price := platform.text(offers.get("price")):
        out.update(price_min=price, currency=platform.text(offers.get("priceCurrency")))
    return out


def _status(article: Selector, ld: dict) -> dict:
    published = str(ld.get("eventStatus") or "").rsplit("/", 1)[-1]
    if published in STATUS_WORDS:
        return {"event_status": published}
    classes = article.attrib.get("class", "") + " " + " ".join(article.css(".mec-label-normal::attr(class)").getall())
    if article.css(".mec-cancellation-reason") or re.search(r"\bmec-label-cancel+ed\b", classes):
        return {"event_status": "EventCancelled"}
    return {}


def _times(article: Selector, day: date | None, ld: dict) -> dict:
    """start_text/end_text: the date, with the wall clock shown (floating)."""
    if day is None:
        return {}
    start = _text(article.css(".mec-start-time")[:1])
    end = _text(article.css(".mec-end-time")[:1])
    if not start:
        shown = _text(article.css(".mec-time-details, .mec-event-time")[:1]) or ""
        start, _, end = shown.partition(" - ")
    last = ISO_DATE.match(platform.text(ld.get("endDate")) or "")
    last_day = _day(*map(int, last.groups())) if last else None
    last_day = last_day if last_day and last_day > day else None
    first_clock, end_clock = _clock(start), _clock(end)
    if first_clock is None:  # all day, or no time shown
        return {"start_text": day.isoformat(), "end_text": last_day.isoformat() if last_day else None}
    out = {"start_text": f"{day.isoformat()}T{first_clock}:00"}
    if end_clock:
        out["end_text"] = f"{(last_day or day).isoformat()}T{end_clock}:00"
    return out


def _clock(text: str | None) -> str | None:
    found = CLOCK.search(text or "")
    if not found:
        return None
    if found.group(3):
        hour = int(found.group(1)) % 12 + (12 if found.group(3).lower() == "p" else 0)
        minute = int(found.group(2) or 0)
    else:
        hour, minute = int(found.group(4)), int(found.group(5))
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def _settings(html: str) -> dict:
    found = SETTINGS.search(html)
    return dict(re.findall(r"(\w+)\s*:\s*[\"']([^\"']*)[\"']", found.group(1))) if found else {}


def _first_load_more(html: str, url: str, events: list[dict], context: Context) -> str | None:
    """The list skin's first "load more" request, when the page offers more events."""
    settings = _settings(html)
    button = Selector(text=html).css(".mec-load-more-button")
    if (
        not (settings.get("ajax_url") and settings.get("atts") and button)
        or "mec-util-hidden" in button.attrib.get("class", "")
        or not _within(events, context)
    ):
        return None
    ajax = platform.absolute(url, settings["ajax_url"])
    if not ajax:
        return None
    query = (
        f"action=mec_list_load_more&mec_start_date={settings.get('end_date', '')}"
        f"&mec_offset={settings.get('offset', '0')}&{settings['atts']}"
        f"&current_month_divider={settings.get('current_month_divider', '0')}&apply_sf_date=0"
    )
    return urlunsplit(urlsplit(ajax)._replace(query=query))


def _within(events: list[dict], context: Context) -> bool:
    """Whether the page's last event starts within the window (so the next page may too)."""
    days = option_value(OPTIONS, context.options, "window_days_ahead")
    starts = [e["start_text"][:10] for e in events if e.get("start_text")]
    if not starts:
        return True
    return max(starts) <= (context.now + timedelta(days=days)).date().isoformat()
