"""wildapricot: association and chapter calendars on Wild Apricot, read from its Admin API v2.x
JSON or from the public events page.

1. The API (needs a token: the spider exchanges the account's API key, see spiders/wildapricot):
   `GET https://api.wildapricot.org/v2.2/accounts/{accountId}/events?$async=false&$top=N&$skip=S
   &$filter=StartDate ge YYYY-MM-DD and StartDate le YYYY-MM-DD` answers `{"Events": [{...}]}`;
   the single-event endpoint `/events/{id}` answers the event object itself (with `Details`).
   An event: `Id`, `Name`, `EventType` ("Regular"/"RSVP"), `StartDate`/`EndDate` (ISO 8601 with
   the account's offset; `StartTimeSpecified`/`EndTimeSpecified` false: only the date counts,
   an all-day event), `Location`, `Tags`, `RegistrationEnabled`, `AccessLevel` ("Public",
   "Restricted", "AdminOnly"), `Sessions` (multi-session events: one raw event per session,
   `own_id` the session's `Id`, `series_id` the event's), `Details` (when present: `DescriptionHtml`,
   `TimeZone.ZoneId`, a Windows zone name mapped to `timezone`, the enabled
   `RegistrationTypes[].BasePrice` as `price_min`/`price_max`, `is_free` when all are 0). `own_id` is the event `Id`.
   `next_page`: the same URL with `$skip` + `$top` while a page holds `$top` events. An async
   answer (`ResultUrl` without `Events`, when `$async=false` was left out) is followed once.
2. The public events page (`https://<site>/events`, no token): `li.boxesListItem` blocks with
   `a.eventDetailsLink` (title, `/event-<Id>` link: `own_id` is that Id, as in the API),
   `.eventInfoStartDate`/`.eventInfoEndDate`/`.eventInfoStartTime`/`.eventInfoLocation`
   (`.eventInfoBoxValue`), the time's `client-tz-item` (IANA zone) as `timezone`, and
   `.gadgetEventEditableArea` as the description. Dates as printed ("October 04, 2027", the
   time range "6:00 PM - 8:00 PM"), wall times that the date pipeline reads in that zone, else
   in the source's. The page is not paged (no `next_page`).

Wild Apricot has no status field: a "cancelled"/"canceled" tag or a title that starts with
the word gives `event_status` CANCELLED. `Tags` and `EventType` (when "RSVP") go into
`categories`. A location that says online/virtual/Zoom/webinar makes the event online; the
first meeting link of the description is its `online_url`. The public page and registration
links need the site: option `site` (the spider sets it from a site URL). Admin-only events
(`AccessLevel` "AdminOnly") are not public and are left out; members-only ("Restricted")
events are listed on the public calendar and kept.

Reason codes: the shared ones of `eventhound.extractors.platform` (`wildapricot_not_json`,
`wildapricot_api_error`, `wildapricot_not_events`, `event_without_name`, `event_without_start`).
"""

from __future__ import annotations

import re

from parsel import Selector

from eventhound.extractors import platform
from eventhound.extractors.base import Context, Extraction, Option, option_value
from eventhound.extractors.ical import iana_name

NAME = "wildapricot"
TOKEN_URL = "https://oauth.wildapricot.org/auth/token"
DETECTION = 140  # its place in format detection (eventhound.formats): lower is tried first
OPTIONS = {  # [sources.KEY.wildapricot], checked when sources.toml is read
    "window_days_ahead": platform.WINDOW_DAYS_AHEAD,
    "page_size": Option(int, 100, "the events one Admin API page asks for ($top; 0: the default)"),
    "site": Option(str, None, "the public site, for event and registration links (default: the source URL's site)"),
    "token_url": Option(
        str, TOKEN_URL, 'where the API key is exchanged for a token; "": the variable holds a bearer token'
    ),
}
CANCELLED = re.compile(r"^\W*(cancell?ed|canceled)\b", re.I)
ONLINE = re.compile(r"\b(online|virtual|zoom|webinar|teams|google meet|webex)\b", re.I)
MEETING = re.compile(
    r"https?://[^\s\"'<>]*(?:zoom\.us|teams\.microsoft\.com|meet\.google\.com|webex\.com|"
    r"gotomeeting\.com|gotowebinar\.com)[^\s\"'<>]*",
    re.I,
)
EVENT_LINK = re.compile(r"/event-(\d+)")
FIELDS = {
    "title": "Name",
    "description": "Details.DescriptionHtml",
    "venue_name": "Location",
    "categories": lambda e: [*(e.get("Tags") or []), *(["RSVP"] if e.get("EventType") == "RSVP" else [])],
}


