"""What the calendar-platform extractors share: a JSON body read leniently, values dug out
by path, and a raw event built from one platform's table of paths.

A platform module (localist, engage, ...) names its fields once::

    FIELDS = {"title": "title", "venue_name": "location_name", "city": "geo.city",
              "categories": ["filters.event_types[].name", "tags[]"]}

A path is dotted keys; `[]` takes every element of a list, `[0]` the first. A tuple of
paths is tried in order (the first that has a value wins); a list of paths (only for
`categories`) joins the names all of them give; a function of the record computes the
value. Values come out as published: strings stripped, numbers as text.

Reason codes: `<platform>_not_json` (not JSON: an HTML page, a login wall, a consent page),
`<platform>_api_error` (the platform's error answer), `<platform>_not_events` (JSON of
another shape: the schema changed or the URL is not the API), `event_without_name`,
`event_without_start`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from eventhound.extractors.base import Extraction, Option

# What some APIs put before their JSON against script inclusion; a BOM; a PHP notice.
_PREFIXES = re.compile(r"^(?:\ufeff|\)\]\}',?|while\s*\(1\);|for\s*\(;;\);)\s*")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d*)\]")
Path = str | tuple | list | Callable[[dict], Any]
# The option every platform has: how far ahead its API is asked (and its pages followed).
WINDOW_DAYS_AHEAD = Option(int, 365, "how many days after the crawl's day events are asked for")


def load_json(text: str | bytes, platform: str) -> tuple[Any, str | None]:
    """(the parsed body, None), or (None, `<platform>_not_json`) when it is not JSON."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    body = _PREFIXES.sub("", text.lstrip(), count=1)
    if not body.startswith(("{", "[")):
        start = body.find("{")  # a PHP notice or warning printed before the JSON
        if start <= 0 or "<html" in body[:start].lower():
            return None, f"{platform}_not_json"
        body = body[start:]
    try:
        return json.loads(body), None
    except (ValueError, RecursionError):
        return None, f"{platform}_not_json"


MESSAGE_KEYS = ("error_description", "message", "Message", "detail", "error", "title")


def api_message(text: str | bytes) -> str | None:
    """What an API's error answer says (`{"error_description": ...}`, `{"message": ...}`,
    `{"errors": [{"message": ...}]}`, ...), at most 200 characters; None when it is not one."""
    data, error = load_json(text[:65536] if text else "", "api")
    if error or not isinstance(data, dict):
        return None
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        data = {**errors[0], **data}
    said = next((v.strip() for v in (data.get(k) for k in MESSAGE_KEYS) if isinstance(v, str) and v.strip()), None)
    return said[:200] if said else None


def dig(record: Any, path: str) -> Any:
    """The value at a dotted path; a list of values when the path holds `[]`; None when absent."""
    values, many = [record], "[]" in path
    for key, index in _STEP.findall(path):
        found = []
        for value in values:
            if key:
                value = value.get(key) if isinstance(value, dict) else None
                if value is not None:
                    found.append(value)
            elif isinstance(value, list):
                if index == "":
                    found.extend(v for v in value if v is not None)
                elif int(index) < len(value):
                    found.append(value[int(index)])
        values = found
    return values if many else (values[0] if values else None)


def text(value: Any) -> str | None:
    """A published scalar as a stripped string (numbers too); None for empty values, booleans and objects."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def names(values: Any) -> list[str]:
    """Distinct names of a list of strings or of objects with a `name` (entities decoded)."""
    out: list[str] = []
    for value in values if isinstance(values, list) else [values]:
        name = text(value.get("name") if isinstance(value, dict) else value)
        name = html.unescape(name) if name and "&" in name else name
        if name and name not in out:
            out.append(name)
    return out


def absolute(base: str, value: Any) -> str | None:
    """An http(s) URL made absolute against the page's URL; None for anything else."""
    link = text(value)
    if not link:
        return None
    if link.startswith("www."):
        link = "https://" + link
    try:
        link = urljoin(base, link) if base else link
    except ValueError:
        return None
    return link if link.startswith(("http://", "https://")) else None


URL_KEYS = frozenset({"url", "registration_url", "online_url", "organizer_url"})


def value_of(record: dict, path: Path) -> Any:
    if callable(path):
        return path(record)
    if isinstance(path, tuple):
        return next((v for v in (value_of(record, p) for p in path) if v not in (None, "", [])), None)
    if isinstance(path, list):
        return [name for p in path for name in names(dig(record, p))]
    return dig(record, path)


def raw_event(record: dict, fields: dict[str, Path], url: str) -> dict:
    """A raw event from a record by a platform's table of paths (see the module's docstring)."""
    raw: dict = {}
    for key, path in fields.items():
        value = value_of(record, path)
        if key == "categories":
            value = list(dict.fromkeys(names(value))) or None
        elif key in URL_KEYS:
            value = absolute(url, value)
        else:
            value = text(value)
        if value not in (None, "", []):
            raw[key] = value
    return raw


def extraction(
    records: Iterable[dict],
    make: Callable[[dict], Iterable[dict]],
    errors: list[str] | None = None,
    next_page: str | None = None,
) -> Extraction:
    """The Extraction of a page: `make` turns one record into its raw events (occurrences);
    an event without a title or a start is counted, not kept."""
    result = Extraction(errors=list(errors or []), next_page=next_page)
    for record in records:
        if not isinstance(record, dict):
            continue
        for raw in make(record):
            add_event(result, raw)
    return result


def add_event(result: Extraction, raw: dict) -> None:
    """Keep a raw event, or count why not: no title, no start."""
    if not raw.get("title"):
        result.errors.append("event_without_name")
    elif not raw.get("start_text"):
        result.errors.append("event_without_start")
    else:
        result.events.append(raw)


def with_query(url: str, replace: bool = True, **params) -> str:
    """The URL with these query parameters set (`replace=False`: only those it lacks)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if replace:
        query = [(k, v) for k, v in query if k not in params]
    have = {k for k, _ in query}
    query += [(k, str(v)) for k, v in params.items() if k not in have]
    return urlunsplit(parts._replace(query=urlencode(query)))


def recognised(html: str, markers, platform_name: str) -> tuple[list[re.Match], str] | None:
    """The matches of a platform's (pattern, what it shows) markers on a page, and the
    evidence in words ("Localist (its asset hosts, a widget)"); None when none is there."""
    found = [(m, what) for pattern, what in markers if (m := pattern.search(html))]
    if not found:
        return None
    return [m for m, _ in found], f"{platform_name} (" + ", ".join(what for _, what in found) + ")"


def site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def query_value(url: str, name: str) -> str | None:
    return dict(parse_qsl(urlsplit(url).query)).get(name)
