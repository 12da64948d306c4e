"""What a publisher's page offers to read its events from, best first, and a sources.toml entry for it.

`discover(html, url)` is pure (no network): it reads one saved or fetched page (a homepage
or an events page) and returns Offers, each with the spider that reads it, the URL to put
in sources.toml and the evidence on the page. `sources_entry(offer, key, timezone_guess)`
renders a ready `[sources.KEY]` table; `guess_timezone(html)` finds a zone the page names.

What is looked for:

- The Events Calendar (TEC): its markup (`tribe-events` classes, `tribe_events` post type,
  the plugin's assets) or links to `/wp-json/tribe/` -> the REST root
  `/wp-json/tribe/events/v1/events` (from the page's own API link when it names one), and
  the listing's iCal export `?ical=1` when the page does not link it itself;
- `<link rel="alternate" type="text/calendar">`, `webcal://` links, links to `.ics` files
  and other calendar exports (`?ical=1`, `format=ical`, `ical_subscribe`, `/ical/`,
  `iCalendar.aspx`, `mec-ical-feed`, `outlook-ical`);
- schema.org events on the page (JSON-LD, microdata, RDFa, and hCalendar: the schemaorg
  extractor decides), or a schema.org list of event pages;
- RSS/Atom `<link rel="alternate">` feeds (and `.rss` / `?rss=` links); a feed whose URL or
  title names events or a calendar is an event feed, any other (the blog's) a site feed;
  comment feeds are left out;
- Google Calendar embeds (`calendar.google.com/calendar/embed?src=ID`) and subscribe links
  -> the calendar's public iCalendar address `https://calendar.google.com/calendar/ical/ID/public/basic.ics`
  (read by the ical spider), by `eventhound.extractors.gcal.google_calendar_ics_urls`.

- A calendar platform with an adapter (Localist, Engage, Trumba, LibCal, ...): each
  platform's extractor module may have `recognise(html, url)`, which names the platform
  from its markers on the page (asset hosts, widget scripts, generator tags, API links) and
  gives the source URL its spider starts from.

Ranking, best first (lower `rank`): structured per-event formats before text meant for
people, explicit before guessed:

0. `platform` (5): the platform's own API or richest form, read by its adapter, with the
   platform's categories, places and costs;
1. `tribe-rest` (10): TEC's JSON has every event's own zone, venue, organizer and cost, and
   pages through the whole calendar;
2. `ical` (20): a calendar the site publishes (rel=alternate, webcal, .ics link): exact
   instants and recurrence; `tec-ical` (25) is TEC's `?ical=1`, guessed from the markup;
3. `schemaorg` (30): events in the page's own markup: structured, but one listing page
   at a time and often without end or place;
4. `rss` (40): an events feed: one item per event, but the date is often only in the text;
5. `gcal` (50): a Google Calendar embed: a full calendar, but its public iCalendar address
   is derived, not published by the page (it answers 404 when the owner shares only the
   free/busy view);
6. `ical-per-event` (60): many "add to calendar" .ics links on a listing, one event each
   (a css source reading the listing is usually better);
7. `site-feed` (70): a site feed that does not say it is about events (the blog's).

Within one rank the page's order is kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urldefrag, urljoin, urlsplit
from zoneinfo import ZoneInfo

import parsel

RANKS = {
    "platform": 5,
    "tribe-rest": 10,
    "ical": 20,
    "tec-ical": 25,
    "schemaorg": 30,
    "rss": 40,
    "gcal": 50,
    "ical-per-event": 60,
    "site-feed": 70,
}
TRIBE_REST_PATH = "wp-json/tribe/events/v1/events"
MAX_CALENDAR_LINKS = 3  # more .ics links than this on one page are per-event exports


@dataclass(frozen=True)
class Offer:
    kind: str  # a key of RANKS
    spider: str  # the spider (format) that reads it
    url: str  # the URL for the source's `urls`
    evidence: str  # what on the page says so
    options: dict = field(default_factory=dict, compare=False)  # a [sources.KEY.<spider>] table, if needed

    @property
    def rank(self) -> int:
        return RANKS[self.kind]


# --------------------------------------------------------------------------- Google Calendar

try:
    from eventhound.extractors.gcal import google_calendar_ics_urls
except ImportError:  # the gcal format is not installed: embeds' src= ids only

    def google_calendar_ics_urls(embed_src_or_calendar_id: str) -> list[str]:
        """The public .ics URL of every calendar a Google Calendar embed names with `src=`."""
        parts = urlsplit(embed_src_or_calendar_id.strip())
        if not (parts.hostname or "").endswith("google.com"):
            return []
        ids = [unquote(v).strip() for v in parse_qs(parts.query).get("src", [])]
        return [
            f"https://calendar.google.com/calendar/ical/{quote(i, safe='')}/public/basic.ics" for i in ids if "@" in i
        ]


# Google's own calendars shown alongside a publisher's (holidays, week numbers, birthdays).
_GOOGLE_OWN_RE = re.compile(r"#(?:holiday|weeknum|contacts)@")


def _google_calendars(url: str) -> list[tuple[str, str]]:
    """(public .ics URL, calendar id) of each publisher calendar a Google Calendar embed or link names."""
    out = []
    for ics in google_calendar_ics_urls(url):
        calendar_id = unquote(ics.split("/calendar/ical/", 1)[1].split("/", 1)[0])
        if not _GOOGLE_OWN_RE.search(calendar_id):
            out.append((ics, calendar_id))
    return out


# --------------------------------------------------------------------------- detection

_TEC_MARKERS = (
    (re.compile(r"""class\s*=\s*["'][^"']*\btribe-events\b"""), 'elements of class "tribe-events"'),
    (re.compile(r"/wp-json/tribe/|\\/wp-json\\/tribe\\/"), "links to /wp-json/tribe/"),
    (re.compile(r"\btribe_events\b"), "the tribe_events post type"),
    (re.compile(r"/plugins/the-events-calendar/"), "the-events-calendar plugin assets"),
)
_TRIBE_REST_RE = re.compile(r"""(https?:(?:\\?/){2}[^"'\s<>]*?)(?:\\?/)wp-json(?:\\?/)tribe(?:\\?/)events(?:\\?/)v1""")
_CALENDAR_HREF_RE = re.compile(
    r"\.ics(?:$|[?#])|[?&](?:ical|outlook-ical|mec-ical-feed)=1\b|[?&]format=ical\b|ical_subscribe|"
    r"/ical(?:/|$)|icalendar\.aspx|/calendarfeed/|[?&]_op=ics\b",
    re.I,
)
_RSS_HREF_RE = re.compile(r"\.rss(?:$|[?#])|/rss/?$|[?&]rss=(?:true|1)\b", re.I)
_EVENTISH_RE = re.compile(r"event|calendar|meeting|workshop|program", re.I)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml")
_ZONE_RE = re.compile(
    r"""(?:time_?zone(?:_string|_id|_name)?|ctz|tzid|x-wr-timezone|data-timezone)["']?\s*[:=]\s*["']?"""
    r"""([A-Z][A-Za-z_]+(?:(?:\\?/|%2F)[A-Z][A-Za-z_+-]+){1,2})""",
    re.I,
)


