"""schema.org Event extraction: JSON-LD, microdata and RDFa (Lite) -> raw events; also hCalendar.

Pure function of (html, url): no Scrapy, no clock, no network.  The result's events are
raw events as described in docs/architecture.md (strings as published, URLs absolute).

Speed: JSON-LD is found with a regular expression over the page text and parsed with
``json`` (no DOM).  The page is parsed with lxml only when a cheap check finds
microdata or RDFa markup that names a schema.org Event type, or a microformats event
(hCalendar ``class="vevent"``, microformats2 ``class="h-event"``).

hCalendar: ``summary``/``p-name`` -> title, ``dtstart``/``dt-start`` and ``dtend``/``dt-end``
(value-class pattern: a ``value-title`` title, ``value`` parts, else an ``abbr`` title, a
``time`` datetime, or the text), ``location``/``p-location`` (a nested h-card/adr gives
venue and address), ``url``/``u-url``, ``description``/``p-description``/``e-content``,
``uid``/``u-uid`` -> own_id. Hidden markup (``display:none``) is read like any other. An
hCalendar event that has the same title and start date as one already read from JSON-LD,
microdata or RDFa is left out.

eventSchedule (schema.org ``Schedule``, JSON-LD or microdata; a list is several series):
expanded like an iCalendar series by eventhound/series.py, within the window of the
source's ``[sources.KEY.schemaorg]`` table (``window_days_back`` 30, ``window_days_ahead``
365), so only with a context (``extract``; ``extract_schemaorg`` without one reads the
event's startDate alone). The Schedule becomes an RRULE: ``repeatFrequency`` (P1D, P1W,
P2W, P1M, P1Y, or a word: Weekly, Monthly, ...) -> FREQ/INTERVAL; ``byDay`` (DayOfWeek
URLs or names, or iCal's MO / 2MO) -> BYDAY, each plain day in each ``byMonthWeek`` (1..5,
-1: "the second Monday" is BYDAY=2MO, monthly); ``byMonthDay``, ``byMonth``;
``repeatCount`` -> COUNT; ``endDate`` -> UNTIL (the end of that day). Without a frequency
the finest part named gives it (byDay: weekly). The first occurrence is the first date the
rule matches from ``startDate`` (the Schedule's, else the event's own); a rule that names
its days (weekly on Tuesdays, monthly on the 2nd Monday) needs no start date. Times:
``startTime``/``endTime`` (else the event's own startDate/endDate times; else
``duration``), wall times in ``scheduleTimezone`` (an IANA zone; without one, the source's
zone, written without offset). ``exceptDate``: a Date removes that day's occurrence, a
DateTime the occurrence starting then. Each occurrence is a raw event with the event's
fields, ``series_id`` (the event's @id or url; ``#schedule-N`` when it has several),
``rrule`` and ``own_id`` = "<series_id>#<start as ISO>"; a Schedule with no repetition is
one event, kept however far ahead it is. Reason codes: ``event_schedule_unsupported`` (a
Schedule that cannot be placed: no day the rule could start from, a rule that matches no
date, a frequency under a day; the event's own startDate, if any, is read instead),
``event_schedule_unreadable``, ``event_schedule_too_frequent``, ``occurrences_capped``.

The page's own words (eventhound/crosscheck.py, with the context's now and zone): a start
that is a date alone, a time without offset or a malformed time is checked against the
times stated for its day by the words tied to the event — its description, the element
that carries its microdata / RDFa / hCalendar, and the page's visible text when the page
holds this one event (never a listing's text, which may state another event's time).
Warnings: ``start_time_from_page_repaired`` (the time of a date-only start taken from the
text), ``naive_markup_time_was_utc_repaired`` (a naive time one zone offset away from the
stated one is UTC), ``broken_markup_time_read_by_page_repaired`` ("T08-08-30-00" read as
the 08:30 the text states). Where the text states a time that nothing explains, the
markup wins. A check that fails unforeseen is ``cross_check_failed`` (events as published).
"""

from __future__ import annotations

import codecs
import functools
import html as html_lib
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urldefrag, urljoin
from zoneinfo import ZoneInfo

import lxml.etree

from eventhound import crosscheck, series
from eventhound.extractors.base import Context, Extraction
from eventhound.extractors.ical import iana_name

NAME = "schemaorg"
DETECTION = 240  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = series.WINDOW_OPTIONS  # [sources.KEY.schemaorg]: the window eventSchedule is expanded in

# --------------------------------------------------------------------------- types

EVENT_TYPES = frozenset(
    {
        "Event",
        "BusinessEvent",
        "ChildrensEvent",
        "ComedyEvent",
        "CourseInstance",
        "DanceEvent",
        "DeliveryEvent",
        "EducationEvent",
        "EventSeries",
        "ExhibitionEvent",
        "Festival",
        "FoodEvent",
        "Hackathon",
        "LiteraryEvent",
        "MusicEvent",
        "PublicationEvent",
        "BroadcastEvent",
        "OnDemandEvent",
        "SaleEvent",
        "ScreeningEvent",
        "SocialEvent",
        "SportsEvent",
        "TheaterEvent",
        "VisualArtsEvent",
        "ConferenceEvent",
    }
)
# Types whose itemListElement are not a list of things to follow.
_NOT_LISTS = frozenset({"BreadcrumbList", "HowToSection", "HowToStep", "OfferCatalog"})

_MAX_DEPTH = 40
_MAX_LIST = 2000

_LOCATION_KEYS = (
    "venue_name",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "online_url",
)
_ORGANIZER_KEYS = ("organizer", "organizer_url")


def _bare(name: str) -> str:
    """'http://schema.org/BusinessEvent', 'schema:Event' -> bare local name."""
    name = name.strip()
    for sep in ("/", "#", ":"):
        if sep in name:
            name = name.rsplit(sep, 1)[1]
    return name


def _is_event_type(name: str) -> bool:
    return name in EVENT_TYPES or name.endswith("Event")


def _types(node: dict) -> list[str]:
    out = []
    for t in _listify(node.get("@type")):
        if isinstance(t, str) and t.strip():
            out.append(_bare(t))
    return out


def _listify(value) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value[:_MAX_LIST]
    return [value]


