"""The digest: an RSS 2.0 feed of upcoming events, written with feedgen.

One item per upcoming event (eventhound.db.upcoming), in start order. Dates and times
are shown in the event's OWN zone (its `start`, read in its `timezone`), never the
reader's or the server's. Text is escaped by feedgen; the HTML description escapes
every value itself first, so markup in event text is shown as text.
"""

from __future__ import annotations

import html
import os
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedgen.feed import FeedGenerator

from eventhound import db as database

DEFAULT_TITLE = "eventhound: upcoming career events"
DEFAULT_LINK = "https://github.com/eventhound/eventhound"
DESCRIPTION_CHARS = 500


def _zone(name: str | None):
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _local(value: str | None, zone) -> datetime | date | None:
    """An ISO date-time as an aware datetime in zone (else its own offset); a date as a date."""
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone) if zone else moment
    return moment.astimezone(zone) if zone else moment


def _day(d: date) -> str:
    return f"{d:%a}, {d:%b} {d.day}, {d.year}"


def _clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _zone_label(moment: datetime) -> str:
    name = moment.tzname()
    if name and not name.startswith(("UTC+", "UTC-")):
        return name
    offset = moment.utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def when_text(event: dict) -> str:
    """The event's date and time as people there would say it, e.g.
    'Thu, Mar 4, 2027, 6:30 PM – 8:30 PM CST' or 'Thu, Mar 4, 2027, all day'."""
    zone = _zone(event.get("timezone"))
    start = _local(event.get("start"), zone)
    end = _local(event.get("end"), zone)
    if start is None:
        return event.get("time_text") or ""
    if not isinstance(start, datetime):
        text = _day(start)
        if isinstance(end, date) and not isinstance(end, datetime) and end > start:
            text += f" – {_day(end)}"
        return text + (", all day" if event.get("all_day") else ", time not stated")
    text = f"{_day(start)}, {_clock(start)}"
    if isinstance(end, datetime) and end > start:
        if end.date() == start.date():
            text += f" – {_clock(end)}"
        else:
            text += f" – {_day(end)}, {_clock(end)}"
    label = _zone_label(start)
    return f"{text} {label}" if label else text


def _short_date(event: dict) -> str:
    start = _local(event.get("start"), _zone(event.get("timezone")))
    return f"{start:%b} {start.day}" if start is not None else ""


def _where(event: dict) -> str:
    parts = [event.get(k) for k in ("venue_name", "street", "city", "region", "country")]
    place = ", ".join(p for p in parts if p)
    if event.get("attendance") == "online":
        return "Online" + (f" ({place})" if place else "")
    if event.get("attendance") == "hybrid":
        return (place + " and online") if place else "Online and in person"
    return place


def item_title(event: dict) -> str:
    day = _short_date(event)
    title = event.get("title") or "(untitled event)"
    if event.get("status") and event["status"] != "scheduled":
        title = f"{event['status'].replace('_', ' ').upper()}: {title}"
    return f"{day} · {title}" if day else title


def item_description(event: dict) -> str:
    """HTML: one line per fact, every value escaped."""
    lines = [f"When: {when_text(event)}"]
    if event.get("status") and event["status"] != "scheduled":
        lines.append(f"Status: {event['status'].replace('_', ' ')}")
    where = _where(event)
    if where:
        lines.append(f"Where: {where}")
    if event.get("event_type"):
        lines.append(f"Type: {event['event_type'].replace('_', ' ')}")
    if event.get("organizer"):
        lines.append(f"Organizer: {event['organizer']}")
    text = (event.get("description") or "").strip()
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"
    if text:
        lines.append(text)
    return "<br/>".join(html.escape(line) for line in lines)


def build_feed(events: list[dict], now: datetime, title: str, link: str, description: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.title(title)
    fg.link(href=link)
    fg.description(description)
    fg.language("en")
    fg.lastBuildDate(now if now.tzinfo else now.replace(tzinfo=timezone.utc))
    for event in events:
        # feedgen prepends entries by default, which would reverse the start order.
        entry = fg.add_entry(order="append")
        entry.guid(event["id"], permalink=False)
        entry.title(item_title(event))
        href = event.get("url") or event.get("source_url")
        if href:
            entry.link(href=href)
        entry.description(item_description(event))
        if event.get("event_type"):
            entry.category(term=event["event_type"])
    return fg


def write_rss(db, out_path, now: datetime, days: int = 30, title: str = DEFAULT_TITLE,
              link: str = DEFAULT_LINK, description: str | None = None) -> int:
    """Write the RSS 2.0 digest of events starting in the next `days` days; returns the item count.

    The file is replaced atomically, so a reader never fetches half a feed.
    """
    events = database.upcoming(db, database.iso_utc(now), days)
    fg = build_feed(events, now, title, link,
                    description or f"Career events starting in the {days} days after {now:%Y-%m-%d}")
    out_path = Path(out_path)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", dir=out_path.parent or ".")
    os.close(fd)
    try:
        fg.rss_file(tmp, pretty=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(events)