def _absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or href[:11].lower() in ("javascript:", "mailto:"):
        return None
    if href[:9].lower() == "webcal://":
        href = "https://" + href[9:]
    try:
        url = urldefrag(urljoin(base, href))[0]
    except ValueError:
        return None
    return url if url[:7].lower() == "http://" or url[:8].lower() == "https://" else None


def _label(sel: parsel.Selector) -> str:
    text = " ".join(" ".join(sel.xpath(".//text()").getall()).split())
    return text or " ".join((sel.attrib.get("title") or "").split())


def _site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _tribe_rest_root(html: str, page: parsel.Selector, base: str) -> str:
    m = _TRIBE_REST_RE.search(html)
    if m:
        return m.group(1).replace("\\/", "/").rstrip("/") + "/" + TRIBE_REST_PATH
    api = page.xpath("//link[@rel='https://api.w.org/']/@href").get()
    api = _absolute(base, api)
    if api and "/wp-json" in api:
        return api.split("/wp-json", 1)[0] + "/" + TRIBE_REST_PATH
    return _site_root(base) + TRIBE_REST_PATH


def _tec_ical_url(url: str) -> str:
    """TEC's iCal export of the listing the page is (or of the default /events/ listing)."""
    parts = urlsplit(url)
    if "event" in parts.path.lower():
        return f"{parts.scheme}://{parts.netloc}{parts.path}?ical=1"
    return _site_root(url) + "events/?ical=1"


def platform_offers(html: str, url: str) -> list[tuple[str, str, str]]:
    """(spider, source URL, evidence) of each calendar platform whose adapter recognises the
    page (an extractor module's `recognise(html, url)`)."""
    from eventhound.formats import FORMATS, extractor

    found = []
    for name in FORMATS:
        recognise = getattr(extractor(name), "recognise", None)
        if recognise is not None and (seen := recognise(html, url)):
            found.append((name, *seen))
    return found


def discover(html: str, url: str) -> list[Offer]:
    """What the page offers, best first (see the module docstring); [] when nothing is found."""
    try:
        return _discover(html if isinstance(html, str) else "", url or "")
    except Exception:  # noqa: BLE001 - a page we cannot read offers nothing
        return []


