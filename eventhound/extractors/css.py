"""css: events from plain HTML listings and detail pages, by configuration.

A page without event markup is read with the parsel selectors of its source's
`[sources.KEY.css]` table (it arrives here as `context.options`):

```toml
[sources.igb.css]
event = "div.meeting"                # one block per event (CSS; "xpath:" prefix for XPath)
title = "h3::text"                   # or title_text = "Board meeting" (a fixed title)
date = ".when::text"                 # the date text (it may hold the time and the end too)
time = ".time::text"                 # optional: a separate time text
end = ""                             # optional: the end text
location = ".where ::text"           # optional
description = ".summary ::text"      # optional
cost = ".price::text"                # optional: the cost as written ("$25 members / $40 non-members", "Free")
link = "a.more::attr(href)"          # optional: the event's own page
next = "a.next::attr(href)"          # optional: the listing's next page (read on the page)
heading = "h3.day"                   # optional: the page's date headings (elements, read on the page)
[sources.igb.css.detail]             # optional: the same keys, read on the linked page
```

Every selector but `event`, `next` and `heading` is read inside one event block. A
selector's text is all matched text nodes joined by single spaces, whitespace-normalized;
a matched element counts as all the text inside it (script and style left out), an XPath
that returns a string (`xpath:substring-before(h3, ' on ')`, EXSLT `re:replace(...)`) as that string.
`link` and `next` take the first match (an element gives its href), made absolute.

Date headings: a listing that writes a date once, as a heading above a list of times
("Tuesday, March 9, 2027", then "16:10 Resume clinic", "6:30 pm Networking night"), names
its headings with `heading`. A block whose own date text names a time and no day
(`eventhound.dates.only_a_time`, read with the context's `now` and zone), or that has no
date text, is dated by the last heading before it in the page: its date text becomes the
heading's text, a space and its own ("Tuesday, March 9, 2027 16:10"), read as one text by
the dates pipeline. A block whose own text names a day keeps it. A heading is taken as
written: under one that is no date ("Ongoing") a time stays unreadable, as it was alone.

Raw events: `title`, `start_text` = the date text, plus " " + the time text when a separate
`time` is configured, `end_text`, `venue_name`, `description`, `cost_text` = the cost text
(read by the cost pipeline), `links` = the hrefs of the other links inside the block (a Zoom link
behind "Join here" makes the event online: AttendancePipeline), `url` = `own_id` = the link.

Detail pages: when a `detail` table is configured and a block has a link, the link goes to
`Extraction.follow` instead of an event, and `read_listing` also returns what the listing
block said (its "fields", by link), for the spider to pass along with the request. Blocks
that share one link (a general "register" page) are events as the listing gives them.
`extract_detail(text, url, context, listing=fields)` reads the detail page with the
`detail` selectors (inside the first `detail.event` block if one is given, else the whole
page) and lets them complete and override the listing's: a detail date replaces the
listing's date and time together; a detail time alone goes with the listing's date.

Pure function of (text, url, context): no Scrapy, no clock, no network; never raises.
Error codes: `css_not_configured` (no css table), `css_config_invalid` (a missing or bad
key: see `config_problems`), `css_event_not_found` (the `event` selector matched nothing
on the page), `css_selector_failed` (a selector failed on this page),
`event_without_start`, `event_without_name` (a block with no date / no title; it is left
out), `html_unparseable`, `extract_failed`.
`looks_like` is always False: a plain page needs configuration, it is never detected.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from urllib.parse import urldefrag, urljoin

import lxml.etree
import parsel
from cssselect import SelectorError
from parsel.csstranslator import css2xpath

from eventhound.dates import only_a_time
from eventhound.extractors.base import Context, Extraction, Option

NAME = "css"
DETECTION = 250  # its place in format detection (eventhound.formats): last, it is never detected
# [sources.KEY.css]: checked by `config_problems` (required keys, selectors that compile, the detail table).
OPTIONS = {
    "event": Option(str, None, "the selector of one event block (required)"),
    "title": Option(str, None, "the selector of the title, inside the block"),
    "title_text": Option(str, None, "a fixed title, for a listing of one kind of event"),
    "date": Option(
        str, None, "the selector of the date text (it may hold the time and end; required here or in detail)"
    ),
    "time": Option(str, None, "the selector of a separate time text, read after the date"),
    "end": Option(str, None, "the selector of the end text"),
    "location": Option(str, None, "the selector of the place (venue and address as written)"),
    "description": Option(str, None, "the selector of the description"),
    "cost": Option(str, None, "the selector of the cost as written, read like a cost in words"),
    "link": Option(str, None, "the selector of the event's own page (its href, made absolute)"),
    "next": Option(str, None, "the selector of the listing's next page (read on the page)"),
    "heading": Option(str, None, "the selector of the date headings above a list of times (elements, on the page)"),
    "detail": Option(dict, None, "[sources.KEY.css.detail]: the same selectors, read on the page `link` names"),
}
# Keys of a block (listing or detail) that are selectors of one value.
FIELD_KEYS = ("title", "date", "time", "end", "location", "description", "cost", "link")
LISTING_KEYS = frozenset(OPTIONS)
DETAIL_KEYS = frozenset({"event", "title_text", *FIELD_KEYS})
XPATH_PREFIX = "xpath:"
_NAMESPACES = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}
_NOT_TEXT = ("script", "style", "noscript", "template")


# --------------------------------------------------------------------------- configuration


def _selector_problem(name: str, query) -> str | None:
    if not isinstance(query, str):
        return f"{name} must be a selector string, not {query!r}"
    query = query.strip()
    if not query:
        return None  # an empty selector is the same as none
    try:
        if query.startswith(XPATH_PREFIX):
            lxml.etree.XPath(query[len(XPATH_PREFIX) :].strip(), namespaces=_NAMESPACES)
        else:
            css2xpath(query)
    except (SelectorError, lxml.etree.XPathError, ValueError) as exc:
        return (
            f"{name} is not a valid {'XPath' if query.startswith(XPATH_PREFIX) else 'CSS'} selector ({query!r}): {exc}"
        )
    return None


def _table_problems(table: Mapping, allowed: frozenset, where: str) -> list[str]:
    problems = []
    unknown = sorted(set(table) - allowed)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed))}")
    for key in sorted(allowed & set(table)):
        if key == "detail":
            continue
        if key == "title_text":
            if not isinstance(table[key], str):
                problems.append(f"{where}: title_text must be a string (a fixed title), not {table[key]!r}")
            continue
        problem = _selector_problem(f"{where}: {key}", table[key])
        if problem:
            problems.append(problem)
    return problems


def _given(table: Mapping, key: str) -> bool:
    value = table.get(key)
    return isinstance(value, str) and bool(value.strip())


def config_problems(options: Mapping) -> list[str]:
    """What is wrong with a `[sources.KEY.css]` table, one message per problem ([] when usable).

    Required: `event`; `date` (here, or in `detail` when every event's date is on its own
    page); a title (`title` or `title_text`, here or in `detail`). Every selector must
    compile; unknown keys are refused (a misspelt key would silently read nothing).
    """
    if not isinstance(options, Mapping):
        return [f"css must be a table of selectors, not {options!r}"]
    if not options:
        return [
            "css: no [css] table: the css spider reads a page only with its selectors (at least `event` and `date`)"
        ]
    problems = _table_problems(options, LISTING_KEYS, "css")
    detail = options.get("detail", {})
    if not isinstance(detail, Mapping):
        problems.append(f"css: detail must be a table of selectors, not {detail!r}")
        detail = {}
    problems += _table_problems(detail, DETAIL_KEYS, "css.detail")
    if not _given(options, "event"):
        problems.append('css: missing `event`: the selector of one event block (e.g. event = "div.meeting")')
    if not (_given(options, "date") or _given(detail, "date")):
        problems.append('css: missing `date`: the selector of an event\'s date text (e.g. date = ".when::text")')
    if not any(_given(t, k) for t in (options, detail) for k in ("title", "title_text")):
        problems.append("css: missing `title` (a selector) or `title_text` (a fixed title)")
    if _given(options, "heading") and "::" in options["heading"]:
        problems.append('css: heading selects the heading elements (e.g. heading = "h3"), not their ::text')
    if detail and not _given(options, "link"):
        problems.append("css: a detail table needs `link`: the selector of each event's page")
    return problems


# --------------------------------------------------------------------------- reading


def _select(scope: parsel.Selector, query: str) -> parsel.SelectorList:
    query = query.strip()
    if query.startswith(XPATH_PREFIX):
        return scope.xpath(query[len(XPATH_PREFIX) :].strip(), namespaces=_NAMESPACES)
    return scope.css(query)


def _item_text(item: parsel.Selector) -> str:
    root = item.root
    if isinstance(root, str):
        return root
    if isinstance(root, bool):
        return ""
    if isinstance(root, (int, float)):
        return str(int(root)) if float(root).is_integer() else str(root)
    if isinstance(getattr(root, "tag", None), str):
        if root.tag.lower() in _NOT_TEXT:
            return ""
        return " ".join(
            t
            for t in root.xpath(
                ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
            )
        )
    return ""


def _selector_text(scope: parsel.Selector, query: str) -> str:
    """All matched text, joined by single spaces, whitespace-normalized."""
    parts = (_item_text(item) for item in _select(scope, query))
    return " ".join(" ".join(parts).split())


def _selector_link(scope: parsel.Selector, query: str, base: str) -> str | None:
    """The first match as an absolute http(s) URL."""
    for item in _select(scope, query):
        root = item.root
        if isinstance(getattr(root, "tag", None), str):
            value = root.get("href") or root.get("src") or ""
        else:
            value = _item_text(item)
        value = value.strip()
        if not value or value.startswith("#") or value[:11].lower() == "javascript:":
            continue
        try:
            absolute = urljoin(base, value)
        except ValueError:
            continue
        if absolute[:7].lower() == "http://" or absolute[:8].lower() == "https://":
            return urldefrag(absolute)[0]
    return None


def _parse(text: str, url: str) -> tuple[parsel.Selector, str]:
    page = parsel.Selector(text=text, type="html", base_url=url)
    base = url
    href = page.xpath("//base/@href").get()
    if href:
        try:
            base = urljoin(url, href.strip())
        except ValueError:
            pass
    return page, base


def _read_fields(scope: parsel.Selector, table: Mapping, base: str, errors: list[str]) -> dict:
    """The configured fields of one block: {'title', 'date', 'time', 'end', 'location', 'description', 'cost', 'link'}."""
    fields: dict = {}
    for key in FIELD_KEYS:
        if not _given(table, key):
            continue
        try:
            value = _selector_link(scope, table[key], base) if key == "link" else _selector_text(scope, table[key])
        except Exception:  # noqa: BLE001 - e.g. an XPath function failing on this page
            errors.append("css_selector_failed")
            continue
        if value:
            fields[key] = value
    title_text = table.get("title_text")
    if "title" not in fields and isinstance(title_text, str) and title_text.strip():
        fields["title"] = " ".join(title_text.split())
    links = [link for link in _block_links(scope, base) if link != fields.get("link")]
    if links:
        fields["links"] = links
    return fields


def _block_links(scope: parsel.Selector, base: str, most: int = 20) -> list[str]:
    """The absolute http(s) hrefs of the links inside an event block, once each (at most `most`)."""
    links: list[str] = []
    for href in scope.xpath(".//a/@href").getall():
        href = href.strip()
        if not href or href.startswith("#"):
            continue
        try:
            absolute = urldefrag(urljoin(base, href))[0]
        except ValueError:
            continue
        if absolute[:8].lower() == "https://" or absolute[:7].lower() == "http://":
            if absolute not in links:
                links.append(absolute)
                if len(links) == most:
                    break
    return links


def _heading_texts(page: parsel.Selector, blocks: parsel.SelectorList, query: str) -> list[str | None]:
    """For each block, the text of the last heading before it in the page (None: none is)."""
    heads = [h for h in _select(page, query) if isinstance(getattr(h.root, "tag", None), str)]
    if not heads:
        return [None] * len(blocks)
    order = {element: n for n, element in enumerate(page.root.iter())}  # document order
    marks = sorted((order[h.root], " ".join(_item_text(h).split())) for h in heads if h.root in order)
    positions = [n for n, _ in marks]
    texts = []
    for block in blocks:
        before = bisect_left(positions, order.get(block.root, -1))
        texts.append((marks[before - 1][1] or None) if before else None)
    return texts


def _date_by_headings(
    page: parsel.Selector,
    blocks: parsel.SelectorList,
    block_fields: list[dict],
    query: str,
    context: Context,
    errors: list[str],
) -> None:
    """Date each block whose own date text names no day (a time alone, or nothing) by the
    heading above it: its date text becomes the heading's text, a space and its own."""
    try:
        headings = _heading_texts(page, blocks, query)
    except Exception:  # noqa: BLE001 - e.g. an XPath function failing on this page
        errors.append("css_selector_failed")
        return
    for fields, heading in zip(block_fields, headings):
        own = fields.get("date", "")
        if heading and (not own or only_a_time(own, context.now, context.timezone)):
            fields["date"] = f"{heading} {own}".rstrip()