def _text(value, _depth: int = 0) -> str | None:
    """The first string in value (a string, number, list or {"@value": ...}), trimmed."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if _depth > 4:
        return None
    if isinstance(value, list):
        for v in value[:50]:
            s = _text(v, _depth + 1)
            if s:
                return s
        return None
    if isinstance(value, dict):
        for key in ("@value", "@id"):
            if key in value:
                s = _text(value[key], _depth + 1)
                if s:
                    return s
        for k, v in value.items():
            if not k.startswith("@") and isinstance(v, str) and v.strip():
                return v.strip()
    return None


def _flag(value) -> str | None:
    """isAccessibleForFree as published: JSON booleans become 'true' / 'false'."""
    for v in _listify(value)[:1]:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, dict):
            v = v.get("@value")
            if isinstance(v, bool):
                return "true" if v else "false"
        return _text(v)
    return None


_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")


def _number(text: str) -> float | None:
    m = _NUMBER_RE.search(text)
    if not m:
        return None
    try:
        return float(m.group().replace(",", "."))
    except ValueError:
        return None


# --------------------------------------------------------------------------- text

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET_RE.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), "replace")
        except (LookupError, UnicodeError):
            pass
    return data.decode("cp1252", "replace")


_BASE_RE = re.compile(r"""<base\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_HREF_RE = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# Right before a 'next' anchor: the rel attribute it is a token of.
_REL_BEFORE_RE = re.compile(r"""\srel\s*=\s*["']?(?:[^"'<>]*?\s)?\Z""", re.I)
_LINK_OR_A_RE = re.compile(r"<(?:link|a)\b", re.I)


def _anchors(text: str, words: tuple[str, ...]):
    """Positions of literal words in text.

    str.find is 10-30x faster than a case-insensitive regex scan; the anchors are the
    spellings pages actually use (lowercase markup, React's itemType).
    """
    for word in words:
        i = text.find(word)
        while i != -1:
            yield i
            i = text.find(word, i + 1)


def _next_page(text: str, base: str, page: str) -> str | None:
    """The href of the first <link rel=next> / <a rel=next> that leads to another page."""
    found = []
    for i in _anchors(text, ("next",)):
        if text[i + 4 : i + 5].isalnum() or text[i - 1 : i].isalnum():
            continue
        if not _REL_BEFORE_RE.search(text, max(0, i - 200), i):
            continue
        start = text.rfind("<", 0, i)
        end = text.find(">", i)
        if start == -1 or end == -1 or ">" in text[start:i] or not _LINK_OR_A_RE.match(text, start):
            continue
        found.append((start, text[start : end + 1]))
    for _, tag in sorted(found):
        h = _HREF_RE.search(tag)
        if not h:
            continue
        href = _attr_value(h)
        if not href or href.startswith("#") or href.lower().startswith("javascript:"):
            continue
        try:
            nxt = urljoin(base, href)
        except ValueError:
            continue
        if _is_http(nxt) and urldefrag(nxt)[0].rstrip("/") != page:
            return nxt
    return None


def _attr_value(m: re.Match) -> str:
    return html_lib.unescape(next(g for g in m.groups() if g is not None)).strip()


def _is_http(url: str) -> bool:
    return url[:7].lower() == "http://" or url[:8].lower() == "https://"


# --------------------------------------------------------------------------- JSON-LD text

_SCRIPT_OPEN_RE = re.compile(r"""<script\b[^>]*?\stype\s*=\s*["']?\s*application/\Z""", re.I)
_SCRIPT_CLOSE_RE = re.compile(r"</script\s*>", re.I)


def _jsonld_blocks(text: str):
    """The text of every <script type="application/ld+json"> element, in page order."""
    hits = sorted(_anchors(text, ("ld+json",)))
    pos = 0
    for i in hits:
        if i < pos:
            continue
        start = text.rfind("<", max(0, i - 300), i)
        if start == -1 or not _SCRIPT_OPEN_RE.match(text[start:i]):
            continue
        body = text.find(">", i)
        if body == -1:
            return
        close = _SCRIPT_CLOSE_RE.search(text, body + 1)
        end = close.start() if close else len(text)
        yield text[body + 1 : end]
        pos = close.end() if close else len(text)


_PREFIX_RE = re.compile(r"\A\s*(?:<!--|(?://|/\*)?\s*<!\[CDATA\[\s*(?:\*/)?)")
_SUFFIX_RE = re.compile(r"(?:-->|(?://|/\*)?\s*\]\]>\s*(?:\*/)?|;)\s*\Z")
# A JSON string, or a run of anything else.
_TOKEN_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^"]+|"', re.S)
_TRAILING_COMMA_RE = re.compile(r",(\s*[}\]])")
_DOUBLE_COMMA_RE = re.compile(r"([\[{,]\s*),")
_ADJACENT_RE = re.compile(r"([}\]])(\s*)(?=[{\[])")
_COMMENT_RE = re.compile(r"/\*.*?\*/|(?<![:\w])//[^\n]*", re.S)
_BAD_ESCAPE_RE = re.compile(r'\\(u(?![0-9a-fA-F]{4})|[^"\\/bfnrtu])', re.S)
_DECODER = json.JSONDecoder(strict=False)


def _strip_wrappers(text: str) -> str:
    for _ in range(6):
        new = _SUFFIX_RE.sub("", _PREFIX_RE.sub("", text, count=1), count=1).strip()
        if new == text:
            break
        text = new
    return text


def _fix_escape(m: re.Match) -> str:
    c = m.group(1)
    return "\\\\u" if c == "u" else c


def _repair(text: str) -> str:
    """String-aware repairs: comments, trailing/double commas, '}{', invalid escapes."""
    out = []
    for tok in _TOKEN_RE.findall(text):
        if tok[0] == '"' and len(tok) > 1:
            out.append(_BAD_ESCAPE_RE.sub(_fix_escape, tok) if "\\" in tok else tok)
        else:
            tok = _COMMENT_RE.sub("", tok)
            tok = _TRAILING_COMMA_RE.sub(r"\1", tok)
            tok = _DOUBLE_COMMA_RE.sub(r"\1", tok)
            tok = _ADJACENT_RE.sub(r"\1,\2", tok)
            out.append(tok)
    return "".join(out)


def _decode_all(text: str) -> tuple[list, bool]:
    """Every JSON value in text (concatenated objects allowed); ok=False if some failed."""
    values = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n,;":
            i += 1
        if i >= n:
            return values, True
        try:
            value, i = _DECODER.raw_decode(text, i)
        except (ValueError, RecursionError):
            return values, False
        values.append(value)