def _discover(html: str, url: str) -> list[Offer]:
    if not html.strip():
        return []
    page = parsel.Selector(text=html, type="html")
    base = url
    if href := page.xpath("//base/@href").get():
        base = urljoin(url, href.strip())
    found = _Offers()
    for spider, target, evidence in platform_offers(html, url):
        found.add("platform", spider, target, evidence)
    _offer_calendar_link_tags(found, page, base)
    calendar_links, feed_links = _calendar_and_feed_anchors(found, page, base)
    _offer_calendar_anchors(found, calendar_links)
    _offer_tec(found, html, page, base, url)
    _offer_schemaorg(found, html, url)
    _offer_feed_link_tags(found, page, base)
    for target, label in feed_links:
        found.add("rss", "rss", target, f'a link to a feed: "{label}"')
    _offer_google_calendars(found, page, base)
    return sorted(found.offers, key=lambda o: o.rank)  # stable: the page's order within a rank


class _Offers:
    """The offers found so far, in the page's order; one per target URL (the first wins)."""

    def __init__(self):
        self.offers: list[Offer] = []
        self.seen: set[str] = set()

    def add(self, kind, spider, target, evidence, **options):
        if target and target not in self.seen:
            self.seen.add(target)
            self.offers.append(Offer(kind, spider, target, evidence, options))


def _offer_calendar_link_tags(found: _Offers, page: parsel.Selector, base: str) -> None:
    """<link rel=alternate type=text/calendar>."""
    for link in page.xpath("//link[@href]"):
        if (link.attrib.get("type") or "").strip().lower() == "text/calendar":
            title = link.attrib.get("title")
            found.add(
                "ical",
                "ical",
                _absolute(base, link.attrib.get("href")),
                "<link rel=alternate type=text/calendar>" + (f' "{title.strip()}"' if title else ""),
            )


def _calendar_and_feed_anchors(found: _Offers, page: parsel.Selector, base: str):
    """The page's links to calendars [(url, label, is webcal)] and to feeds [(url, label)], not yet offered."""
    calendar_links: list[tuple[str, str, bool]] = []
    feed_links: list[tuple[str, str]] = []
    for a in page.xpath("//a[@href]"):
        href = a.attrib["href"].strip()
        target = _absolute(base, href)
        if not target or target in found.seen:
            continue
        webcal = href[:9].lower() == "webcal://"
        if webcal or _CALENDAR_HREF_RE.search(href):
            if "calendar.google.com" in target and "/public/" not in target:
                continue  # an "add to Google Calendar" button, not a feed
            if target not in {t for t, _, _ in calendar_links}:
                calendar_links.append((target, _label(a), webcal))
        elif _RSS_HREF_RE.search(href):
            feed_links.append((target, _label(a)))
    return calendar_links, feed_links


def _offer_calendar_anchors(found: _Offers, calendar_links: list[tuple[str, str, bool]]) -> None:
    """webcal:// subscriptions, and .ics links: a few are calendars, many are one event each."""
    subscriptions = [c for c in calendar_links if c[2]]
    exports = [c for c in calendar_links if not c[2]]
    for target, label, _ in subscriptions:
        found.add("ical", "ical", target, f'a webcal:// subscription link: "{label}"')
    if len(exports) <= MAX_CALENDAR_LINKS:
        for target, label, _ in exports:
            found.add("ical", "ical", target, f'a link to an iCalendar file: "{label}"')
    else:
        found.add(
            "ical-per-event",
            "ical",
            exports[0][0],
            f'{len(exports)} per-event iCalendar links (e.g. "{exports[0][1]}"): one event each',
        )


def _offer_tec(found: _Offers, html: str, page: parsel.Selector, base: str, url: str) -> None:
    """The Events Calendar: its REST API, with the listing's iCal export as the spider's fallback."""
    tec = [what for pattern, what in _TEC_MARKERS if pattern.search(html)]
    if not tec:
        return
    offers = found.offers
    tec_ical = next(
        (o.url for o in offers if o.kind == "ical" and "ical=1" in o.url and "post_type=tribe_events" not in o.url),
        None,
    )
    if tec_ical is None:
        tec_ical = _tec_ical_url(url)
        if not any(o.kind == "ical" and "post_type=tribe_events" in o.url for o in offers):
            found.add("tec-ical", "ical", tec_ical, "The Events Calendar's iCal export of the listing (?ical=1)")
    options = {}
    if urlsplit(tec_ical).path.rstrip("/") != "/events" or urlsplit(tec_ical).query != "ical=1":
        options["ical_url"] = tec_ical  # the spider's default fallback is /events/?ical=1
    found.add(
        "tribe-rest",
        "tribe",
        _tribe_rest_root(html, page, base),
        f"The Events Calendar ({', '.join(tec)}): its REST API",
        **options,
    )


