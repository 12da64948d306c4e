"""The digest: an RSS 2.0 feed of upcoming events, written with feedgen.

One item per upcoming event (eventhound.db.upcoming), in start order. Dates and times
are shown in the event's OWN zone (its `start`, read in its `timezone`), never the
reader's or the server's. Text is escaped by feedgen; the HTML description escapes
every value itself first, so markup in event text is shown as text.
"""

from __future__ import annotations

import hashlib
import html
import os
import tempfile
from datetime import UTC, date, datetime, timedelta
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


# How a change since the last digest is announced in a feed item's title (a status says itself).
CHANGE_WORDS = {
    "start": "Time changed",
    "end": "Time changed",
    "venue_name": "Place changed",
    "street": "Place changed",
    "city": "Place changed",
    "title": "Title changed",
    "online_url": "Link changed",
}


def item_title(event: dict) -> str:
    day = _short_date(event)
    title = event.get("title") or "(untitled event)"
    if event.get("status") and event["status"] != "scheduled":
        title = f"{event['status'].replace('_', ' ').upper()}: {title}"
    said = list(dict.fromkeys(CHANGE_WORDS[f] for f in event.get("changed", ()) if f in CHANGE_WORDS))
    if said:
        title = f"{', '.join(said)}: {title}"
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
    fg.lastBuildDate(now if now.tzinfo else now.replace(tzinfo=UTC))
    for event in events:
        # feedgen prepends entries by default, which would reverse the start order.
        entry = fg.add_entry(order="append")
        # a changed event is a new item, so that a reader sees it again; unchanged, the same guid
        entry.guid(f"{event['id']}#{event['sequence']}" if event.get("sequence") else event["id"], permalink=False)
        entry.title(item_title(event))
        href = event.get("url") or event.get("source_url")
        if href:
            entry.link(href=href)
        entry.description(item_description(event))
        if event.get("event_type"):
            entry.category(term=event["event_type"])
    return fg


def write_rss(
    db,
    out_path,
    now: datetime,
    days: int = 30,
    title: str = DEFAULT_TITLE,
    link: str = DEFAULT_LINK,
    description: str | None = None,
) -> int:
    """Write the RSS 2.0 digest of events starting in the next `days` days; returns the item count.

    The file is replaced atomically, so a reader never fetches half a feed.
    """
    events = database.upcoming(db, database.iso_utc(now), days)
    fg = build_feed(
        events, now, title, link, description or f"Career events starting in the {days} days after {now:%Y-%m-%d}"
    )
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


# ---------------------------------------------------------------------------- saved searches

STATUS_ICAL = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def write_atomically(path: Path, write) -> None:
    """`write(tmp_path)` then replace `path` with it: a reader never fetches half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def find(db, search, now: datetime) -> list[dict]:
    """The events of a saved search (eventhound.searches.SavedSearch) from `now` on."""
    near = (search.lat, search.lon, search.km) if search.lat is not None else None
    return database.find_events(
        db,
        database.iso_utc(now),
        search.days,
        near=near,
        types=search.types,
        topics=search.topics,
        audience=search.audience,
        free=search.free,
        evening=search.evening,
        attendance=search.attendance,
        text=search.text,
    )


def event_uid(event: dict) -> str:
    """The VEVENT's UID: for a one-off event with the publisher's own id (or page), made from
    that, so that it stays when the event moves to another start (a calendar app then moves
    it); else from the event's id."""
    key = event.get("own_key")
    if key and not event.get("series_id"):
        return f"{event.get('source')}:{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}@eventhound"
    return f"{event['id']}@eventhound"