def _parse_jsonld(raw: str) -> tuple[list, str | None]:
    """Parsed values of one script block and an error code (None if all was read)."""
    try:
        return [json.loads(raw)], None
    except (ValueError, RecursionError):
        pass
    text = _strip_wrappers(raw)
    if not text:
        return [], None
    best: list = []
    candidates = [text]
    if "&" in text:
        candidates.append(html_lib.unescape(text))
    for candidate in candidates:
        for attempt in (candidate, _repair(candidate)):
            values, ok = _decode_all(attempt)
            if ok and values:
                return values, None
            if len(values) > len(best):
                best = values
    if best:
        return best, "jsonld_partial"
    return [], "jsonld_unparseable"


# --------------------------------------------------------------------------- microdata / RDFa

_EVENTISH = r"(?:\w*Event|Festival|Hackathon|CourseInstance|EventSeries)\b"
_MICRODATA_AT = re.compile(r"""itemtype\s*=\s*["']?[^"'>]*schema\.org/""" + _EVENTISH, re.I)
_RDFA_AT = re.compile(r"""typeof\s*=\s*["']?[^"'>]*?\b""" + _EVENTISH, re.I)


def _has_event_microdata(text: str) -> bool:
    return any(_MICRODATA_AT.match(text, i) for i in _anchors(text, ("itemtype", "itemType")))


def _has_event_rdfa(text: str) -> bool:
    if "schema.org" not in text:
        return False
    return any(_RDFA_AT.match(text, i) for i in _anchors(text, ("typeof",)))


_MICROFORMAT_AT = re.compile(r"""class\s*=\s*(?:"[^"]*|'[^']*|)\b(?:vevent|h-event)\b""", re.I)


def _has_hcalendar(text: str) -> bool:
    if "vevent" not in text and "h-event" not in text:
        return False
    return _MICROFORMAT_AT.search(text) is not None


# Properties whose <a href> is their value; for other properties an <a>'s text is.
_URL_PROPS = frozenset(
    {"url", "sameAs", "image", "logo", "item", "mainEntityOfPage", "eventStatus", "eventAttendanceMode", "availability"}
)
_SRC_TAGS = frozenset({"audio", "embed", "iframe", "img", "source", "track", "video"})


def _parse_tree(text: str):
    parser = lxml.etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True
    )
    return lxml.etree.fromstring(text.encode("utf-8", "replace"), parser)


