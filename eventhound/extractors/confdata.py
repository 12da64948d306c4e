"""confdata: the JSON of tech-conferences/conference-data (`conferences/<year>/<topic>.json`).

Pure function of (text, url, context). The file is a JSON array of conferences:
`{"name", "url", "startDate", "endDate", "city", "country", "online", "locales", "cfpUrl",
"cfpEndDate", "twitter", ...}`. Each becomes a raw event:

- dates "YYYY-MM-DD": all-day (`all_day` "true"), the end inclusive as published;
- `city` as published, except that a US-style "Nashville, TN" is split into city and
  region; `country` as published ("U.S.A.", "U.K.", "Germany");
- `online: true` with no city -> `attendance_mode` "OnlineEventAttendanceMode"; with a
  city (the repository lists hybrid conferences so) -> "MixedEventAttendanceMode"; a
  city and `online: false` -> "OfflineEventAttendanceMode";
- `own_id` = url + startDate (a conference's site is reused year after year);
- `categories` = the file's topic (`javascript` from `.../javascript.json`).

Error codes: `confdata_not_json` (not JSON: an HTML page, a GitHub error), `confdata_not_list`
(JSON but not an array of conferences), `confdata_too_many` (past 20,000 entries), `event_without_name`, `event_without_start`,
`extract_failed`.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urljoin, urlsplit

from eventhound.extractors.base import Context, Extraction

NAME = "confdata"
DETECTION = 220  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {}  # [sources.KEY.confdata]: none (the source URLs are the files)
MAX_EVENTS = 20000
_CITY_STATE = re.compile(r"^(?P<city>[^,]+?),\s*(?P<region>[A-Z]{2})$")


def looks_like(text: str) -> bool:
    """A JSON array whose first object names startDate, name and url, and no @type (not JSON-LD)."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if not head.startswith("["):
        return False
    first = head[: head.find("}") + 1] if "}" in head else head
    return all(f'"{k}"' in first for k in ("startDate", "name", "url")) and '"@type"' not in first


def extract(text: str, url: str, context: Context) -> Extraction:
    try:
        return _extract(text, url or "")
    except Exception:  # noqa: BLE001 - never raise on a body
        return Extraction(errors=["extract_failed"])


def _s(value) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _topic(url: str) -> str | None:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name[:-5] if name.endswith(".json") and len(name) > 5 else None


def _extract(text: str, url: str) -> Extraction:
    if not isinstance(text, str):
        return Extraction(errors=["confdata_not_json"])
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except ValueError:
        return Extraction(errors=["confdata_not_json"])
    if not isinstance(data, list):
        return Extraction(errors=["confdata_not_list"])
    result = Extraction()
    topic = _topic(url)
    for item in data[:MAX_EVENTS]:
        if not isinstance(item, dict):
            result.errors.append("confdata_not_list")
            continue
        name, start = _s(item.get("name")), _s(item.get("startDate"))
        if not name:
            result.errors.append("event_without_name")
            continue
        if not start:
            result.errors.append("event_without_start")
            continue
        raw = {"title": name, "start_text": start, "all_day": "true"}
        end = _s(item.get("endDate"))
        if end:
            raw["end_text"] = end
        link = _s(item.get("url"))
        if link:
            try:
                link = urljoin(url, link) if url else link
            except ValueError:
                link = None
        if link:
            raw["url"] = link
        raw["own_id"] = f"{link or name}|{start}"
        city, country = _s(item.get("city")), _s(item.get("country"))
        if city:
            m = _CITY_STATE.match(city)
            if m:
                raw["city"], raw["region"] = m.group("city").strip(), m.group("region")
            else:
                raw["city"] = city
        if country:
            raw["country"] = country
        online = item.get("online")
        if online is True:
            raw["attendance_mode"] = "MixedEventAttendanceMode" if city else "OnlineEventAttendanceMode"
        elif online is False and city:
            raw["attendance_mode"] = "OfflineEventAttendanceMode"
        if topic:
            raw["categories"] = [topic]
        result.events.append(raw)
    if len(data) > MAX_EVENTS:
        result.errors.append("confdata_too_many")
    return result
