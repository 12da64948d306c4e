"""IdentifyPipeline: the final event record, typed, in eventhound.db.EVENT_COLUMNS order.

The output is a new dict with exactly the EVENT_COLUMNS keys (missing -> None); private
`_` keys and raw-only keys (start_text, end_text, own_id, schema_type, event_status,
attendance_mode) are left out.

id: ``f"{source}:{sha1(key + '|' + start).hexdigest()[:16]}"`` where key is the first of
`own_id`, `url`, `title` that is present and `start` is the local ISO start as
NormalizeDatesPipeline wrote it. It is stable across runs for the same published event;
an event moved to another start gets another id. A missing source is written "unknown".

status: schema.org eventStatus (full URL, "schema:" prefix or bare name, any case):
EventCancelled -> cancelled, EventPostponed -> postponed, EventRescheduled -> rescheduled,
EventMovedOnline -> moved_online, EventScheduled -> scheduled; iCalendar STATUS
CANCELLED (and "canceled") -> cancelled, CONFIRMED/TENTATIVE -> scheduled; anything else ->
scheduled.

attendance: eventAttendanceMode Offline/Online/Mixed -> in_person/online/hybrid; without
one, "online" when there is an online_url and no place (venue, street, city, postal code,
coordinates), else None.

Types: all_day 0/1; latitude/longitude floats in range (both 0 -> both None: "null
island" is a missing place); price_min/price_max the first number in the text ("$25.00",
"1,200", "25,50 €"), negative -> None, swapped when min > max; is_free from
true/false/yes/no/1/0 (or schema.org True/False), else 1 when the lowest price is 0 and
0 when it is above 0; topics a JSON array ("[]" when unknown; a list is encoded);
event_type "other" when missing; country an upper-case ISO 3166 alpha-2 code (a few
common names and alpha-3 codes are mapped; UK -> GB), else None; currency an upper-case
3-letter code, else None.
"""

from __future__ import annotations

import hashlib
import json
import math
import re

from eventhound.db import EVENT_COLUMNS
from pipelines.base import EventPipeline

STATUS = {
    "eventcancelled": "cancelled",
    "eventpostponed": "postponed",
    "eventrescheduled": "rescheduled",
    "eventmovedonline": "moved_online",
    "eventscheduled": "scheduled",
    # iCalendar STATUS and Google Calendar status
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "confirmed": "scheduled",
    "tentative": "scheduled",
}
ATTENDANCE = {
    "offlineeventattendancemode": "in_person",
    "onlineeventattendancemode": "online",
    "mixedeventattendancemode": "hybrid",
}
COUNTRY_NAMES = {
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.": "US",
    "u.s.a.": "US", "america": "US", "uk": "GB", "u.k.": "GB", "united kingdom": "GB",
    "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "gbr": "GB",
    "canada": "CA", "can": "CA", "australia": "AU", "aus": "AU", "new zealand": "NZ",
    "ireland": "IE", "india": "IN", "ind": "IN", "germany": "DE", "deutschland": "DE",
    "deu": "DE", "france": "FR", "fra": "FR", "spain": "ES", "españa": "ES", "esp": "ES",
    "italy": "IT", "italia": "IT", "ita": "IT", "netherlands": "NL", "the netherlands": "NL",
    "nld": "NL", "mexico": "MX", "méxico": "MX", "mex": "MX", "brazil": "BR", "brasil": "BR",
    "bra": "BR", "japan": "JP", "jpn": "JP", "singapore": "SG", "sgp": "SG",
    "switzerland": "CH", "che": "CH", "austria": "AT", "aut": "AT", "belgium": "BE",
    "sweden": "SE", "norway": "NO", "denmark": "DK", "finland": "FI", "poland": "PL",
    "portugal": "PT", "south africa": "ZA",
}
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
    digest = hashlib.sha1(f"{key}|{start or ''}".encode("utf-8")).hexdigest()[:16]
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
    name = _schema_name(value) if isinstance(value, str) else None
    if name in _TRUE:
        return 1
    if name in _FALSE:
        return 0
    return None


def country_code(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) == 2 and text.isascii() and text.isalpha():
        return "GB" if text.upper() == "UK" else text.upper()
    return COUNTRY_NAMES.get(" ".join(text.lower().split()))


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

    def process_item(self, item):
        record = {column: _plain(item.get(column), kind) for column, kind in EVENT_COLUMNS.items()}
        record["id"] = event_id(item.get("source"), item.get("own_id"), item.get("url"),
                                item.get("title"), item.get("start"))
        record["status"] = STATUS.get(_schema_name(item.get("event_status")), "scheduled")

        lat, lon = to_float(item.get("latitude")), to_float(item.get("longitude"))
        if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180 or lat == lon == 0:
            lat = lon = None
        record["latitude"], record["longitude"] = lat, lon

        attendance = ATTENDANCE.get(_schema_name(item.get("attendance_mode")))
        if attendance is None and item.get("online_url"):
            place = any(item.get(k) for k in ("venue_name", "street", "city", "postal_code")) or lat is not None
            attendance = None if place else "online"
        record["attendance"] = attendance

        low, high = to_float(item.get("price_min")), to_float(item.get("price_max"))
        low = low if low is None or low >= 0 else None
        high = high if high is None or high >= 0 else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        record["price_min"], record["price_max"] = low, high
        is_free = to_bool(item.get("is_free"))
        if is_free is None and low is not None:
            is_free = 1 if low == 0 and not high else 0 if low > 0 else None
        record["is_free"] = is_free

        record["all_day"] = 1 if item.get("all_day") else 0
        record["topics"] = _topics(item.get("topics"))
        record["event_type"] = item.get("event_type") or "other"
        record["country"] = country_code(item.get("country"))
        currency = item.get("currency")
        record["currency"] = (currency.strip().upper() if isinstance(currency, str)
                              and re.fullmatch(r"\s*[A-Za-z]{3}\s*", currency) else None)
        return record