def _node_text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _prop_value(el, prop: str, rdfa: bool):
    """The value of a microdata itemprop / RDFa property element (no nested item)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower()
    if rdfa:
        if el.get("content") is not None:
            return el.get("content")
        for attr in ("href", "src", "resource"):
            v = el.get(attr)
            if v is not None and (tag != "a" or prop in _URL_PROPS or not _node_text(el)):
                return v
        if tag == "time" and el.get("datetime"):
            return el.get("datetime")
        return _node_text(el)
    if tag == "meta":
        return el.get("content", "")
    if tag in _SRC_TAGS:
        return el.get("src", "")
    if tag in ("a", "area", "link"):
        href = el.get("href")
        if tag == "a" and prop not in _URL_PROPS:
            text = _node_text(el)
            if text or href is None:
                return text
        return href or ""
    if tag == "object":
        return el.get("data", "")
    if tag in ("data", "meter"):
        return el.get("value", "")
    if tag == "time":
        return el.get("datetime") or _node_text(el)
    if el.get("content"):
        return el.get("content")
    return _node_text(el)


def _items_from_tree(root, rdfa: bool, elements: dict | None = None) -> list[dict]:
    """Top-level items as JSON-LD-like dicts: {"@type": [...], prop: [values...]}.

    elements, when given, gets each item's element by the item's id() (its own words, for the cross-check)."""
    if root is None:
        return []
    if rdfa:
        scope_attr, prop_attr, type_attr = "typeof", "property", "typeof"
        nodes = root.xpath("//*[@typeof or @property]")
    else:
        scope_attr, prop_attr, type_attr = "itemscope", "itemprop", "itemtype"
        nodes = root.xpath("//*[@itemscope or @itemprop]")
    items: dict = {}
    tops: list[dict] = []
    for el in nodes:
        owner = None
        for anc in el.iterancestors():
            if anc.get(scope_attr) is not None:
                owner = items.get(anc)
                break
        props = [_bare(p) for p in (el.get(prop_attr) or "").split()]
        if el.get(scope_attr) is not None:
            item: dict = {"@type": [_bare(t) for t in (el.get(type_attr) or "").split()]}
            ident = el.get("resource") or el.get("about") if rdfa else el.get("itemid")
            if ident and not ident.startswith("_:"):
                item["@id"] = ident.strip()
            items[el] = item
            if elements is not None:
                elements[id(item)] = el
            if owner is None or not props:
                tops.append(item)
            else:
                for p in props:
                    owner.setdefault(p, []).append(item)
        elif owner is not None:
            for p in props:
                owner.setdefault(p, []).append(_prop_value(el, p, rdfa))
    return tops


# --------------------------------------------------------------------------- hCalendar

_MF_EVENT = frozenset({"vevent", "h-event"})


def _classes(el) -> frozenset[str]:
    value = el.get("class") if isinstance(el.tag, str) else None
    return frozenset(value.split()) if value else frozenset()


def _mf_props(root, names: frozenset[str]) -> list:
    """Descendants of an event element with one of the class names, not inside a nested event."""
    found = []
    stack = list(reversed(root))  # depth first, in document order
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        classes = _classes(el)
        if classes & names:
            found.append(el)
        if classes & _MF_EVENT:
            continue  # a nested event's properties are its own
        stack.extend(reversed(el))
    return found


def _mf_first(root, *names: str):
    found = _mf_props(root, frozenset(names))
    return found[0] if found else None


def _mf_text(el) -> str | None:
    if el is None:
        return None
    tag = el.tag.lower()
    if tag == "abbr" and el.get("title"):
        return el.get("title").strip() or None
    if tag in ("data", "input") and el.get("value"):
        return el.get("value").strip() or None
    if tag == "img" and el.get("alt"):
        return el.get("alt").strip() or None
    return _node_text(el) or None


def _mf_datetime(el) -> str | None:
    """A dt property by the value-class pattern, else its abbr title, time datetime or text."""
    if el is None:
        return None
    titles = [v.get("title") for v in el.iter() if isinstance(v.tag, str) and "value-title" in _classes(v)]
    if titles and titles[0] and titles[0].strip():
        return titles[0].strip()
    parts = []
    for v in el.iter():
        if v is not el and isinstance(v.tag, str) and "value" in _classes(v):
            part = v.get("datetime") if v.tag.lower() in ("time", "ins", "del") else None
            part = part or (v.get("title") if v.tag.lower() == "abbr" else None) or _mf_text(v)
            if part:
                parts.append(part.strip())
    if parts:
        return " ".join(parts)
    tag = el.tag.lower()
    if tag in ("time", "ins", "del") and el.get("datetime"):
        return el.get("datetime").strip()
    return _mf_text(el)


def _mf_url(el, collector: _Collector) -> str | None:
    if el is None:
        return None
    tag = el.tag.lower()
    value = None
    if tag in ("a", "area", "link"):
        value = el.get("href")
    elif tag in ("img", "audio", "video", "source", "iframe"):
        value = el.get("src")
    elif tag == "object":
        value = el.get("data")
    value = value or _mf_text(el)
    return collector.abs_url(value) if value else None


def _hcalendar_events(root, collector: _Collector) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str) or not (_classes(el) & _MF_EVENT):
            continue
        raw: dict = {}

        def put(key, value, raw=raw):  # this event's record (bound now, not by the loop)
            if value:
                raw[key] = value

        put("title", _mf_text(_mf_first(el, "summary", "p-name")))
        put("description", _mf_text(_mf_first(el, "description", "p-description", "e-content", "p-summary")))
        put("start_text", _mf_datetime(_mf_first(el, "dtstart", "dt-start")))
        put("end_text", _mf_datetime(_mf_first(el, "dtend", "dt-end")))
        put("url", _mf_url(_mf_first(el, "url", "u-url"), collector))
        uid = _mf_first(el, "uid", "u-uid")
        put(
            "own_id",
            (_mf_url(uid, collector) if uid is not None and uid.tag.lower() == "a" else _mf_text(uid))
            or raw.get("url"),
        )
        location = _mf_first(el, "location", "p-location")
        if location is not None:
            if _classes(location) & {"vcard", "h-card", "adr", "h-adr"}:
                # A card: its name is the venue, its address parts are the address.
                put("venue_name", _mf_text(_mf_first(location, "fn", "org", "p-name", "p-org")))
            else:
                put("venue_name", _mf_text(location))
            for key, names in (
                ("street", ("street-address", "p-street-address")),
                ("city", ("locality", "p-locality")),
                ("region", ("region", "p-region")),
                ("postal_code", ("postal-code", "p-postal-code")),
                ("country", ("country-name", "p-country-name")),
            ):
                put(key, _mf_text(_mf_first(location, *names)))
            for key in ("latitude", "longitude"):
                put(key, _mf_text(_mf_first(location, key, "p-" + key)))
        collector.emit(raw, {}, has_children=False, element=el)


# --------------------------------------------------------------------------- mapping


def _norm_title(title: str) -> str:
    return " ".join(html_lib.unescape(title).split()).casefold()


class _Collector:
    def __init__(self, url: str, base: str, context: Context | None = None):
        self.context = context  # now, zone and window for eventSchedule; None: schedules are not expanded
        self.budget = series.Budget()
        self.base = base
        self.page = urldefrag(url)[0].rstrip("/")
        self.events: list[dict] = []
        self.follow: list[str] = []
        self.errors: list[str] = []
        self.index: dict[str, dict] = {}
        self._follow_seen: set[str] = set()
        self._event_keys: set[tuple] = set()
        self._cross_keys: set[tuple] = set()  # (title, start date) of JSON-LD events
        self.node_elements: dict[int, object] = {}  # id(item) -> its element, for the syntax being walked
        self.event_elements: dict[int, object] = {}  # id(raw event) -> the element that holds it
        self.syntax = "jsonld"

    # ---- helpers

    def abs_url(self, value) -> str | None:
        s = _text(value)
        if not s:
            return None
        try:
            return urljoin(self.base, s)
        except ValueError:
            return s

    def own_id(self, node: dict) -> str | None:
        ident = node.get("@id")
        if not isinstance(ident, str) or not ident.strip() or ident.startswith("_:"):
            return None
        ident = ident.strip()
        if re.match(r"[A-Za-z][\w+.-]*:", ident):
            return ident
        return self.abs_url(ident)

    def deref(self, value):
        if isinstance(value, dict) and "@id" in value and len(value) <= 2 and set(value) <= {"@id", "@type"}:
            target = self.index.get(value["@id"]) if isinstance(value["@id"], str) else None
            if target is not None:
                return target
        return value

    def build_index(self, node, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(node, list):
            for v in node[:_MAX_LIST]:
                self.build_index(v, depth + 1)
        elif isinstance(node, dict):
            ident = node.get("@id")
            if (
                isinstance(ident, str)
                and ident not in self.index
                and any(k not in ("@id", "@type", "@context") for k in node)
            ):
                self.index[ident] = node
            for k, v in node.items():
                if isinstance(v, (dict, list)) and k != "@context":
                    self.build_index(v, depth + 1)

    def add_follow(self, value) -> None:
        url = self.abs_url(value)
        if not url or not _is_http(url):
            return
        url = urldefrag(url)[0]
        if url.rstrip("/") == self.page or url in self._follow_seen:
            return
        self._follow_seen.add(url)
        self.follow.append(url)

    # ---- walking

    def walk(self, node, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(node, list):
            for v in node[:_MAX_LIST]:
                self.walk(v, depth + 1)
            return
        if not isinstance(node, dict):
            return
        if "@graph" in node:
            self.walk(node["@graph"], depth + 1)
        types = _types(node)
        if any(_is_event_type(t) for t in types):
            self.event(node, None, depth)
            return
        if _NOT_LISTS.intersection(types):
            return
        if "itemListElement" in node:
            self.item_list(node, depth)
            return
        for k, v in node.items():
            if k[:1] != "@" and isinstance(v, (dict, list)):
                self.walk(v, depth + 1)

    def item_list(self, node: dict, depth: int) -> None:
        for el in _listify(node.get("itemListElement")):
            el = self.deref(el)
            if isinstance(el, str):
                self.add_follow(el)
                continue
            if not isinstance(el, dict):
                continue
            types = _types(el)
            if any(_is_event_type(t) for t in types):
                self.event(el, None, depth + 1)
            elif not types or "ListItem" in types:
                item = self.deref(el.get("item"))
                if isinstance(item, str):
                    self.add_follow(item)
                elif isinstance(item, dict):
                    if _types(item):
                        self.walk(item, depth + 1)
                    else:
                        self.add_follow(item.get("url") or item.get("@id"))
                elif el.get("url"):
                    self.add_follow(el.get("url"))
            else:
                self.walk(el, depth + 1)

    def event(self, node: dict, parent: dict | None, depth: int) -> None:
        raw = self.map_event(node)
        if parent:
            if not any(k in raw for k in _LOCATION_KEYS):
                raw.update({k: parent[k] for k in _LOCATION_KEYS if k in parent})
            if not any(k in raw for k in _ORGANIZER_KEYS):
                raw.update({k: parent[k] for k in _ORGANIZER_KEYS if k in parent})
        subs = [self.deref(s) for s in _listify(node.get("subEvent")) + _listify(node.get("subEvents"))]
        subs = [s for s in subs if isinstance(s, dict)]
        self.emit(raw, node, has_children=bool(subs))
        if depth < _MAX_DEPTH:
            for sub in subs:
                types = _types(sub)
                if not types or any(_is_event_type(t) for t in types):
                    self.event(sub, raw, depth + 1)

    def emit(self, raw: dict, node: dict, has_children: bool, element=None) -> None:
        if "eventSchedule" in node and self.emit_schedule(raw, node):
            return
        if not raw.get("start_text"):
            # A dateless container (EventSeries, conference) is read through its subEvents.
            url = raw.get("url")
            if has_children:
                pass
            elif url and urldefrag(url)[0].rstrip("/") != self.page and _is_http(url):
                self.add_follow(url)
            else:
                self.errors.append("event_without_start")
            if "eventSchedule" in node:
                self.errors.append("event_schedule_unsupported")
            return
        if not raw.get("title"):
            self.errors.append("event_without_name")
            return
        key = tuple(raw.get(k) for k in ("title", "start_text", "end_text", "url", "venue_name", "street"))
        if key in self._event_keys:
            return
        cross = (_norm_title(raw["title"]), raw["start_text"][:10])
        if self.syntax == "jsonld":
            self._cross_keys.add(cross)
        elif cross in self._cross_keys:
            return  # the same event already read from the page's JSON-LD
        self._event_keys.add(key)
        self.events.append(raw)
        element = element if element is not None else self.node_elements.get(id(node))
        if element is not None:
            self.event_elements[id(raw)] = element

    def emit_schedule(self, raw: dict, node: dict) -> bool:
        """The occurrences of the event's eventSchedule within the window; False when no schedule can be placed."""
        schedules = [s for s in map(self.deref, _listify(node.get("eventSchedule"))[:20]) if isinstance(s, dict)]
        if self.context is None or not schedules or not raw.get("title"):
            return False
        events = _schedule_events(raw, node, schedules, self.page, self.context, self.budget, self.errors)
        if events is None:
            if raw.get("start_text"):  # read as the single event its startDate names
                self.errors.append("event_schedule_unsupported")
            return False
        for event in events:
            self.emit(event, {}, has_children=False)
        return True

    def map_event(self, node: dict) -> dict:
        raw: dict = {}

        def put(key, value, raw=raw):  # this event's record (bound now, not by the loop)
            if value:
                raw[key] = value

        put("title", _text(node.get("name")))
        put("description", _text(node.get("description")))
        put("start_text", _text(node.get("startDate")))
        put("end_text", _text(node.get("endDate")))
        put("url", self.abs_url(node.get("url")))
        put("own_id", self.own_id(node) or raw.get("url"))
        types = _types(node)
        put("schema_type", next((t for t in types if _is_event_type(t)), None))
        put("event_status", _text(node.get("eventStatus")))
        put("previous_start_text", _text(node.get("previousStartDate")))
        put("attendance_mode", _text(node.get("eventAttendanceMode")))
        self.map_location(node.get("location"), raw)
        self.map_organizer(node.get("organizer"), raw)
        self.map_offers(node, raw)
        return raw

    def map_location(self, value, raw: dict) -> None:
        place = None
        for loc in _listify(value)[:20]:
            loc = self.deref(loc)
            if isinstance(loc, str):
                s = loc.strip()
                if not s:
                    continue
                if _is_http(s) and " " not in s:
                    raw.setdefault("online_url", s)
                elif place is None and "venue_name" not in raw:
                    raw["venue_name"] = s
            elif isinstance(loc, dict):
                types = _types(loc)
                if "VirtualLocation" in types:
                    url = self.abs_url(loc.get("url"))
                    if url:
                        raw.setdefault("online_url", url)
                elif place is None:
                    place = loc
        if place is None:
            return
        name = _text(place.get("name"))
        if name:
            raw["venue_name"] = name
        if "PostalAddress" in _types(place):
            address = place
        else:
            address = next((self.deref(a) for a in _listify(place.get("address"))), None)
        if isinstance(address, str) and address.strip():
            raw["street"] = address.strip()
        elif isinstance(address, dict):
            for key, prop in (
                ("street", "streetAddress"),
                ("city", "addressLocality"),
                ("region", "addressRegion"),
                ("postal_code", "postalCode"),
            ):
                s = _text(address.get(prop))
                if s:
                    raw[key] = s
            country = self.deref(address.get("addressCountry"))
            if isinstance(country, dict):
                country = country.get("name") or country.get("identifier") or country.get("@value")
            s = _text(country)
            if s:
                raw["country"] = s
        geo = next((self.deref(g) for g in _listify(place.get("geo"))), None)
        source = geo if isinstance(geo, dict) else place
        for key in ("latitude", "longitude"):
            s = _text(source.get(key))
            if s:
                raw[key] = s

    def map_organizer(self, value, raw: dict) -> None:
        for org in _listify(value)[:20]:
            org = self.deref(org)
            if isinstance(org, str) and org.strip():
                raw["organizer"] = org.strip()
                return
            if isinstance(org, dict):
                name = _text(org.get("name"))
                url = self.abs_url(org.get("url"))
                if name:
                    raw["organizer"] = name
                if url:
                    raw["organizer_url"] = url
                if name or url:
                    return

    def map_offers(self, node: dict, raw: dict) -> None:
        offers = [o for o in (self.deref(o) for o in _listify(node.get("offers"))[:100]) if isinstance(o, dict)]
        lows: list[str] = []
        highs: list[str] = []
        free = _flag(node.get("isAccessibleForFree"))
        for offer in offers:
            price = _text(offer.get("price"))
            if price is None:
                spec = next((s for s in _listify(offer.get("priceSpecification")) if isinstance(s, dict)), None)
                if spec is not None:
                    price = _text(spec.get("price"))
                    if "currency" not in raw and _text(spec.get("priceCurrency")):
                        raw["currency"] = _text(spec.get("priceCurrency"))
            low = _text(offer.get("lowPrice")) or price
            high = _text(offer.get("highPrice")) or price
            if low:
                lows.append(low)
            if high:
                highs.append(high)
            currency = _text(offer.get("priceCurrency"))
            if currency and "currency" not in raw:
                raw["currency"] = currency
            url = self.abs_url(offer.get("url"))
            if url and "registration_url" not in raw:
                raw["registration_url"] = url
            if free is None:
                free = _flag(offer.get("isAccessibleForFree"))
        if lows:
            raw["price_min"] = _pick(lows, min)
        if highs:
            raw["price_max"] = _pick(highs, max)
        if free:
            raw["is_free"] = free


