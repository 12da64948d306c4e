"""rss: events from RSS 2.0, RSS 1.0 (RDF) and Atom feeds, read with feedparser.

Pure function of (text, url, context): no Scrapy, no clock, no network (feedparser is
handed the text as a stream, never a string it could take for a URL or a file name).

Each item is an event. Its date comes from the item, in this order:

1. the RSS event module (`ev:startdate`, `ev:enddate`) or xCal (`xCal:dtstart`, `xCal:dtend`);
2. a date written in the title — the chamber platforms write "Business After Hours
   4/21/2026 5:30 PM - 4/21/2026 7:00 PM": the date text is cut from the title and goes to
   `start_text` whole (a range is one string for the date engine; `end_text` stays empty);
   a title that is only a date ("Sat Nov 15 08  07:30 PM") leaves the feed's title as the
   event's title;
3. a date written in the description (its first date, with the times that follow it);
4. `pubDate` / Atom `published` only when the source says its feed puts the start there:
   `pubdate_is_start = true` (Wild Apricot does; most platforms put the listing date there).

With `follow_links = true` every item with a link names it in the private key `_follow`:
the rss spider reads the linked page's schema.org markup and keeps the item's own event only
when the page has none. Without it, an item whose date cannot be found is left out and
reported (`rss_item_without_date`).

Also read: link (absolute), guid (`own_id`), description (as published), `ev:location`,
`xCal:location` and a bare `<venue>`/`<address>` (venue, street), `geo:lat`/`geo:long`,
GeoRSS points and bare `<latitude>`/`<longitude>`, `ev:organizer`, categories, `ev:type`.
`next_page` is an Atom/RSS `<link rel="next">` (RFC 5005 paging).

A start from the event module or xCal is checked against the item's description
(eventhound/crosscheck.py): a date alone takes the time the description states for it, a
time without offset that the description states one zone offset away is UTC, a malformed
time is read as the description confirms (warnings `start_time_from_page_repaired`,
`naive_markup_time_was_utc_repaired`, `broken_markup_time_read_by_page_repaired`).

Error codes: `rss_not_feed` (an HTML page or JSON where a feed was expected), `rss_malformed`
(broken XML: feedparser's lenient parser read what it could), `rss_item_without_date`,
`rss_too_many_items`, `extract_failed`.
"""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from eventhound import crosscheck
from eventhound.extractors.base import Context, Extraction, Option, option_value

NAME = "rss"
DETECTION = 230  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.rss]
    "pubdate_is_start": Option(bool, False, "an item's pubDate (Atom: published) is the event's start"),
    "follow_links": Option(
        bool, False, "read each item's linked page for schema.org markup (the item's own event when the page has none)"
    ),
}
MAX_ITEMS = 5000
MAX_SCAN = 20000  # characters of a description (or title) searched for a date
MAX_DATE_TEXT = 120  # a date text grows no longer than this

# --------------------------------------------------------------------------- dates in text

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\.?"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_NOT_TIME = r"(?!\s*(?:[ap]\.?\s?m\b|[ap]\.m\.|noon\b|:))"
_TIME = (
    r"(?:(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s*(?:[ap]\.?\s?m\b\.?|noon\b)"
    r"|(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)|noon\b|midnight\b)"
)
_DATE = (
    r"(?<![\w/.-])(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d-])"
    r"|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?![\d/])"
    r"|\d{1,2}\.\d{1,2}\.\d{4}(?![\d.])"
    rf"|{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b|\s+\d{{2}}(?=\s+{_TIME}))?{_NOT_TIME}"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b))"
)
_DATE_NO_YEAR = rf"{_DAY}\s+(?:of\s+)?{_MONTH}(?![\w])"  # "15 March": a date only after a weekday
_TIME_RANGE = rf"(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s*(?:-|–|—|to)\s*{_TIME}"
_TZ = r"\(?(?:[ECMP][SD]?T|AK[SD]T|HST|UTC|GMT)\)?(?!\w)"
_TOKEN = (
    rf"(?:{_DATE}|{_WEEKDAY}\b,?\s*(?:{_DATE}|{_DATE_NO_YEAR})|{_TIME_RANGE}|{_TIME}|{_WEEKDAY}(?!\w)"
    rf"|{_YEAR}\b|{_TZ}|all[\s-]day\b)"
)
_LABEL = r"\b(?:time|when|date|hours)\s*:"
_SEP = (
    r"(?:\s*(?:,|-|–|—|\||@|&|;|·|\(|\)|/|"
    + _LABEL
    + r"|\b(?:to|through|thru|until|till|from|at|and|on|starting|starts|begins|ends)\b))*\s*"
)
_SEP_RANGE = r"\s*(?:-|–|—|\b(?:to|through|thru|and)\b|&)\s*"
_ANCHOR = re.compile(rf"(?:{_WEEKDAY}\b,?\s*)?{_DATE}|{_WEEKDAY}\b,?\s*{_DATE_NO_YEAR}", re.I)
_CONT = re.compile(rf"{_SEP}{_TOKEN}|{_SEP_RANGE}{_DAY}\b(?:,?\s*{_YEAR}\b)?{_NOT_TIME}", re.I)
_LABEL_RE = re.compile(_LABEL + r"\s*", re.I)
_EDGE = re.compile(
    r"^(?:[\s,;:|@()\[\]\-–—]|\b(?:on|at|from|date|when)\b)+"
    r"|(?:[\s,;:|@()\[\]\-–—]|\b(?:on|at|from|date|when)\b)+$",
    re.I,
)