def ical_event(event: dict, now: datetime, uid: str | None = None):
    """One VEVENT: the publisher's instant in its own zone (or UTC), all-day as dates."""
    from icalendar import Event

    vevent = Event()
    vevent.add("uid", uid or event_uid(event))
    vevent.add("dtstamp", now.astimezone(UTC))
    zone = _zone(event.get("timezone"))
    start, end = _local(event.get("start"), zone), _local(event.get("end"), zone)
    if isinstance(start, datetime) and start.tzinfo is None:  # floating: as published, no zone known
        start = start.replace(tzinfo=UTC) if zone is None else start
    vevent.add("dtstart", start)
    if end is not None and type(end) is type(start) and end > start:
        vevent.add("dtend", end + timedelta(days=1) if not isinstance(end, datetime) else end)
    elif not isinstance(start, datetime):
        vevent.add("dtend", start + timedelta(days=1))  # an all-day event's exclusive end
    vevent.add("summary", event.get("title") or "(untitled event)")
    for key, field in (
        ("location", _where(event)),
        ("url", event.get("url") or event.get("source_url")),
        ("description", (event.get("description") or "").strip()[:2000]),
    ):
        if field:
            vevent.add(key, field)
    if event.get("event_type") and event["event_type"] != "other":
        vevent.add("categories", [event["event_type"].replace("_", " ")])
    vevent.add("status", STATUS_ICAL.get(event.get("status") or "", "CONFIRMED"))
    vevent.add("sequence", int(event.get("sequence") or 0))
    modified = event.get("modified") or event.get("first_seen")
    if modified:
        vevent.add("last-modified", datetime.fromisoformat(modified.replace("Z", "+00:00")))
    return vevent


def build_calendar(events: list[dict], now: datetime, title: str):
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//eventhound//digest//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    uids = [event_uid(event) for event in events]
    shared = {uid for uid in uids if uids.count(uid) > 1}  # one page's link for many events: by id
    for event, uid in zip(events, uids):
        calendar.add_component(ical_event(event, now, uid if uid not in shared else f"{event['id']}@eventhound"))
    calendar.add_missing_timezones()
    # icalendar adds them in set order (another each process): by TZID, so a digest is the same bytes
    zones = sorted((c for c in calendar.subcomponents if c.name == "VTIMEZONE"), key=lambda c: str(c["TZID"]))
    calendar.subcomponents[:] = [*zones, *(c for c in calendar.subcomponents if c.name != "VTIMEZONE")]
    return calendar


def with_changes(db, events: list[dict], since: str | None) -> tuple[list[dict], list[dict]]:
    """Mark each event with its `sequence` (how often it changed), `modified` (when last), and
    `changed` (the fields changed since the last digest); returns (new, changed) since then.
    Before any digest every event is new."""
    every = database.changes_since(db, [e["id"] for e in events], None)
    new, changed = [], []
    for event in events:
        history = every.get(event["id"], [])
        event["sequence"] = len(history)
        event["modified"] = history[-1]["seen_at"] if history else event.get("first_seen")
        event["changed"] = [c["field"] for c in history if since and c["seen_at"] > since]
        if event["changed"]:  # a moved event is a new record, but not news: a change
            changed.append(event)
        elif since is None or (event.get("first_seen") or "") > since:
            new.append(event)
    return new, changed