def _pick(values: list[str], choose) -> str:
    """The published string whose number is the min/max (the first one if none is numeric)."""
    numeric = [(n, v) for v in values if (n := _number(v)) is not None]
    if not numeric:
        return values[0]
    return choose(numeric, key=lambda pair: pair[0])[1]


# --------------------------------------------------------------------------- eventSchedule

_DAY_CODES = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
_ICAL_DAY_RE = re.compile(r"[+-]?[1-5]?(?:MO|TU|WE|TH|FR|SA|SU)", re.I)
_DURATION_FREQ = {"D": "DAILY", "W": "WEEKLY", "M": "MONTHLY", "Y": "YEARLY"}
_WORD_FREQ = {
    "daily": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "biweekly": ("WEEKLY", 2),
    "fortnightly": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1),
    "quarterly": ("MONTHLY", 3),
    "yearly": ("YEARLY", 1),
    "annually": ("YEARLY", 1),
    "annual": ("YEARLY", 1),
}
_REPEAT_RE = re.compile(r"P(\d{1,4})([DWMY])", re.I)
_CLOCK_RE = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:([ap])\.?m\b\.?)?", re.I)
_DAY_RE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_SPAN_RE = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", re.I)
# What the shared expansion reports, in this format's words.
_SCHEDULE_CODES = {
    "ical_bad_rrule": "event_schedule_unreadable",
    "ical_bad_recurrence": "event_schedule_unreadable",
    "ical_rrule_too_frequent": "event_schedule_too_frequent",
}