def find_date(text: str) -> tuple[int, int] | None:
    """(start, end) of the first date written in text, with the times and range that follow it."""
    m = _ANCHOR.search(text)
    if not m:
        return None
    end = m.end()
    while end - m.start() < MAX_DATE_TEXT:
        c = _CONT.match(text, end)
        if not c or c.end() == end:
            break
        end = c.end()
    return m.start(), end


def date_text(text: str, span: tuple[int, int]) -> str:
    """The date as the date engine reads it: label words ("Time:") out, whitespace collapsed."""
    return " ".join(_LABEL_RE.sub(" ", text[span[0] : span[1]]).split()).strip(" ,;|(")


def split_title(title: str) -> tuple[str | None, str | None]:
    """(title without its date, the date text) — the date only when it leads or ends the title."""
    span = find_date(title)
    if span is None:
        return title, None
    before, after = _EDGE.sub("", title[: span[0]]), _EDGE.sub("", title[span[1] :])
    when = date_text(title, span)
    if not after:
        return before or None, when
    if not before:
        return after, when
    return title, when  # "Job Fair on March 4 at Riverton College": the title stays whole


_TAG = re.compile(r"<[^>]*>")


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", text[:MAX_SCAN])).split())


# --------------------------------------------------------------------------- feed


_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]")


def looks_like(text: str) -> bool:
    """`<rss`, `<feed` (Atom) or `<rdf:RDF` near the start, and not an HTML page."""
    head = text[:2048]
    return bool(_FEED_ROOT.search(head)) and not _HTML_START.match(head)


def extract(text: str, url: str, context: Context) -> Extraction:
    try:
        return _extract(text, url or "", context)
    except Exception:  # noqa: BLE001 - never raise on a feed
        return Extraction(errors=["extract_failed"])


# feedparser's notes that are not about broken XML
_HARMLESS = ("CharacterEncodingOverride", "NonXMLContentType", "CharacterEncodingUnknown")


def _parse(text: str, url: str):
    return feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url},
        sanitize_html=False,
    )


def _extract(text: str, url: str, context: Context) -> Extraction:
    if not isinstance(text, str):
        return Extraction(errors=["rss_not_feed"])
    stripped = text.lstrip("\ufeff \t\r\n")
    if not looks_like(stripped) and (not stripped.startswith("<") or _HTML_START.match(stripped[:2048])):
        return Extraction(errors=["rss_not_feed"])  # an HTML page, JSON, nothing
    feed = _parse(stripped, url)
    if not feed.get("version") and not feed.entries:
        return Extraction(errors=["rss_not_feed" if not feed.get("bozo") else "rss_malformed"])
    result = Extraction()
    exc = feed.get("bozo_exception")
    if feed.get("bozo") and type(exc).__name__ not in _HARMLESS:
        result.errors.append("rss_malformed")
    channel_title = _s(feed.feed.get("title"))
    for link in feed.feed.get("links") or []:
        if link.get("rel") == "next" and link.get("href"):
            result.next_page = _abs(url, link["href"])
            break
    follow = option_value(OPTIONS, context.options, "follow_links")
    pubdate = option_value(OPTIONS, context.options, "pubdate_is_start")
    entries = feed.entries
    if len(entries) > MAX_ITEMS:
        result.errors.append("rss_too_many_items")
        entries = entries[:MAX_ITEMS]
    for entry in entries:
        raw = _event(entry, url, channel_title, pubdate)
        result.errors.extend(_checked_against_description(entry, raw, context))
        if follow and raw.get("url"):
            raw["_follow"] = raw["url"]
        elif not raw.get("start_text"):
            result.errors.append("rss_item_without_date")
            continue
        result.events.append(raw)
    return result


