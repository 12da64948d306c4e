"""ValidatePipeline: plain text, absolute http(s) URLs, and no event without a title or start.

Text: every string field (not a URL field, not a private `_` key) is made plain text:
comments, <script>/<style> and tags are removed (an unclosed <script> or <style>, which
hides the rest of the page in a browser, by BeautifulSoup), entities decoded, and this is repeated
(at most 3 rounds) so entity-encoded HTML such as ``&lt;p&gt;Hi&lt;/p&gt;`` is removed too.
Whitespace runs become one space and strings are trimmed; an empty result becomes None.
`description` keeps its structure: block tags (<p>, <div>, <h1>…, <li>, <br>) become line
breaks, each line is whitespace-collapsed, single line breaks are kept as "\\n" and blank
lines become one paragraph break "\\n\\n". Strings with no "<" or "&" skip the HTML work.
The href of every link the markup held (`<a href="https://us02web.zoom.us/j/...">Join
here</a>`) would be lost with its tag: the hrefs go, in order and once each, to the
private `_links` list, where AttendancePipeline looks for meeting links. A raw `links` list
(the css extractor's hrefs of an event block) goes there first, and is not stored.

URLs (`url`, `registration_url`, `online_url`, `organizer_url`, `source_url`): trimmed,
``&amp;``-style entities (with their ";") decoded, inner spaces encoded as %20; anything
but an absolute http(s) URL with a host becomes None (`eventhound/validate/bad_url`).

Drops (scrapy DropItem, after counting `eventhound/dropped/<reason>`): `no_title`
(none after cleaning), `no_start` (NormalizeDatesPipeline could not read one).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from w3lib.html import remove_comments, remove_tags, remove_tags_with_content

from pipelines.base import EventPipeline

URL_FIELDS = ("url", "registration_url", "online_url", "organizer_url", "source_url")
MULTILINE_FIELDS = ("description",)

_BLOCK_BREAK = re.compile(r"(?i)<\s*(?:/?\s*(?:p|div|h[1-6]|section|article|blockquote|ul|ol|table|tr)\b[^>]*)>")
_LINE_BREAK = re.compile(r"(?i)<\s*(?:br|/?li|/td|/th)\b[^>]*>")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_URL_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+\d*);")
# Anything clean_text would change: markup, entities, invisible characters, and whitespace
# other than single spaces between words. Most values have none of it (the fast path).
_UNCLEAN = re.compile(r"[<&\u200b\u200c\u200d\u2060\ufeff\u00ad]|\s\s|[^\S ]|^\s|\s$")
_SPACE = re.compile(r"\s")
_OPEN_CODE = re.compile(r"(?i)<\s*(?:script|style)\b")  # left after the regexes: an unclosed one
_HREF = re.compile(r"""(?is)<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _without_code(markup: str) -> str:
    """The markup without its <script> and <style> elements, read as a browser reads broken
    HTML: an unclosed <script> hides everything after it (BeautifulSoup's html.parser; the
    regular expressions above need the closing tag)."""
    soup = BeautifulSoup(markup, "html.parser")
    for element in soup(["script", "style"]):
        element.decompose()
    return str(soup)


def _hrefs(text: str) -> list[str]:
    """The href of every <a> in the markup, entities decoded."""
    return (
        [html.unescape(next(g for g in m.groups() if g is not None)).strip() for m in _HREF.finditer(text)]
        if "href" in text.lower()
        else []
    )


def _strip_html(text: str, multiline: bool, links: list[str] | None = None) -> str:
    for _ in range(3):
        before = text
        if "<" in text:
            text = remove_comments(text)
            text = remove_tags_with_content(text, which_ones=("script", "style"))
            if _OPEN_CODE.search(text):
                text = _without_code(text)
            if links is not None:
                links.extend(h for h in _hrefs(text) if h and h not in links)
            if multiline:
                text = _BLOCK_BREAK.sub("\n\n", text)
                text = _LINE_BREAK.sub("\n", text)
            text = remove_tags(text)
        if "&" in text:
            text = html.unescape(text)
        if text == before:
            break
    return text


def clean_text(value, multiline: bool = False, links: list[str] | None = None) -> str | None:
    """Plain, whitespace-normalized text; None when nothing is left.

    links, when given, receives the href of every link the markup held (once each).
    """
    if not isinstance(value, str):
        return value
    if not _UNCLEAN.search(value):
        return value or None
    if "<" in value or "&" in value:
        value = _strip_html(value, multiline, links)
    value = value.translate(_INVISIBLE)
    if not multiline:
        return " ".join(value.split()) or None
    paragraphs, lines = [], []
    for line in value.splitlines():
        line = " ".join(line.split())
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("\n".join(lines))
            lines = []
    if lines:
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) or None


def clean_url(value) -> str | None:
    """An absolute http(s) URL, or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if "&" in value:
        value = _URL_ENTITY.sub(lambda m: html.unescape(m.group()), value)
    if _SPACE.search(value):
        value = "%20".join(value.split())
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


class ValidatePipeline(EventPipeline):
    def process_item(self, item):
        links: list[str] = []
        read_links = item.pop("links", None)  # hrefs an extractor read beside the text (css)
        for href in read_links if isinstance(read_links, (list, tuple)) else ():
            url = clean_url(href)
            if url and url not in links:
                links.append(url)
        for key, value in list(item.items()):
            if key.startswith("_"):
                continue
            if key in URL_FIELDS:
                url = clean_url(value)
                if url is None and value not in (None, "") and not (isinstance(value, str) and not value.strip()):
                    self.stats.inc_value("eventhound/validate/bad_url")
                item[key] = url
            elif isinstance(value, str):
                item[key] = clean_text(value, multiline=key in MULTILINE_FIELDS, links=links)
        if links:
            item["_links"] = links
        if not item.get("title"):
            self.drop("no_title")
        if not item.get("start"):
            self.drop("no_start")
        return item