def merge_fields(listing: Mapping | None, detail: Mapping) -> dict:
    """A listing block's fields completed and overridden by its detail page's.

    A detail date replaces the listing's date and time together (its own time, if any,
    goes with it); a detail time alone goes with the listing's date.
    """
    merged = dict(listing or {})
    if detail.get("date"):
        merged.pop("time", None)
    merged.update({k: v for k, v in detail.items() if v})
    return merged


def raw_event(fields: Mapping, errors: list[str] | None = None) -> dict | None:
    """The raw event of a block's fields (docs/architecture.md); None (with a reason) when it has no date or title."""
    errors = errors if errors is not None else []
    if not fields.get("date"):
        errors.append("event_without_start")
        return None
    if not fields.get("title"):
        errors.append("event_without_name")
        return None
    start = fields["date"] + (" " + fields["time"] if fields.get("time") else "")
    raw = {
        "title": fields["title"],
        "start_text": start,
        "end_text": fields.get("end"),
        "venue_name": fields.get("location"),
        "description": fields.get("description"),
        "cost_text": fields.get("cost"),
        "links": fields.get("links"),
        "url": fields.get("link"),
        "own_id": fields.get("link"),
    }
    return {k: v for k, v in raw.items() if v}


def _options(context: Context | None) -> Mapping:
    return context.options if context is not None and context.options is not None else {}