def write_search(
    db, out_dir: Path, search, now: datetime, base_url: str | None = None, link: str = DEFAULT_LINK
) -> int:
    """NAME.rss, NAME.atom, NAME.ics and NAME.html of one saved search, and its digest_runs
    row; returns the event count."""
    events = find(db, search, now)
    new, changed = with_changes(db, events, database.last_digest_run(db, search.name))
    fg = build_feed(events, now, search.title, link, f"{search.title}: {len(events)} events from {now:%Y-%m-%d}")
    fg.id(f"{link}#{search.name}")
    fg.author(name="eventhound")
    for entry in fg.entry():
        entry.updated(now if now.tzinfo else now.replace(tzinfo=UTC))
        entry.content(entry.description(), type="html")
    name = search.name
    write_atomically(out_dir / f"{name}.rss", lambda tmp: fg.rss_file(tmp, pretty=True))
    write_atomically(out_dir / f"{name}.atom", lambda tmp: fg.atom_file(tmp, pretty=True))
    calendar = build_calendar(events, now, search.title)
    write_atomically(out_dir / f"{name}.ics", lambda tmp: Path(tmp).write_bytes(calendar.to_ical()))
    page = render_page(search, events, now, base_url, new, changed)
    write_atomically(out_dir / f"{name}.html", lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    database.record_digest_run(db, name, database.iso_utc(now), len(events), len(new), len(changed))
    return len(events)


def write_digests(db, out_dir, searches: dict, now: datetime, base_url: str | None = None) -> dict[str, int]:
    """Every saved search's files and `index.html` in out_dir; {name: event count}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {name: write_search(db, out_dir, search, now, base_url) for name, search in searches.items()}
    index = render_index(searches, counts, now, base_url)
    write_atomically(out_dir / "index.html", lambda tmp: Path(tmp).write_text(index, encoding="utf-8"))
    return counts


# ---------------------------------------------------------------------------- pages


def _templates():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("eventhound", "templates"), autoescape=select_autoescape(["html"]))


def _week_of(event: dict) -> str:
    start = _local(event.get("start"), _zone(event.get("timezone")))
    if start is None:
        return "Date not stated"
    day = start.date() if isinstance(start, datetime) else start
    monday = day - timedelta(days=day.weekday())
    return f"Week of {_day(monday)}"


def _cost(event: dict) -> str:
    if event.get("is_free") == 1:
        return "Free"
    low, high, currency = event.get("price_min"), event.get("price_max"), event.get("currency") or ""
    if low is None:
        return ""
    amount = f"{low:g}" if high in (None, low) else f"{low:g}–{high:g}"
    return f"{amount} {currency}".strip()


def page_event(event: dict) -> dict:
    """What the page shows of an event, in words."""
    start = event.get("start") or ""
    status = event.get("status") or "scheduled"
    return {
        "title": event.get("title") or "(untitled event)",
        "link": event.get("url") or event.get("source_url"),
        "when": when_text(event),
        "where": _where(event),
        "kind": (event.get("event_type") or "other").replace("_", " "),
        "event_type": event.get("event_type") or "other",
        "cost": _cost(event),
        "is_free": event.get("is_free"),
        "organizer": event.get("organizer"),
        "online_url": event.get("online_url"),
        "evening": "T" in start and start[11:13].isdigit() and int(start[11:13]) >= 17,
        "status_label": "" if status == "scheduled" else status.replace("_", " ").upper(),
        "what_changed": ", ".join(
            dict.fromkeys(
                CHANGE_WORDS.get(f, f"{f.replace('_', ' ')} changed").capitalize() for f in event.get("changed", ())
            )
        ),
    }


def _webcal(base_url: str | None, name: str) -> str | None:
    if not base_url or not base_url.startswith(("http://", "https://")):
        return None
    return "webcal://" + base_url.split("://", 1)[1].rstrip("/") + f"/{name}.ics"


def render_page(
    search,
    events: list[dict],
    now: datetime,
    base_url: str | None = None,
    new: list[dict] = (),
    changed: list[dict] = (),
) -> str:
    weeks: dict[str, list] = {}
    for event in events:
        weeks.setdefault(_week_of(event), []).append(page_event(event))
    kinds = sorted({e.get("event_type") or "other" for e in events})
    return (
        _templates()
        .get_template("digest.html")
        .render(
            search=search,
            events=events,
            weeks=list(weeks.items()),
            kinds=kinds,
            today=_day(now.date()),
            webcal=_webcal(base_url, search.name),
            new=[page_event(e) for e in new] if len(new) < len(events) else [],
            changed=[page_event(e) for e in changed],
        )
    )


def render_index(searches: dict, counts: dict, now: datetime, base_url: str | None = None) -> str:
    digests = [
        {
            "name": name,
            "title": s.title,
            "count": counts.get(name, 0),
            "webcal": _webcal(base_url, name),
            "filters": ", ".join(f"{k} {v}" for k, v in s.filters.items()),
        }
        for name, s in searches.items()
    ]
    return _templates().get_template("index.html").render(digests=digests, written=f"{now:%Y-%m-%d %H:%M} UTC")


def write_health(db, out_dir, now: datetime) -> int:
    """DIR/health.html: each source's health (eventhound.db.source_health); returns how many need attention."""
    rows = database.source_health(db)
    attention = sum(bool(row["alarms"]) for row in rows)
    page = (
        _templates()
        .get_template("health.html")
        .render(rows=rows, attention=attention, written=f"{now:%Y-%m-%d %H:%M} UTC")
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(out_dir / "health.html", lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    return attention
