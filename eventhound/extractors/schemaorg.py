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
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import re
from urllib.parse import urldefrag, urljoin

import lxml.etree

from eventhound.extractors.base import Context, Extraction

# --------------------------------------------------------------------------- types

EVENT_TYPES = frozenset(
    {
        "Event", "BusinessEvent", "ChildrensEvent", "ComedyEvent", "CourseInstance", "DanceEvent",
        "DeliveryEvent", "EducationEvent", "EventSeries", "ExhibitionEvent", "Festival",
        "FoodEvent", "Hackathon", "LiteraryEvent", "MusicEvent", "PublicationEvent",
        "BroadcastEvent", "OnDemandEvent", "SaleEvent", "ScreeningEvent", "SocialEvent",
        "SportsEvent", "TheaterEvent", "VisualArtsEvent", "ConferenceEvent",
    }
)
# Types whose itemListElement are not a list of things to follow.
_NOT_LISTS = frozenset({"BreadcrumbList", "HowToSection", "HowToStep", "OfferCatalog"})

_MAX_DEPTH = 40
_MAX_LIST = 2000

_LOCATION_KEYS = (
    "venue_name", "street", "city", "region", "postal_code", "country",
    "latitude", "longitude", "online_url",
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
_URL_PROPS = frozenset({"url", "sameAs", "image", "logo", "item", "mainEntityOfPage", "eventStatus",
                        "eventAttendanceMode", "availability"})
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


def _items_from_tree(root, rdfa: bool) -> list[dict]:
    """Top-level items as JSON-LD-like dicts: {"@type": [...], prop: [values...]}."""
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


def _mf_url(el, collector: "_Collector") -> str | None:
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


def _hcalendar_events(root, collector: "_Collector") -> None:
    for el in root.iter():
        if not isinstance(el.tag, str) or not (_classes(el) & _MF_EVENT):
            continue
        raw: dict = {}

        def put(key, value):
            if value:
                raw[key] = value

        put("title", _mf_text(_mf_first(el, "summary", "p-name")))
        put("description", _mf_text(_mf_first(el, "description", "p-description", "e-content", "p-summary")))
        put("start_text", _mf_datetime(_mf_first(el, "dtstart", "dt-start")))
        put("end_text", _mf_datetime(_mf_first(el, "dtend", "dt-end")))
        put("url", _mf_url(_mf_first(el, "url", "u-url"), collector))
        uid = _mf_first(el, "uid", "u-uid")
        put("own_id", (_mf_url(uid, collector) if uid is not None and uid.tag.lower() == "a" else _mf_text(uid))
            or raw.get("url"))
        location = _mf_first(el, "location", "p-location")
        if location is not None:
            if _classes(location) & {"vcard", "h-card", "adr", "h-adr"}:
                # A card: its name is the venue, its address parts are the address.
                put("venue_name", _mf_text(_mf_first(location, "fn", "org", "p-name", "p-org")))
            else:
                put("venue_name", _mf_text(location))
            for key, names in (("street", ("street-address", "p-street-address")),
                               ("city", ("locality", "p-locality")),
                               ("region", ("region", "p-region")),
                               ("postal_code", ("postal-code", "p-postal-code")),
                               ("country", ("country-name", "p-country-name"))):
                put(key, _mf_text(_mf_first(location, *names)))
            for key in ("latitude", "longitude"):
                put(key, _mf_text(_mf_first(location, key, "p-" + key)))
        collector.emit(raw, {}, has_children=False)


# --------------------------------------------------------------------------- mapping


def _norm_title(title: str) -> str:
    return " ".join(html_lib.unescape(title).split()).casefold()


class _Collector:
    def __init__(self, url: str, base: str):
        self.base = base
        self.page = urldefrag(url)[0].rstrip("/")
        self.events: list[dict] = []
        self.follow: list[str] = []
        self.errors: list[str] = []
        self.index: dict[str, dict] = {}
        self._follow_seen: set[str] = set()
        self._event_keys: set[tuple] = set()
        self._cross_keys: set[tuple] = set()  # (title, start date) of JSON-LD events
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

    def emit(self, raw: dict, node: dict, has_children: bool) -> None:
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

    def map_event(self, node: dict) -> dict:
        raw: dict = {}

        def put(key, value):
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
            for key, prop in (("street", "streetAddress"), ("city", "addressLocality"),
                              ("region", "addressRegion"), ("postal_code", "postalCode")):
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


# --------------------------------------------------------------------------- entry point


def looks_like(text: str) -> bool:
    """Any HTML page may carry schema.org markup."""
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<meta", "<script", "<div", "<body", "<!--"))


def extract(text: str | bytes, url: str, context: Context | None = None) -> Extraction:
    """The format interface (eventhound.formats): schema.org needs nothing from the context."""
    return extract_schemaorg(text, url)


def extract_schemaorg(html: str | bytes, url: str) -> Extraction:
    """Events, dateless event URLs to follow, the next page and read errors of one page."""
    try:
        return _extract(html, url or "")
    except Exception:  # noqa: BLE001 - never raise on a page
        return Extraction(errors=["extract_failed"])


def _extract(html: str | bytes, url: str) -> Extraction:
    if isinstance(html, (bytes, bytearray, memoryview)):
        text = _decode(bytes(html))
    elif isinstance(html, str):
        text = html
    else:
        return Extraction(errors=["not_text"])
    result = Extraction()
    if not text:
        return result

    base = url
    m = _BASE_RE.search(text) if "<base" in text else None
    if m:
        try:
            base = urljoin(url, _attr_value(m))
        except ValueError:
            pass
    collector = _Collector(url, base)

    # JSON-LD
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

    # Microdata and RDFa: only when the page names a schema.org Event type in them.
    want_md = _has_event_microdata(text)
    want_rdfa = _has_event_rdfa(text)
    want_mf = _has_hcalendar(text)
    root = None
    if want_md or want_rdfa or want_mf:
        try:
            root = _parse_tree(text)
        except Exception:  # noqa: BLE001
            root = None
            collector.errors.append("html_unparseable")
        for wanted, rdfa, name in ((want_md, False, "microdata"), (want_rdfa, True, "rdfa")):
            if not wanted or root is None:
                continue
            try:
                items = _items_from_tree(root, rdfa)
                collector.syntax = name
                collector.index = {}
                collector.build_index(items)
                collector.walk(items)
            except Exception:  # noqa: BLE001
                collector.errors.append(f"{name}_failed")
        if want_mf and root is not None:
            try:
                # Not again what JSON-LD, microdata or RDFa already gave (same title and start date).
                collector._cross_keys.update((_norm_title(e["title"]), e["start_text"][:10]) for e in collector.events)
                collector.syntax = "hcalendar"
                _hcalendar_events(root, collector)
            except Exception:  # noqa: BLE001
                collector.errors.append("hcalendar_failed")

    # rel=next
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