def _config_error(options: Mapping) -> str | None:
    if isinstance(options, Mapping) and not options:
        return "css_not_configured"
    return "css_config_invalid" if config_problems(options) else None


def read_listing(text: str, url: str, context: Context | None = None) -> tuple[Extraction, dict[str, dict]]:
    """A listing page's Extraction and, for each URL in its `follow`, the fields its block gave."""
    try:
        return _read_listing(text, url or "", context or Context())
    except Exception:  # noqa: BLE001 - never raise on a page
        return Extraction(errors=["extract_failed"]), {}


def _read_listing(text: str, url: str, context: Context) -> tuple[Extraction, dict[str, dict]]:
    options = _options(context)
    error = _config_error(options)
    if error:
        return Extraction(errors=[error]), {}
    result, partials = Extraction(), {}
    if not isinstance(text, str) or not text.strip():
        result.errors.append("html_unparseable")
        return result, partials
    try:
        page, base = _parse(text, url)
    except Exception:  # noqa: BLE001
        result.errors.append("html_unparseable")
        return result, partials
    try:
        blocks = _select(page, options["event"])
    except Exception:  # noqa: BLE001
        blocks = []
        result.errors.append("css_selector_failed")
    detail = options.get("detail") or {}
    if not blocks and "css_selector_failed" not in result.errors:
        result.errors.append("css_event_not_found")
    block_fields = [_read_fields(block, options, base, result.errors) for block in blocks]
    if _given(options, "heading"):
        _date_by_headings(page, blocks, block_fields, options["heading"], context, result.errors)
    links = Counter(f.get("link") for f in block_fields)
    for fields in block_fields:
        link = fields.get("link")
        if detail and link and links[link] == 1:
            partials[link] = fields
            result.follow.append(link)
            continue
        # No detail page of its own (several blocks share a link): the block is the event.
        raw = raw_event(fields, result.errors)
        if raw:
            result.events.append(raw)
    if _given(options, "next"):
        try:
            nxt = _selector_link(page, options["next"], base)
        except Exception:  # noqa: BLE001
            nxt = None
            result.errors.append("css_selector_failed")
        if nxt and nxt.rstrip("/") != urldefrag(url)[0].rstrip("/"):
            result.next_page = nxt
    return result, partials