def _schedule_values(schedule: dict, key: str) -> list[str]:
    """Every value of a Schedule property as text (lists, numbers, {"@value"}, {"@id"}, a DayOfWeek node)."""
    out = []
    for value in _listify(schedule.get(key))[:60]:
        if isinstance(value, dict):
            value = value.get("@id") or value.get("@value") or value.get("name")
        text = _text(value)
        if text:
            out.append(text)
    return out


def _repeat(values: list[str]) -> tuple[str, int] | None:
    """(FREQ, INTERVAL) of repeatFrequency: an ISO 8601 duration (P1W, P2W, P1M, P7D) or a word (Weekly)."""
    for value in values:
        m = _REPEAT_RE.fullmatch(value.strip())
        if m and int(m.group(1)) > 0:
            n, unit = int(m.group(1)), m.group(2).upper()
            return ("WEEKLY", n // 7) if unit == "D" and n % 7 == 0 else (_DURATION_FREQ[unit], n)
        word = _bare(value).lower().replace("-", "")
        if word in _WORD_FREQ:
            return _WORD_FREQ[word]
    return None


def _numbers(values: list[str], low: int, high: int) -> list[int]:
    """The integers among values within low..high, 0 excluded, in order, once each."""
    out: list[int] = []
    for value in values:
        try:
            n = int(float(value))
        except (TypeError, ValueError, OverflowError):
            continue
        if low <= n <= high and n != 0 and n not in out:
            out.append(n)
    return out


def _weekdays(values: list[str], weeks: list[int]) -> list[str]:
    """BYDAY codes of byDay (DayOfWeek URLs or names, or iCal's MO / +2MO), each plain day in each byMonthWeek."""
    days = []
    for value in values:
        code = _DAY_CODES.get(_bare(value).lower())
        if code is None and _ICAL_DAY_RE.fullmatch(value.strip()):
            code = value.strip().upper().lstrip("+")
        if code:
            days.append(code)
    if weeks:
        days = [f"{week}{day}" if len(day) == 2 else day for week in weeks for day in days]
    return list(dict.fromkeys(days))


def _clock(text: str | None):
    """The time of day in a startTime/endTime/startDate text ("18:00", "6:30 PM", "...T18:00:00-06:00")."""
    m = _CLOCK_RE.search(text.split("T", 1)[-1]) if text else None
    if not m:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if m.group(4):
        hour = hour % 12 + (12 if m.group(4).lower() == "p" else 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        return None


def _day(text: str | None):
    """The calendar date a text starts with ("2027-01-11", "2027-01-11T18:00"), else None."""
    m = _DAY_RE.match(text) if text else None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def _span(values: list[str]):
    """An ISO 8601 duration (PT90M, PT1H30M, P1D) as a timedelta, when one of values is one and not zero."""
    for value in values:
        m = _SPAN_RE.fullmatch(value.strip())
        if m and any(m.groups()):
            days, hours, minutes, seconds = (int(g or 0) for g in m.groups())
            span = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
            if span:
                return span
    return None


def _schedule_rule(schedule: dict) -> dict | None:
    """The RRULE parts a Schedule names (FREQ first), or None when it names no repetition."""
    get = functools.partial(_schedule_values, schedule)
    weeks = _numbers(get("byMonthWeek"), -5, 5)
    days, month_days, months = (
        _weekdays(get("byDay"), weeks),
        _numbers(get("byMonthDay"), -31, 31),
        _numbers(get("byMonth"), 1, 12),
    )
    freq, interval = _repeat(get("repeatFrequency")) or (None, 1)
    if freq is None:  # no frequency: the finest part the schedule names
        freq = (
            ("MONTHLY" if weeks or month_days else "WEEKLY") if days or month_days else ("YEARLY" if months else None)
        )
    if freq is None:
        return None
    if weeks and days and freq in ("DAILY", "WEEKLY"):
        freq, interval = "MONTHLY", 1  # "the second Monday" repeats monthly whatever the frequency says
    parts = {"FREQ": freq}
    if interval > 1:
        parts["INTERVAL"] = str(interval)
    for key, values in (("BYDAY", days), ("BYMONTHDAY", month_days), ("BYMONTH", months)):
        if values:
            parts[key] = ",".join(map(str, values))
    count = _numbers(get("repeatCount"), 1, 100_000)
    if count:
        parts["COUNT"] = str(count[0])
    return parts


def _needs_start(parts: dict) -> bool:
    """Whether a rule's dates depend on its first date (an interval, a count, or no day named)."""
    freq = parts["FREQ"]
    named = {
        "DAILY": True,
        "WEEKLY": "BYDAY" in parts,
        "MONTHLY": "BYDAY" in parts or "BYMONTHDAY" in parts,
        "YEARLY": "BYMONTH" in parts and ("BYDAY" in parts or "BYMONTHDAY" in parts),
    }[freq]
    return "INTERVAL" in parts or "COUNT" in parts or not named


def _one(values: list[str]) -> str | None:
    return values[0] if values else None


def _schedule_times(schedule: dict, raw: dict, node: dict) -> tuple:
    """(first day, last day, start time, end time, duration): the Schedule's, else what the event says."""
    get = functools.partial(_schedule_values, schedule)
    event_start, event_end = raw.get("start_text"), raw.get("end_text")
    first = _day(_one(get("startDate"))) or _day(event_start)
    last = _day(_one(get("endDate")))
    if last is None and _day(event_end) and _day(event_start) and _day(event_end) > _day(event_start):
        last = _day(event_end)  # an event from one day to a later one, repeating in between
    start = _clock(_one(get("startTime"))) or _clock(event_start)
    end = _clock(_one(get("endTime"))) or _clock(event_end)
    duration = _span(get("duration")) or _span(_schedule_values(node, "duration"))
    return first, last, start, end, duration


def _schedule_zone(schedule: dict):
    """The ZoneInfo of scheduleTimezone; None (wall times in the source's zone) when absent or unknown."""
    name = iana_name(next(iter(_schedule_values(schedule, "scheduleTimezone")), None))
    return ZoneInfo(name) if name else None


def _at(day: date, clock: time | None, zone):
    """The DTSTART value: a date (no time of day), else the wall time in zone (floating when None)."""
    return day if clock is None else datetime.combine(day, clock, tzinfo=zone)


def _until(last: date, clock: time | None, zone) -> str:
    """UNTIL for the schedule's last day: a date, a floating time, or UTC (RFC 5545 3.3.10)."""
    if clock is None:
        return last.strftime("%Y%m%d")
    end_of_day = datetime.combine(last, time(23, 59, 59), tzinfo=zone)
    if zone is None:
        return end_of_day.strftime("%Y%m%dT%H%M%S")
    return end_of_day.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _exception(text: str, clock: time | None, zone):
    """An EXDATE of exceptDate: a DateTime excludes the occurrence starting then, a Date the day's occurrence."""
    day = _day(text)
    if day is None or clock is None:
        return day
    if "T" in text:
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            return moment.astimezone(zone) if moment.tzinfo and zone else moment.replace(tzinfo=zone)
    return datetime.combine(day, clock, tzinfo=zone)


def _first_match(component, rule: str):
    """The first date the rule matches from DTSTART on (DTSTART itself need not match), or None."""
    from dateutil.rrule import rrulestr

    start = component["DTSTART"].dt
    if not series.rule_can_match(component):
        return None
    begin = start if isinstance(start, datetime) else datetime.combine(start, time())
    found = next(iter(rrulestr(rule, dtstart=begin)), None)
    return found if found is None or isinstance(start, datetime) else found.date()


def _schedule_component(schedule: dict, raw: dict, node: dict, window, uid: str):
    """(VEVENT, rule text) of the series a Schedule describes, DTSTART its first occurrence; (None, None)
    when it cannot be placed: no rule and no day, or a rule whose dates hang on a start it does not give."""
    from icalendar import Event, vRecur

    parts = _schedule_rule(schedule)
    first, last, clock, end, duration = _schedule_times(schedule, raw, node)
    zone = _schedule_zone(schedule)
    if parts is None and raw.get("start_text"):
        return None, None  # no repetition: the event's own start says it all
    if first is None and (parts is None or _needs_start(parts)):
        return None, None
    if first is None:  # the rule names its days: any start before the window finds them
        first = (window.start - timedelta(days=1)).date()
    if parts is not None and last is not None and "COUNT" not in parts:
        parts["UNTIL"] = _until(last, clock, zone)
    rule = ";".join(f"{k}={v}" for k, v in parts.items()) if parts else None
    event = Event()
    event.add("UID", uid)
    event.add("DTSTART", _at(first, clock, zone))
    if rule:
        event.add("RRULE", vRecur.from_ical(rule))
        start = _first_match(event, rule)
        if start is None:
            return None, None
        del event["DTSTART"]
        event.add("DTSTART", start)
    start = event["DTSTART"].dt
    if clock is not None and end is not None:
        stop = datetime.combine(start.date(), end, tzinfo=start.tzinfo)
        event.add("DTEND", stop if stop > start else stop + timedelta(days=1))  # 22:00-01:00: the next day
    elif clock is not None and duration is not None:
        event.add("DURATION", duration)
    for text in _schedule_values(schedule, "exceptDate") if rule else []:
        excluded = _exception(text, clock, zone)
        if excluded is not None:
            event.add("EXDATE", excluded)
    return event, rule


def _schedule_occurrences(component, uid: str, window, budget, errors: list[str]) -> list[tuple]:
    """(start, end or None) of each occurrence within the window, by the shared expansion (eventhound.series)."""
    codes: list[str] = []
    series.prepare_recurrence(component, component["DTSTART"].dt, window, codes)
    found = []
    for occurrence, _ in series.occurrences(uid, [component], window, codes, budget):
        start = occurrence["DTSTART"].dt
        end = occurrence.get("DTEND").dt if occurrence.get("DTEND") is not None else None
        if end is None and occurrence.get("DURATION") is not None:
            end = start + occurrence["DURATION"].dt
        found.append((start, end))
    errors.extend(_SCHEDULE_CODES.get(code, code) for code in codes)
    return found


def _occurrence(raw: dict, start, end, series_id: str | None, rule: str | None) -> dict:
    """The raw event of one occurrence: the event's own fields, the occurrence's times and ids."""
    event = {k: v for k, v in raw.items() if k not in ("start_text", "end_text", "own_id", "previous_start_text")}
    event["start_text"] = start.isoformat()
    if isinstance(start, datetime) and end is not None and end != start:
        event["end_text"] = end.isoformat()
    zone = getattr(getattr(start, "tzinfo", None), "key", None)
    if zone:
        event["timezone"] = zone
    if rule and series_id:
        event["series_id"], event["rrule"] = series_id, rule
        event["own_id"] = series.occurrence_id(series_id, event["start_text"])
    elif raw.get("own_id"):
        event["own_id"] = raw["own_id"]
    return event


def _schedule_events(
    raw: dict, node: dict, schedules: list[dict], page: str, context: Context, budget, errors: list[str]
) -> list[dict] | None:
    """Raw events for the occurrences of an event's schedules within the window (each schedule a series);
    None when no schedule can be placed."""
    window = series.Window(context)
    base = raw.get("own_id") or f"{page}#{_norm_title(raw['title'])}"
    events: list[dict] = []
    placed = False
    for i, schedule in enumerate(schedules):
        uid = base if len(schedules) == 1 else f"{base}#schedule-{i + 1}"
        try:
            component, rule = _schedule_component(schedule, raw, node, window, uid)
        except Exception:  # noqa: BLE001 - a value no rule foresaw: this schedule alone is lost
            errors.append("event_schedule_unreadable")
            continue
        if component is None:
            continue
        placed = True
        for start, end in _schedule_occurrences(component, uid, window, budget, errors):
            events.append(_occurrence(raw, start, end, uid, rule))
    return events if placed else None


# --------------------------------------------------------------------------- the page's own words


def _cross_check(collector: _Collector, page: str, context: Context | None) -> None:
    """Each event's start checked against the words tied to it (eventhound.crosscheck): its
    description, the element that holds its microdata / RDFa / hCalendar, and the page's
    text when the page holds this one event alone. Occurrences of a schedule are left alone."""
    context = context or Context()
    events = [e for e in collector.events if not e.get("rrule") and crosscheck.checkable(e, context.timezone)]
    if not events:
        return
    page_text = crosscheck.visible_text(page) if len(collector.events) == 1 else None
    for raw in events:
        texts = [(crosscheck.visible_text(raw.get("description") or ""), True)]
        element = collector.event_elements.get(id(raw))
        if element is not None:
            texts.append((_node_text(element), True))
        if page_text:
            texts.append((page_text, False))
        collector.errors.extend(crosscheck.reconcile(raw, texts, context.now, context.timezone))


# --------------------------------------------------------------------------- entry point


def looks_like(text: str) -> bool:
    """Any HTML page may carry schema.org markup."""
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<meta", "<script", "<div", "<body", "<!--"))


def extract(text: str | bytes, url: str, context: Context | None = None) -> Extraction:
    """The format interface (eventhound.formats): the context's now, zone and window expand eventSchedule."""
    return extract_schemaorg(text, url, context)


def extract_schemaorg(html: str | bytes, url: str, context: Context | None = None) -> Extraction:
    """Events, dateless event URLs to follow, the next page and read errors of one page.

    Without a context an eventSchedule is not expanded (its event's startDate alone is read)."""
    try:
        return _extract(html, url or "", context)
    except Exception:  # noqa: BLE001 - never raise on a page
        return Extraction(errors=["extract_failed"])


def _extract(html: str | bytes, url: str, context: Context | None = None) -> Extraction:
    if isinstance(html, (bytes, bytearray, memoryview)):
        text = _decode(bytes(html))
    elif isinstance(html, str):
        text = html
    else:
        return Extraction(errors=["not_text"])
    result = Extraction()
    if not text:
        return result
    base = _base_url(text, url)
    collector = _Collector(url, base, context)
    _read_jsonld(collector, text)
    _read_dom(collector, text)
    try:
        _cross_check(collector, text, context)
    except Exception:  # noqa: BLE001 - the events stay as published
        collector.errors.append("cross_check_failed")
    try:
        result.next_page = _next_page(text, base, collector.page)
    except Exception:  # noqa: BLE001
        collector.errors.append("next_page_failed")
    result.events = collector.events
    if len(result.events) == 1 and not result.events[0].get("url") and url.startswith(("http://", "https://")):
        # The only event of a page that names no address for it: the page is its page.
        result.events[0]["url"] = urldefrag(url)[0]
    result.follow = collector.follow
    result.errors = collector.errors
    return result


def _base_url(text: str, url: str) -> str:
    """The address relative links resolve against: the page's <base href>, else its URL."""
    m = _BASE_RE.search(text) if "<base" in text else None
    if m:
        try:
            return urljoin(url, _attr_value(m))
        except ValueError:
            pass
    return url


def _read_jsonld(collector: _Collector, text: str) -> None:
    try:
        values = []
        for block in _jsonld_blocks(text):
            if not block.strip():
                continue
            parsed, error = _parse_jsonld(block)
            if error:
                collector.errors.append(error)
            values.extend(parsed)
        if values:
            collector.build_index(values)
            collector.walk(values)
    except Exception:  # noqa: BLE001
        collector.errors.append("jsonld_failed")


# The DOM syntaxes read as schema.org items: (name, is RDFa, does the page name an Event in it).
_DOM_SYNTAXES = (("microdata", False, _has_event_microdata), ("rdfa", True, _has_event_rdfa))


def _read_dom(collector: _Collector, text: str) -> None:
    """Microdata, RDFa and hCalendar: only when the page names an event in them."""
    wanted = [(name, rdfa) for name, rdfa, names_event in _DOM_SYNTAXES if names_event(text)]
    want_mf = _has_hcalendar(text)
    if not wanted and not want_mf:
        return
    try:
        root = _parse_tree(text)
    except Exception:  # noqa: BLE001
        collector.errors.append("html_unparseable")
        return
    for name, rdfa in wanted:
        _read_dom_items(collector, root, name, rdfa)
    if want_mf:
        _read_hcalendar(collector, root)


def _read_dom_items(collector: _Collector, root, name: str, rdfa: bool) -> None:
    try:
        collector.node_elements = {}
        items = _items_from_tree(root, rdfa, collector.node_elements)
        collector.syntax = name
        collector.index = {}
        collector.build_index(items)
        collector.walk(items)
        collector.node_elements = {}
    except Exception:  # noqa: BLE001
        collector.errors.append(f"{name}_failed")


def _read_hcalendar(collector: _Collector, root) -> None:
    try:
        # Not again what JSON-LD, microdata or RDFa already gave (same title and start date).
        collector._cross_keys.update((_norm_title(e["title"]), e["start_text"][:10]) for e in collector.events)
        collector.syntax = "hcalendar"
        _hcalendar_events(root, collector)
    except Exception:  # noqa: BLE001
        collector.errors.append("hcalendar_failed")
