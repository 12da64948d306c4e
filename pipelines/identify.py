"""IdentifyPipeline names the event (id, own_key, status); RecordPipeline then makes the final
record, typed, in eventhound.db.EVENT_COLUMNS order. One job each.

RecordPipeline's output is a new dict with exactly the EVENT_COLUMNS keys (missing -> None); private
`_` keys and raw-only keys (start_text, end_text, own_id, schema_type, event_status,
attendance_mode, previous_start_text, cost_text) are left out.

id: ``f"{source}:{sha1(key + '|' + start).hexdigest()[:16]}"`` where key is the first of
`own_id`, `url`, `title` that is present and `start` is the local ISO start as
NormalizeDatesPipeline wrote it. It is stable across runs for the same published event;
an event moved to another start gets another id. A missing source is written "unknown".

status, previous_start, attendance, online_url, is_free, price_min, price_max and
currency are decided before this step (pipelines/status.py, attendance.py, cost.py); here
they are only typed. A missing status is written "scheduled".

Types: all_day 0/1; latitude/longitude floats in range (both 0 -> both None: "null
island" is a missing place); other float columns a number (from a number or the first
number in a text), negative prices -> None; int columns (is_free) 1/0 from a bool, a
number or true/false/yes/no text, else None; topics, audience and categories JSON arrays ("[]"
when unknown; a list is encoded); event_type "other" when missing; country an upper-case ISO 3166
alpha-2 code (eventhound.places.country_code: any two letters, UK -> GB; the names,
abbreviations and alpha-3 codes of places.COUNTRY_NAMES), else None;
currency an upper-case 3-letter code, else None.
"""

from __future__ import annotations

import hashlib
import json
import math
import re

from eventhound.db import EVENT_COLUMNS
from eventhound.places import country_code
from pipelines.base import EventPipeline

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}
_NUMBER = re.compile(r"-?\d[\d.,]*")


def _schema_name(value) -> str | None:
    """'https://schema.org/EventCancelled', 'schema:EventCancelled' -> 'eventcancelled'."""
    if not isinstance(value, str) or not value.strip():
        return None
    return re.split(r"[/:#]", value.strip().rstrip("/"))[-1].strip().lower()


def event_id(source, own_id, url, title, start) -> str:
    key = own_id or url or title or ""
    digest = hashlib.sha1(f"{key}|{start or ''}".encode()).hexdigest()[:16]
    return f"{source or 'unknown'}:{digest}"


def to_float(value) -> float | None:
    """A number from a float, an int or a published text ("$1,200.50", "25,50 €")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    match = _NUMBER.search(value)
    if not match:
        return None
    text = match.group().rstrip(".,")
    if "," in text and "." in text:
        # the later separator is the decimal one: 1,200.50 / 1.200,50
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        whole, _, tail = text.rpartition(",")
        # 25,50 is a decimal comma; 1,200 is a thousands separator
        text = f"{whole.replace(',', '')}.{tail}" if len(tail) != 3 else text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def to_bool(value) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return int(value) if value in (0, 1) else None
    name = _schema_name(value) if isinstance(value, str) else None
    if name in _TRUE:
        return 1
    if name in _FALSE:
        return 0
    return None


def _topics(value) -> str:
    if isinstance(value, (list, tuple)):
        return json.dumps([str(v) for v in value if v not in (None, "")], ensure_ascii=False)
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return json.dumps(parsed, ensure_ascii=False)
        return json.dumps([value.strip()], ensure_ascii=False)
    return "[]"


def _plain(value, kind: type):
    """A value for a column: numbers in text columns as text, lists joined, mappings dropped."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value) if kind is str else value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v not in (None, "")) or None
    return None


class IdentifyPipeline(EventPipeline):
    """The event's id, its own key and its status (scheduled unless a step decided otherwise)."""

    def process_item(self, item):
        item["id"] = event_id(
            item.get("source"), item.get("own_id"), item.get("url"), item.get("title"), item.get("start")
        )
        item["status"] = item.get("status") or "scheduled"
        item["own_key"] = item.get("own_id") or item.get("url") or None  # not the title: titles repeat
        return item


class RecordPipeline(EventPipeline):
    """The final record: exactly the EVENT_COLUMNS, each of its type."""

    def process_item(self, item):
        record = {column: _plain(item.get(column), kind) for column, kind in EVENT_COLUMNS.items()}
        lat, lon = to_float(item.get("latitude")), to_float(item.get("longitude"))
        if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180 or lat == lon == 0:
            lat = lon = None
        record["latitude"], record["longitude"] = lat, lon

        for column in ("price_min", "price_max"):
            price = to_float(item.get(column))
            record[column] = price if price is None or price >= 0 else None
        record["is_free"] = to_bool(item.get("is_free"))

        record["all_day"] = 1 if item.get("all_day") else 0
        record["topics"] = _topics(item.get("topics"))
        record["audience"] = _topics(item.get("audience"))
        record["categories"] = _topics(item.get("categories"))
        record["event_type"] = item.get("event_type") or "other"
        record["country"] = country_code(item.get("country"))
        currency = item.get("currency")
        record["currency"] = (
            currency.strip().upper()
            if isinstance(currency, str) and re.fullmatch(r"\s*[A-Za-z]{3}\s*", currency)
            else None
        )
        return record