def extract(text: str, url: str, context: Context | None = None) -> Extraction:
    """The format interface (eventhound.formats): a listing page read with the source's selectors."""
    return read_listing(text, url, context)[0]


def extract_detail(text: str, url: str, context: Context | None = None, listing: Mapping | None = None) -> Extraction:
    """One event page read with the `detail` selectors, completing the listing block's fields."""
    try:
        return _extract_detail(text, url or "", _options(context), listing)
    except Exception:  # noqa: BLE001 - never raise on a page
        return Extraction(errors=["extract_failed"])


def _extract_detail(text: str, url: str, options: Mapping, listing: Mapping | None) -> Extraction:
    error = _config_error(options)
    if error:
        return Extraction(errors=[error])
    result = Extraction()
    table = options.get("detail") or {}
    fields: dict = {}
    if isinstance(text, str) and text.strip():
        try:
            page, base = _parse(text, url)
        except Exception:  # noqa: BLE001
            page = None
            result.errors.append("html_unparseable")
        if page is not None:
            scope = page
            if _given(table, "event"):
                try:
                    scope = (_select(page, table["event"]) or [None])[0]
                except Exception:  # noqa: BLE001
                    scope = None
                    result.errors.append("css_selector_failed")
                else:
                    if scope is None:
                        result.errors.append("css_event_not_found")
            if scope is not None:
                fields = _read_fields(scope, table, base, result.errors)
    else:
        result.errors.append("html_unparseable")
    merged = merge_fields(listing, fields)
    if not fields.get("link"):
        # The event's page: the listing's link to it, else the page read.
        merged["link"] = (listing or {}).get("link") or (urldefrag(url)[0] if re.match(r"https?://", url) else None)
    raw = raw_event(merged, result.errors)
    if raw:
        result.events.append(raw)
    return result


def looks_like(text: str) -> bool:
    """Never: a plain HTML page is read by css only when its source configures selectors."""
    return False