def _s(value) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None


def _abs(url: str, value) -> str | None:
    s = _s(value)
    if not s:
        return None
    try:
        s = urljoin(url, s) if url else s
    except ValueError:
        return None
    return s if s.startswith(("http://", "https://")) else None


def _first(entry, *keys) -> str | None:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, dict):
            value = value.get("value")
        s = _s(value)
        if s:
            return s
    return None


def _suffixed(entry, *suffixes) -> str | None:
    """A namespaced element by local name, whatever prefix the feed declared (ev_, xcal_, x-trumba_…)."""
    for key in entry:
        if isinstance(key, str) and key.endswith(suffixes):
            s = _s(entry.get(key))
            if s:
                return s
    return None


def _published(entry) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        try:
            return datetime(*parsed[:6], tzinfo=UTC).isoformat()
        except (TypeError, ValueError):
            pass
    return _first(entry, "published", "updated")


def _checked_against_description(entry, raw: dict, context: Context) -> list[str]:
    """The cross-check of a structured start (ev:startdate, xCal) with the item's own description."""
    structured = _first(entry, "ev_startdate", "xcal_dtstart") or _suffixed(entry, "_startdate", "_dtstart")
    if not structured or raw.get("start_text") != structured or not raw.get("description"):
        return []
    if not crosscheck.checkable(raw, context.timezone):
        return []
    texts = [(crosscheck.visible_text(raw["description"]), True)]
    return crosscheck.reconcile(raw, texts, context.now, context.timezone)


def _event(entry, url: str, channel_title: str | None, pubdate_is_start: bool) -> dict:
    raw: dict = {}
    title = _s(entry.get("title"))
    description = _first(entry, "summary") or next(
        (_s(c.get("value")) for c in entry.get("content") or [] if isinstance(c, dict) and _s(c.get("value"))), None
    )

    start = _first(entry, "ev_startdate", "xcal_dtstart") or _suffixed(entry, "_startdate", "_dtstart")
    end = _first(entry, "ev_enddate", "xcal_dtend") or _suffixed(entry, "_enddate", "_dtend")
    if start is None and title:
        title_left, when = split_title(title[:MAX_SCAN])
        if when:
            title, start = title_left, when
    if start is None and description:
        plain = _plain(description)
        span = find_date(plain)
        if span:
            start = date_text(plain, span)
    if start is None and pubdate_is_start:
        start = _published(entry)
    if start:
        raw["start_text"] = start
        if end:
            raw["end_text"] = end
    raw["title"] = title or channel_title
    if description:
        raw["description"] = description
    link = _abs(url, entry.get("link"))
    if link:
        raw["url"] = link
    raw["own_id"] = _s(entry.get("id")) or link

    venue = _first(entry, "ev_location", "xcal_location") or _suffixed(entry, "_location") or _first(entry, "venue")
    if venue:
        raw["venue_name"] = venue
    street = _first(entry, "address")
    if street:
        raw["street"] = street
    lat = _first(entry, "geo_lat", "latitude")
    lon = _first(entry, "geo_long", "geo_lon", "longitude")
    where = entry.get("where")
    if (lat is None or lon is None) and isinstance(where, dict) and where.get("type") == "Point":
        coords = where.get("coordinates") or ()
        if len(coords) == 2:
            lon, lat = (str(c) for c in coords)  # GeoJSON order: longitude, latitude
    if lat and lon:
        raw["latitude"], raw["longitude"] = lat, lon
    organizer = _first(entry, "ev_organizer", "xcal_organizer")
    if organizer:
        raw["organizer"] = organizer
    categories = [t.get("term") for t in entry.get("tags") or [] if isinstance(t, dict) and _s(t.get("term"))]
    ev_type = _first(entry, "ev_type")
    if ev_type:
        categories.append(ev_type)
    if categories:
        raw["categories"] = list(dict.fromkeys(c.strip() for c in categories))
    return {k: v for k, v in raw.items() if v not in (None, "", [])}