def _offer_schemaorg(found: _Offers, html: str, url: str) -> None:
    """schema.org (and hCalendar) events on the page, or a schema.org list of event pages."""
    from eventhound.extractors.schemaorg import extract_schemaorg

    extraction = extract_schemaorg(html, url)
    if extraction.events:
        first = extraction.events[0].get("title", "")
        found.add(
            "schemaorg",
            "schemaorg",
            urldefrag(url)[0],
            f"{len(extraction.events)} event{'s' if len(extraction.events) > 1 else ''} in schema.org/hCalendar"
            f' markup (e.g. "{first}")',
        )
    elif extraction.follow:
        found.add(
            "schemaorg", "schemaorg", urldefrag(url)[0], f"a schema.org list of {len(extraction.follow)} event pages"
        )


def _offer_feed_link_tags(found: _Offers, page: parsel.Selector, base: str) -> None:
    """RSS / Atom <link rel=alternate>: an event feed when its URL or title says so, else the site's feed."""
    for link in page.xpath("//link[@href]"):
        rels = (link.attrib.get("rel") or "").lower().split()
        kind_of = (link.attrib.get("type") or "").strip().lower()
        if "alternate" not in rels or kind_of not in _FEED_TYPES:
            continue
        target = _absolute(base, link.attrib.get("href"))
        title = " ".join((link.attrib.get("title") or "").split())
        if not target or "comments" in title.lower() or "/comments/feed" in target:
            continue
        label = "Atom" if "atom" in kind_of else "RSS"
        if _EVENTISH_RE.search(urlsplit(target).path + urlsplit(target).query + " " + title):
            found.add("rss", "rss", target, f'an {label} feed of events: "{title}"')
        else:
            found.add("site-feed", "rss", target, f'the site\'s {label} feed "{title}" (it does not say it is events)')


def _offer_google_calendars(found: _Offers, page: parsel.Selector, base: str) -> None:
    """Google Calendar embeds (and links to a calendar: subscribe buttons) -> its public iCalendar address."""
    for element in page.xpath("//iframe[@src or @data-src] | //a[@href]"):
        src = element.attrib.get("src") or element.attrib.get("data-src") or element.attrib.get("href")
        target = _absolute(base, src)
        if not target or "google.com" not in urlsplit(target).netloc or "/calendar" not in urlsplit(target).path:
            continue
        what = "embed" if element.root.tag == "iframe" else "link"
        for ics, calendar_id in _google_calendars(target):
            found.add("gcal", "ical", ics, f"a Google Calendar {what} of {calendar_id}: its public iCalendar address")


# --------------------------------------------------------------------------- the entry


def guess_timezone(html: str) -> str | None:
    """An IANA zone the page names (a calendar embed's ctz, a `timezone` setting), if any."""
    for m in _ZONE_RE.finditer(html or ""):
        name = unquote(m.group(1).replace("\\/", "/"))
        try:
            ZoneInfo(name)
        except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError
            continue
        return name
    return None


def page_title(html: str) -> str | None:
    """The page's <title>, without the part naming the site section ("Events – Chamber" -> "Chamber")."""
    try:
        title = parsel.Selector(text=html or "<html/>", type="html").xpath("normalize-space(//title)").get()
    except Exception:  # noqa: BLE001
        return None
    if not title:
        return None
    parts = [p.strip() for p in re.split(r"\s+[|\u2013\u2014-]\s+", title) if p.strip()]
    return parts[-1] if parts else None


def default_key(url: str) -> str:
    """A sources.toml key from the site's host: https://www.example-chamber.org/events/ -> example-chamber."""
    host = (urlsplit(url).hostname or "source").lower()
    labels = [p for p in host.split(".") if p]
    if labels and labels[0] in ("www", "web", "events", "calendar", "m"):
        labels = labels[1:]
    if len(labels) > 1:
        labels = labels[:-1]
    key = re.sub(r"[^a-z0-9_-]+", "-", "-".join(labels)).strip("-")
    return key or "source"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def sources_entry(offer: Offer, key: str, timezone_guess: str | None, name: str | None = None) -> str:
    """A ready `[sources.KEY]` table (TOML) for offer; the zone is marked when it is a guess or unknown."""
    key = _toml_key(key)
    lines = [f"# {offer.evidence}", f"[sources.{key}]"]
    if name:
        lines.append(f"name = {_toml_value(name)}")
    lines += [f"spider = {_toml_value(offer.spider)}", f"urls = [{_toml_value(offer.url)}]"]
    if timezone_guess:
        lines.append(f"timezone = {_toml_value(timezone_guess)}")
    else:
        lines.append('timezone = "UTC"  # not found on the page: set the publisher\'s IANA zone')
    if offer.options:
        lines += ["", f"[sources.{key}.{offer.spider}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in offer.options.items()]
    return "\n".join(lines) + "\n"