# What a Wild Apricot site shows of its platform
RECOGNISED = (
    (re.compile(r"""<meta[^>]+content=["']Wild ?Apricot""", re.I), "its generator tag"),
    (re.compile(r"wildapricot\.(?:org|com)\b"), "Wild Apricot's hosts"),
    (re.compile(r"\bboxesListItem\b|\bEventListWrapper\b"), "its event-list markup"),
)


def recognise(html: str, url: str) -> tuple[str, str] | None:
    """(the site to give the wildapricot spider, the evidence), or None."""
    seen = platform.recognised(html, RECOGNISED, "Wild Apricot")
    return (platform.site_root(url), seen[1]) if seen else None


def looks_like(text: str) -> bool:
    """The API's JSON (`Events` of objects with `StartTimeSpecified`, or one such event) or
    the public events page (`WaGadgetEvents`, `boxesListItem` with `eventInfoStartDate`)."""
    head = text[:65536]
    if head.lstrip("\ufeff \r\n\t").startswith("{"):
        return '"StartTimeSpecified"' in head and ('"Events"' in head or '"EventType"' in head)
    return "WaGadgetEvents" in text or ("boxesListItem" in text and "eventInfoStartDate" in text)


def extract(text: str, url: str, context: Context) -> Extraction:
    if not text.lstrip("\ufeff \r\n\t").startswith(("{", "[")) and looks_like(text):
        return _from_page(text, url, context)
    data, error = platform.load_json(text, NAME)
    if error:
        return Extraction(errors=[error])
    if not isinstance(data, dict):
        return Extraction(errors=[f"{NAME}_not_events"])
    if isinstance(data.get("Events"), list):
        records = [e for e in data["Events"] if isinstance(e, dict) and _visible(e, context)]
        return platform.extraction(
            records, lambda e: occurrences(e, url, context), next_page=_next_page(data["Events"], url)
        )
    if "StartDate" in data and "Id" in data:
        return platform.extraction([data], lambda e: occurrences(e, url, context))
    if isinstance(data.get("ResultUrl"), str) and data.get("ProcessingState") != "Failed":
        return Extraction(next_page=platform.absolute(url, data["ResultUrl"]))
    if any(k in data for k in ("error", "Message", "message", "ProcessingState")):
        return Extraction(errors=[f"{NAME}_api_error"])
    return Extraction(errors=[f"{NAME}_not_events"])


def _visible(event: dict, context: Context) -> bool:
    level = event.get("AccessLevel") or platform.dig(event, "Details.AccessControl.AccessLevel")
    return level != "AdminOnly"


def occurrences(event: dict, url: str, context: Context) -> list[dict]:
    """One raw event per session of a Wild Apricot event (the event itself when it has none)."""
    common = platform.raw_event(event, FIELDS, url)
    event_id = platform.text(event.get("Id"))
    site = str(option_value(OPTIONS, context.options, "site") or "").rstrip("/")
    if site and event_id:
        common["url"] = f"{site}/event-{event_id}"
        if event.get("RegistrationEnabled") is True:
            common["registration_url"] = f"{common['url']}/Registration"
    common.update(_status_and_mode(common, event))
    common.update(_prices(event))
    if zone := iana_name(platform.dig(event, "Details.TimeZone.ZoneId")):
        common["timezone"] = zone
    sessions = [s for s in event.get("Sessions") or [] if isinstance(s, dict)]
    out = []
    for session in sessions or [event]:
        raw = dict(common)
        raw.update(_times(session))
        raw["own_id"] = platform.text(session.get("Id")) or event_id or raw.get("url")
        if sessions and event_id:
            raw["series_id"] = event_id
        out.append(raw)
    return out


def _times(record: dict) -> dict:
    """start_text/end_text: as published, or the date alone when no time is specified."""
    out = {}
    for key, date_key, flag in (
        ("start_text", "StartDate", "StartTimeSpecified"),
        ("end_text", "EndDate", "EndTimeSpecified"),
    ):
        value = platform.text(record.get(date_key))
        if value:
            out[key] = value[:10] if record.get(flag) is False else value
    if out.get("end_text") and "T" not in out.get("start_text", "T") and out["end_text"] == out["start_text"]:
        del out["end_text"]  # a one-day all-day event
    return out


def _status_and_mode(raw: dict, event: dict) -> dict:
    out = {}
    tags = [str(t).lower() for t in event.get("Tags") or []]
    if CANCELLED.match(raw.get("title") or "") or {"cancelled", "canceled"} & set(tags):
        out["event_status"] = "CANCELLED"
    meeting = MEETING.search(raw.get("description") or "")
    if meeting:
        out["online_url"] = meeting.group(0).rstrip(".,;)")
    if ONLINE.search(raw.get("venue_name") or ""):
        out["attendance_mode"] = "OnlineEventAttendanceMode"
    return out


def _prices(event: dict) -> dict:
    prices = []
    for kind in platform.dig(event, "Details.RegistrationTypes[]") or []:
        price = kind.get("BasePrice") if isinstance(kind, dict) and kind.get("IsEnabled") is not False else None
        if isinstance(price, (int, float)) and not isinstance(price, bool):
            prices.append(float(price))
    if not prices:
        return {}
    out = {"price_min": f"{min(prices):g}", "price_max": f"{max(prices):g}"}
    if max(prices) == 0:
        out.update(is_free="true", cost_text="Free")
    return out


def _next_page(events: list, url: str) -> str | None:
    top, skip = platform.query_value(url, "$top"), platform.query_value(url, "$skip") or "0"
    if not (top and top.isdigit() and skip.isdigit() and int(top) > 0) or not url.startswith("http"):
        return None
    if len(events) < int(top):
        return None
    return platform.with_query(url, **{"$skip": int(skip) + int(top)})


def _from_page(text: str, url: str, context: Context) -> Extraction:
    """The public events page: one raw event per `li.boxesListItem`."""
    items = Selector(text=text).css("li.boxesListItem")
    if not items:
        return Extraction(errors=[f"{NAME}_not_events"])
    return platform.extraction([_page_event(item, url) for item in items], lambda raw: [raw])


def _value(item, name: str) -> str | None:
    parts = item.css(f".{name} .eventInfoBoxValue ::text").getall()
    return " ".join(" ".join(parts).split()) or None


def _page_event(item, url: str) -> dict:
    link = item.css("a.eventDetailsLink")
    href = platform.absolute(url, link.attrib.get("href"))
    raw = {
        "title": " ".join(" ".join(link.css("::text").getall()).split()) or None,
        "url": href,
        "venue_name": _value(item, "eventInfoLocation"),
    }
    start_date, end_date = _value(item, "eventInfoStartDate"), _value(item, "eventInfoEndDate")
    times = [t.strip() for t in (_value(item, "eventInfoStartTime") or "").split(" - ") if t.strip()]
    raw["start_text"] = " ".join(filter(None, [start_date, times[0] if times else None])) if start_date else None
    end = " ".join(filter(None, [end_date, times[1] if len(times) > 1 else None]))
    raw["end_text"] = end or None
    zone = item.css(".eventInfoStartTime [client-tz-item]::attr(client-tz-item)").get()
    raw["timezone"] = iana_name(zone)
    description = item.css(".gadgetEventEditableArea").get()
    raw["description"] = description
    match = EVENT_LINK.search(link.attrib.get("href") or "")
    raw["own_id"] = match.group(1) if match else href
    register = item.css("a[href*='/Registration']::attr(href)").get()
    raw["registration_url"] = platform.absolute(url, register)
    raw.update(_status_and_mode(raw, {}))
    return {k: v for k, v in raw.items() if v not in (None, "")}
