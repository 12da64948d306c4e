"""The database: eventhound's SQLite schema, owned here and nowhere else.

All SQL lives in this module. Tables:

- ``events``   one row per event record (EVENT_COLUMNS), primary key ``id``
- ``events_fts`` FTS5 index over title, description, organizer, venue_name. It is an
  external-content index keyed by the events rowid and has NO triggers (triggers make
  upserts ~8.5x slower): call ``refresh_fts(db)`` once after a load (a crawl does, after
  every source is stored).
- ``sources``  the sources.toml entries that were crawled
- ``runs``     one row per crawl of a source: pages, items, dropped, errors (something
  lost or unreadable) and warnings (repairs that lost nothing)
- ``event_sources`` provenance: every (source, page) an event record was read from, with
  the event's URL there and when it was first and last seen; filled by ``upsert_events``.
  Duplicates (``events.duplicate_of``, set by ``mark_duplicates``) keep their own rows, so
  the canonical record's provenance is its rows plus those of its duplicates.

``open_db`` migrates the schema (``PRAGMA user_version``), so every caller sees the
current one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

# The values of events.event_type: eight kinds of career event, then "other" (not a career event).
# Their order breaks a tie between two types (pipelines/classify.py).
EVENT_TYPES = (
    "job_fair",
    "job_club",
    "association_meeting",
    "networking",
    "conference",
    "trade_show",
    "workshop",
    "info_session",
    "other",
)
# The values of events.attendance (or NULL when nothing says).
ATTENDANCE_MODES = ("in_person", "online", "hybrid")

# The event record (DESIGN.md), in column order. `eventhound extract` prints these fields.
EVENT_COLUMNS: dict[str, type] = {
    "id": str,
    "source": str,
    "source_url": str,
    "title": str,
    "description": str,
    "url": str,
    "registration_url": str,
    "event_type": str,
    "type_reason": str,  # why event_type: the strongest evidence (pipelines/classify.py)
    "career_score": float,  # 0-1: how likely a career event (eventhound/relevance.py)
    "topics": str,  # JSON array
    "audience": str,  # JSON array
    "categories": str,  # JSON array: the publisher's own categories, tags and event types
    "start": str,
    "end": str,
    "start_utc": str,
    "end_utc": str,
    "all_day": int,
    "timezone": str,
    "time_text": str,
    "status": str,
    "previous_start": str,
    "attendance": str,
    "online_url": str,
    "venue_name": str,
    "street": str,
    "city": str,
    "region": str,
    "postal_code": str,
    "country": str,
    "latitude": float,
    "longitude": float,
    "organizer": str,
    "organizer_url": str,
    "is_free": int,
    "price_min": float,
    "price_max": float,
    "currency": str,
    "series_id": str,
    "rrule": str,
    "own_key": str,  # the publisher's own id (or the event's page) the id is made from; NULL when only the title
    "first_seen": str,
    "last_seen": str,
    "removed_at": str,
    "duplicate_of": str,
}

FTS_COLUMNS = ("title", "description", "organizer", "venue_name")
# Indexes on events beyond migration 1's, ensured on every open (CREATE INDEX IF NOT EXISTS).
# latitude, longitude: the bounding-box prefilter of `near` and the `near` canned query.
EVENT_INDEXES = {
    "idx_events_source_own_key": ("source", "own_key"),  # a rescheduled event's earlier record
    "idx_events_latitude_longitude": ("latitude", "longitude"),
    "idx_events_longitude": ("longitude",),
}

SOURCE_COLUMNS: dict[str, type] = {
    "key": str,
    "name": str,
    "spider": str,
    "urls": str,  # JSON array
    "timezone": str,
    "event_type": str,
    "country": str,
    "region": str,
    "enabled": int,
}

RUN_COLUMNS: dict[str, type] = {
    "id": int,
    "source": str,
    "started": str,
    "finished": str,
    "pages": int,
    "items": int,
    "dropped": int,
    "errors": int,
    "finish_reason": str,
    "error": str,  # the last error message, if any
    "warnings": int,  # repairs that lost nothing (migration 3; NULL in runs recorded before it)
    "dropped_reasons": str,  # JSON object: why events were dropped -> how many (migration 4)
}

BUSY_TIMEOUT_MS = 10_000

# Columns an upsert never takes from a re-crawled record: `first_seen` is set on insert
# only; `duplicate_of` is kept unless the record brings one; `removed_at` is cleared
# (an event seen again is not removed). `last_seen` is the load's seen_at.
_KEPT_ON_UPDATE = {"id", "first_seen", "last_seen", "duplicate_of", "removed_at"}


def iso_utc(dt: datetime) -> str:
    """An aware datetime as `YYYY-MM-DDTHH:MM:SS+00:00` (naive is taken as UTC): the same
    form as start_utc (eventhound.dates.to_utc_iso), so every UTC time here sorts as text."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------- schema


def _migration_1(db: sqlite_utils.Database) -> None:
    events = db["events"]
    events.create(EVENT_COLUMNS, pk="id", column_order=list(EVENT_COLUMNS))
    events.create_index(["start_utc"])
    for column in ("source", "event_type", "city"):
        events.create_index([column])
    db["sources"].create(SOURCE_COLUMNS, pk="key", column_order=list(SOURCE_COLUMNS))
    # Raw SQL for AUTOINCREMENT: run ids are never reused, even after deletes.
    db.execute(
        "CREATE TABLE runs (\n"
        "   id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "   source TEXT, started TEXT, finished TEXT,\n"
        "   pages INTEGER, items INTEGER, dropped INTEGER, errors INTEGER,\n"
        "   finish_reason TEXT, error TEXT\n"
        ")"
    )
    db["runs"].create_index(["source", "started"])
    events.enable_fts(FTS_COLUMNS, create_triggers=False)


def _migration_event_sources(db: sqlite_utils.Database) -> None:
    """event_sources: where each event record was read from (provenance), filled from events."""
    db.execute(
        "CREATE TABLE event_sources (\n"
        "   event_id TEXT NOT NULL, source TEXT NOT NULL, source_url TEXT NOT NULL,\n"
        "   url TEXT, first_seen TEXT, last_seen TEXT,\n"
        "   PRIMARY KEY (event_id, source, source_url)\n"
        ")"
    )
    db.execute(
        "INSERT INTO event_sources (event_id, source, source_url, url, first_seen, last_seen) "
        "SELECT id, coalesce(source, ''), coalesce(source_url, ''), url, first_seen, last_seen FROM events"
    )
    db.execute("CREATE INDEX idx_events_duplicate_of ON events (duplicate_of)")


def _migration_runs_warnings(db: sqlite_utils.Database) -> None:
    """runs.warnings: repairs that lost nothing, counted apart from errors from now on.
    Older runs keep NULL (their errors included such repairs)."""
    db.execute("ALTER TABLE runs ADD COLUMN warnings INTEGER")


def _migration_runs_dropped_reasons(db: sqlite_utils.Database) -> None:
    """runs.dropped_reasons: each reason events were dropped for (not_career, no_start, …), counted."""
    db.execute("ALTER TABLE runs ADD COLUMN dropped_reasons TEXT")


def _migration_changes_and_digest_runs(db: sqlite_utils.Database) -> None:
    """event_changes: what changed in an event between crawls (field, old, new, when seen);
    digest_runs: each digest written (its name, when, how many events, new, changed)."""
    db.execute(
        "CREATE TABLE event_changes (event_id TEXT NOT NULL, seen_at TEXT NOT NULL, field TEXT NOT NULL,"
        " old TEXT, new TEXT)"
    )
    db.execute("CREATE INDEX idx_event_changes_event ON event_changes (event_id, seen_at)")
    db.execute(
        "CREATE TABLE digest_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, digest TEXT NOT NULL,"
        " run_at TEXT NOT NULL, events INTEGER, new INTEGER, changed INTEGER)"
    )
    db.execute("CREATE INDEX idx_digest_runs_digest ON digest_runs (digest, run_at)")


# Append-only: migration N brings user_version N-1 to N. Never edit a released one.
def _migration_event_misses(db: sqlite_utils.Database) -> None:
    """event_misses: how many complete crawls of its source in a row have not listed an event."""
    db.execute("CREATE TABLE event_misses (event_id TEXT PRIMARY KEY, missed INTEGER NOT NULL, last_missed TEXT)")


MIGRATIONS = [
    _migration_1,
    _migration_event_sources,
    _migration_runs_warnings,
    _migration_runs_dropped_reasons,
    _migration_changes_and_digest_runs,
    _migration_event_misses,
]
MISSES_TO_REMOVE = 2  # complete crawls in a row that must miss an event before it is marked removed
# The fields whose change a job seeker is told of (event_changes); an event's start is in its id.
TRACKED_FIELDS = ("title", "end", "venue_name", "street", "city", "status", "online_url")


def migrate(db: sqlite_utils.Database) -> int:
    """Run the migrations this database has not had yet; returns the schema version."""

    def version() -> int:
        return db.execute("PRAGMA user_version").fetchone()[0]

    if version() < len(MIGRATIONS):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            for number, migration in enumerate(MIGRATIONS, start=1):
                if number > version():  # read under the lock: another process may have run it
                    migration(db)
                    db.execute(f"PRAGMA user_version = {number}")
            db.conn.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise
    # EVENT_COLUMNS is the one definition of the record: a field added there later
    # becomes a column here without a migration of its own.
    present = db["events"].columns_dict  # read once: each read queries the table's schema
    missing = [c for c in EVENT_COLUMNS if c not in present]
    if missing:
        with db.atomic():
            for column in missing:
                db["events"].add_column(column, EVENT_COLUMNS[column])
    # Indexes that any schema version gets, created when missing (idempotent, so they
    # need no numbered migration and no ordering against other ones).
    for name, columns in EVENT_INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS {_q(name)} ON events ({', '.join(_q(c) for c in columns)})")
    return version()


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database; WAL mode with a busy timeout."""
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not db.memory:
        db.enable_wal()
    migrate(db)
    return db


# ---------------------------------------------------------------------------- events


def _upsert_sql() -> str:
    cols = list(EVENT_COLUMNS)
    updates = [f"{_q(c)} = excluded.{_q(c)}" for c in cols if c not in _KEPT_ON_UPDATE]
    updates += [
        '"last_seen" = excluded."last_seen"',
        '"removed_at" = NULL',
        '"duplicate_of" = coalesce(excluded."duplicate_of", events."duplicate_of")',
    ]
    return (
        f"INSERT INTO events ({', '.join(_q(c) for c in cols)}) "
        f"VALUES ({', '.join('?' for _ in cols)}) "
        f"ON CONFLICT(id) DO UPDATE SET {', '.join(updates)}"
    )


def _event_row(record: dict, seen_at: str) -> tuple:
    row = []
    for column in EVENT_COLUMNS:
        if column in ("first_seen", "last_seen"):
            row.append(seen_at)
        elif column == "removed_at":
            row.append(None)
        else:
            row.append(record.get(column))
    return tuple(row)


def upsert_events(db: sqlite_utils.Database, records: Iterable[dict], seen_at: str) -> int:
    """Insert or update event records by id, all in ONE transaction; returns how many.

    A new id gets first_seen = last_seen = seen_at. A known id gets every field from
    the record except first_seen (kept), last_seen (= seen_at), removed_at (cleared:
    it was seen again) and duplicate_of (kept unless the record brings one).
    Keys of a record outside EVENT_COLUMNS are ignored; missing ones are NULL.
    """
    records = list(records)
    rows = [_event_row(r, seen_at) for r in records]
    if not rows:
        return 0
    provenance = [
        (r.get("id"), r.get("source") or "", r.get("source_url") or "", r.get("url"), seen_at, seen_at) for r in records
    ]
    with db.atomic():
        changes = _changes(db, records, seen_at)
        db.conn.executemany(_upsert_sql(), rows)
        db.conn.executemany(_PROVENANCE_SQL, provenance)
        db.conn.executemany(
            "INSERT INTO event_changes (event_id, seen_at, field, old, new) VALUES (?, ?, ?, ?, ?)", changes
        )
    return len(rows)


def _changes(db: sqlite_utils.Database, records: list[dict], seen_at: str) -> list[tuple]:
    """(event id, seen_at, field, old, new) for each tracked field a known event changed, and
    a `start` change for each rescheduled one (see _rescheduled)."""
    known = _tracked_values(db, [r.get("id") for r in records])
    return _field_changes(known, records, seen_at) + _rescheduled(db, known, records, seen_at)


def _tracked_values(db: sqlite_utils.Database, ids: list[str]) -> dict[str, tuple]:
    """id -> its TRACKED_FIELDS values, for the ids already stored."""
    known: dict[str, tuple] = {}
    fields = ", ".join(_q(f) for f in TRACKED_FIELDS)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cursor = db.execute(f"SELECT id, {fields} FROM events WHERE id IN ({', '.join('?' for _ in chunk)})", chunk)
        known.update((row[0], row[1:]) for row in cursor.fetchall())
    return known


def _rescheduled(db: sqlite_utils.Database, known: dict, records: list[dict], seen_at: str) -> list[tuple]:
    """A one-off event (no series) the publisher moved to another start comes back with the same
    own key under another id: its earlier record, when it is the only one of that source and key
    and this crawl no longer lists it, is marked removed, and the move is a `start` change of the
    new record (which also takes over its earlier changes). Only new ids are looked at."""
    incoming = {r.get("id") for r in records}
    changes = []
    for record in records:
        key = record.get("own_key")
        if not key or record.get("series_id") or record["id"] in known:
            continue
        earlier = db.execute(
            "SELECT id, start FROM events WHERE source = ? AND own_key = ? AND id != ?"
            " AND series_id IS NULL AND removed_at IS NULL",
            [record.get("source"), key, record["id"]],
        ).fetchall()
        if len(earlier) != 1 or earlier[0][0] in incoming or earlier[0][1] == record.get("start"):
            continue
        old_id, old_start = earlier[0]
        db.execute("UPDATE events SET removed_at = ? WHERE id = ?", [seen_at, old_id])
        db.execute("UPDATE event_changes SET event_id = ? WHERE event_id = ?", [record["id"], old_id])
        changes.append((record["id"], seen_at, "start", old_start, record.get("start")))
    return changes


def _field_changes(known: dict[str, tuple], records: list[dict], seen_at: str) -> list[tuple]:
    changes = []
    for record in records:
        old = known.get(record.get("id"))
        if old is None:
            continue
        for field, before in zip(TRACKED_FIELDS, old):
            after = record.get(field)
            if (before or None) != (after or None):
                changes.append((record["id"], seen_at, field, before, after))
    return changes


def mark_missing(db: sqlite_utils.Database, source: str, seen_at: str) -> int:
    """After a complete and successful crawl of `source` at `seen_at`: each of its upcoming
    events that crawl did not list counts one more miss, and at MISSES_TO_REMOVE misses in a
    row it gets `removed_at`; the events it listed start again from none (an event that comes
    back is no longer removed: upsert_events clears removed_at). Past events are left alone.
    Call it only for complete crawls: a failed or partial one says nothing about what is gone.
    Returns how many events were marked removed."""
    with db.atomic():
        db.execute(
            "DELETE FROM event_misses WHERE event_id IN (SELECT id FROM events WHERE source = ? AND last_seen = ?)",
            [source, seen_at],
        )
        db.execute(
            "INSERT INTO event_misses (event_id, missed, last_missed) "
            "SELECT id, 1, ? FROM events WHERE source = ? AND last_seen < ? AND removed_at IS NULL "
            "AND datetime(start_utc) >= datetime(?) "
            "ON CONFLICT(event_id) DO UPDATE SET missed = missed + 1, last_missed = excluded.last_missed",
            [seen_at, source, seen_at, seen_at],
        )
        cursor = db.execute(
            "UPDATE events SET removed_at = ? WHERE removed_at IS NULL AND id IN "
            "(SELECT event_id FROM event_misses WHERE missed >= ? AND last_missed = ?)",
            [seen_at, MISSES_TO_REMOVE, seen_at],
        )
        return cursor.rowcount


def changes_since(db: sqlite_utils.Database, ids: Iterable[str], since: str | None) -> dict[str, list[dict]]:
    """Each event's changes seen after `since` (all of them when None), oldest first."""
    ids = list(ids)
    found: dict[str, list[dict]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = (
            f"SELECT event_id, seen_at, field, old, new FROM event_changes WHERE event_id IN "
            f"({', '.join('?' for _ in chunk)})" + (" AND seen_at > ?" if since else "") + " ORDER BY seen_at, rowid"
        )
        for event_id, seen, field, old, new in db.execute(sql, chunk + ([since] if since else [])).fetchall():
            found.setdefault(event_id, []).append({"seen_at": seen, "field": field, "old": old, "new": new})
    return found


def last_digest_run(db: sqlite_utils.Database, digest: str) -> str | None:
    """When the digest was last written (UTC ISO), or None."""
    row = db.execute("SELECT max(run_at) FROM digest_runs WHERE digest = ?", [digest]).fetchone()
    return row[0] if row else None


def record_digest_run(db: sqlite_utils.Database, digest: str, run_at: str, events: int, new: int, changed: int) -> None:
    with db.atomic():
        db.execute(
            "INSERT INTO digest_runs (digest, run_at, events, new, changed) VALUES (?, ?, ?, ?, ?)",
            [digest, run_at, events, new, changed],
        )


# One row per (event id, source, page read from); source_url '' when unknown (a NULL
# would defeat the primary key).
_PROVENANCE_SQL = (
    "INSERT INTO event_sources (event_id, source, source_url, url, first_seen, last_seen) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(event_id, source, source_url) DO UPDATE SET "
    "url = coalesce(excluded.url, event_sources.url), last_seen = excluded.last_seen"
)


def mark_duplicates(db: sqlite_utils.Database, now_utc_iso: str, days_back: int = 30) -> dict:
    """Set events.duplicate_of across sources (eventhound.dedupe), in ONE transaction.

    Looks at the events not removed that start from `days_back` days before now on; among
    them duplicate_of is recomputed: cleared, then set to the canonical record's id for
    every other record of the same real event. Older and removed rows keep theirs.
    Returns {"considered": rows looked at, "duplicates": rows now marked, "changed": rows
    whose duplicate_of changed}.
    """
    from eventhound.dedupe import find_duplicates

    columns = (
        "id",
        "source",
        "title",
        "description",
        "url",
        "registration_url",
        "start",
        "end",
        "start_utc",
        "all_day",
        "status",
        "attendance",
        "online_url",
        "venue_name",
        "street",
        "city",
        "postal_code",
        "latitude",
        "longitude",
        "organizer",
        "first_seen",
        "duplicate_of",
    )
    db.conn.execute("BEGIN IMMEDIATE")  # read and write under one lock: no crawl writes between
    try:
        cursor = db.execute(
            f"SELECT {', '.join(_q(c) for c in columns)} FROM events "
            "WHERE start_utc >= date(:now, :back) AND removed_at IS NULL",
            {"now": now_utc_iso, "back": f"-{int(days_back)} days"},
        )
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
        found = {dup: canonical for dup, canonical, _ in find_duplicates(rows)}
        changes = [(found.get(r["id"]), r["id"]) for r in rows if found.get(r["id"]) != r["duplicate_of"]]
        db.conn.executemany("UPDATE events SET duplicate_of = ? WHERE id = ?", changes)
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise
    return {"considered": len(rows), "duplicates": len(found), "changed": len(changes)}


def event_provenance(db: sqlite_utils.Database, event_id: str) -> list[dict]:
    """Every event_sources row of an event and of the records marked as its duplicates
    (give the canonical id; a duplicate's id is followed to its canonical record)."""
    row = db.execute("SELECT coalesce(duplicate_of, id) FROM events WHERE id = ?", [event_id]).fetchone()
    canonical = row[0] if row else event_id
    cursor = db.execute(
        "SELECT es.* FROM event_sources es JOIN events e ON e.id = es.event_id "
        "WHERE e.id = :id OR e.duplicate_of = :id ORDER BY es.first_seen, es.event_id, es.source_url",
        {"id": canonical},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def refresh_fts(db: sqlite_utils.Database) -> None:
    """Rebuild events_fts from the events table (FTS5 'rebuild'); run once after a load."""
    with db.atomic():
        db.execute("INSERT INTO events_fts(events_fts) VALUES('rebuild')")


def upcoming(db: sqlite_utils.Database, now_utc_iso: str, days: int) -> list[dict]:
    """Events starting in [now, now + days), not duplicates, not removed, by start (UPCOMING_SQL,
    the `upcoming` query Datasette runs).

    Times are compared through SQLite's datetime(), so any ISO 8601 form of start_utc
    (`...Z`, `...+00:00`, a bare date) works; the date-prefix bounds let the start_utc
    index narrow the scan first.
    """
    cursor = db.execute(UPCOMING_SQL.format(now=":now", columns="*"), {"now": now_utc_iso, "days": str(int(days))})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


# The job seeker's search: ONE query, run by find_events here and by Datasette as the `find`
# and `near` canned queries (datasette-metadata.json holds `canned_queries()`'s text; a test
# requires it). Every parameter is text, as a Datasette form sends it; '' means "any".
# `{now}` is the crawl's now here (:now) and the clock in Datasette. A cancelled event is
# listed, marked by its status, as the digests list it (a job seeker who planned to go
# learns of it); hide_cancelled=1 leaves it out.
SEARCH_SQL = """with p as (
  select
    cast(nullif(:lat, '') as real) as at_lat,
    cast(nullif(:lon, '') as real) as at_lon,
    cast(coalesce(nullif(:km, ''), {default_km}) as real) as within_km,
    cast(coalesce(nullif(:days, ''), 30) as integer) as days_ahead,
    ',' || replace(lower(:types), ' ', '') || ',' as type_list,
    ',' || replace(lower(:topics), ' ', '') || ',' as topic_list,
    ',' || replace(lower(:audience), ' ', '') || ',' as audience_list,
    lower(trim(:attendance)) as attending,
    {now} as now_utc
),
found as (
  select e.*,
    case when p.at_lat is not null and p.at_lon is not null and e.latitude is not null then
      2 * 6371.0088 * asin(min(1, sqrt(
        pow(sin(radians(e.latitude - p.at_lat) / 2), 2)
        + cos(radians(p.at_lat)) * cos(radians(e.latitude)) * pow(sin(radians(e.longitude - p.at_lon) / 2), 2)
      )))
    end as distance_km
  from p, events e
  where e.start_utc >= date(p.now_utc)
    and e.start_utc < date(p.now_utc, '+' || (p.days_ahead + 1) || ' days')
    and datetime(e.start_utc) >= datetime(p.now_utc)
    and datetime(e.start_utc) < datetime(p.now_utc, '+' || p.days_ahead || ' days')
    and e.duplicate_of is null
    and e.removed_at is null
    and (:hide_cancelled != '1' or coalesce(e.status, '') != 'cancelled')
    and (p.type_list = ',,' or instr(p.type_list, ',' || e.event_type || ',') > 0)
    and (p.topic_list = ',,' or exists (select 1 from json_each(case when json_valid(e.topics) then e.topics else '[]' end) t
                                        where instr(p.topic_list, ',' || t.value || ',') > 0))
    and (p.audience_list = ',,' or exists (select 1 from json_each(case when json_valid(e.audience) then e.audience else '[]' end) t
                                           where instr(p.audience_list, ',' || t.value || ',') > 0))
    and (:free != '1' or e.is_free = 1)
    and (:evening != '1' or (substr(e.start, 11, 1) = 'T' and substr(e.start, 12, 2) >= '17'))
    and (p.attending = '' or e.attendance = p.attending or e.attendance = 'hybrid')
    and (:text = '' or e.rowid in (select rowid from events_fts where events_fts match :text))
)
select
  {columns}
from found, p
where p.within_km is null or p.at_lat is null or p.at_lon is null or distance_km <= p.within_km
order by {order}"""
SEARCH_PARAMS = (
    "lat",
    "lon",
    "km",
    "days",
    "types",
    "topics",
    "audience",
    "free",
    "evening",
    "attendance",
    "text",
    "hide_cancelled",
)
SHOWN_COLUMNS = (
    "round(distance_km, 1) as distance_km, start, timezone, title, event_type, topics, audience, "
    "attendance, is_free, price_min,\n  currency, venue_name, city, region, country, latitude, longitude, "
    "organizer, status, url, source, id"
)
BY_START = "datetime(start_utc), start_utc, distance_km, id"
BY_DISTANCE = "distance_km, datetime(start_utc), start_utc, id"
UPCOMING_SQL = """select
  {columns}
from events
where start_utc >= date({now})
  and start_utc < date({now}, '+' || (cast(coalesce(nullif(:days, ''), 30) as integer) + 1) || ' days')
  and datetime(start_utc) >= datetime({now})
  and datetime(start_utc) < datetime({now}, '+' || cast(coalesce(nullif(:days, ''), 30) as integer) || ' days')
  and duplicate_of is null
  and removed_at is null
order by datetime(start_utc), start_utc, id"""
DATASETTE_NOW = "datetime('now')"


def canned_queries() -> dict[str, str]:
    """The SQL of the Datasette canned queries that db.py shares with Python: `find` (the
    job seeker's search, soonest first), `near` (the same search, nearest first, 40 km unless
    told) and `upcoming`. datasette-metadata.json holds exactly these texts."""
    return {
        "find": SEARCH_SQL.format(now=DATASETTE_NOW, default_km="null", columns=SHOWN_COLUMNS, order=BY_START),
        "near": SEARCH_SQL.format(now=DATASETTE_NOW, default_km="40", columns=SHOWN_COLUMNS, order=BY_DISTANCE),
        "upcoming": UPCOMING_SQL.format(
            now=DATASETTE_NOW,
            columns="start, timezone, title, event_type, venue_name, "
            "city, region, country, organizer, status, url, source, id",
        ),
    }


def near(
    db: sqlite_utils.Database,
    lat: float,
    lon: float,
    km: float,
    now_utc_iso: str,
    days: int,
    *,
    types: Iterable[str] = (),
    topics: Iterable[str] = (),
    free: bool = False,
    evening: bool = False,
    with_cancelled: bool = True,
) -> list[dict]:
    """Events within `km` of (lat, lon) starting in [now, now + days), nearest first (ties by
    start, then id), each with its `distance_km`: `find_events` near a place."""
    return find_events(
        db,
        now_utc_iso,
        days,
        near=(lat, lon, km),
        types=types,
        topics=topics,
        free=free,
        evening=evening,
        with_cancelled=with_cancelled,
        order=BY_DISTANCE,
    )


def find_events(
    db: sqlite_utils.Database,
    now_utc_iso: str,
    days: int,
    *,
    near: tuple | None = None,
    types: Iterable[str] = (),
    topics: Iterable[str] = (),
    audience: Iterable[str] = (),
    free: bool = False,
    evening: bool = False,
    attendance: str | None = None,
    text: str | None = None,
    with_cancelled: bool = True,
    order: str = BY_START,
) -> list[dict]:
    """The job seeker's search (SEARCH_SQL, the query Datasette runs): events starting in
    [now, now + days), not duplicates, not removed, by start (then distance, then id).

    `near` = (lat, lon, km): within km (great-circle), with `distance_km` (rounded to 0.1).
    `types` (any of these event types), `topics` and `audience` (any of these tags), `free`
    (is_free = 1), `evening` (starting at 17:00 or later, local time), `attendance`
    (in_person, online or hybrid; hybrid events count as both), `text` (an FTS5 query on the
    full-text index), `with_cancelled=False` to leave cancelled events out.
    """
    lat, lon, km = near if near is not None else ("", "", "")
    params = {
        "now": now_utc_iso,
        "lat": str(lat),
        "lon": str(lon),
        "km": str(km),
        "days": str(int(days)),
        "types": ",".join(types),
        "topics": ",".join(topics),
        "audience": ",".join(audience),
        "free": "1" if free else "",
        "evening": "1" if evening else "",
        "attendance": attendance or "",
        "text": text or "",
        "hide_cancelled": "" if with_cancelled else "1",
    }
    sql = SEARCH_SQL.format(now=":now", default_km="null", order=order, columns="found.*")
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    found = []
    for row in cursor.fetchall():
        record = dict(zip(names, row))
        if record["distance_km"] is not None:
            record["distance_km"] = round(record["distance_km"], 1)
        found.append(record)
    return found


def _json_list(value) -> list:
    try:
        found = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return found if isinstance(found, list) else []


# ---------------------------------------------------------------------------- sources, runs


def save_sources(db: sqlite_utils.Database, sources: Iterable) -> None:
    """Upsert eventhound.sources.Source objects into `sources`, by key."""
    rows = [
        {
            "key": s.key,
            "name": s.name or s.key,
            "spider": s.spider,
            "urls": json.dumps(list(s.urls)),
            "timezone": s.timezone,
            "event_type": s.event_type,
            "country": s.country,
            "region": s.region,
            "enabled": int(bool(s.enabled)),
        }
        for s in sources
    ]
    if rows:
        with db.atomic():
            db["sources"].upsert_all(rows, pk="key", column_order=list(SOURCE_COLUMNS))


def record_run(db: sqlite_utils.Database, row: dict) -> int:
    """Insert one `runs` row (keys from RUN_COLUMNS, id excluded); returns its id."""
    unknown = set(row) - set(RUN_COLUMNS)
    if unknown:
        raise ValueError(f"unknown runs column(s): {', '.join(sorted(unknown))}")
    columns = [c for c in RUN_COLUMNS if c != "id" and c in row]
    with db.atomic():
        cursor = db.execute(
            f"INSERT INTO runs ({', '.join(_q(c) for c in columns)}) VALUES ({', '.join('?' for _ in columns)})",
            [row[c] for c in columns],
        )
    return cursor.lastrowid


# ---------------------------------------------------------------------------- health

HEALTH_GOOD_RUNS = 7  # the usual number of events is the median of this many good crawls


def source_health(db: sqlite_utils.Database) -> list[dict]:
    """Each known source's health from its runs, those needing attention first: its last crawl
    and last success, failures in a row, events now against the median of the 7 good crawls
    before it, and the alarms: `failed` (the last crawl failed: its error), `no events`, `fell by
    more than half`, `errors` (things it could not read)."""
    keys = [row[0] for row in db.execute("SELECT key FROM sources UNION SELECT DISTINCT source FROM runs ORDER BY 1")]
    found = []
    for key in keys:
        runs = [
            dict(zip(("started", "items", "errors", "error"), row))
            for row in db.execute(
                "SELECT started, items, errors, error FROM runs WHERE source = ? ORDER BY id DESC LIMIT 100", [key]
            )
        ]
        found.append(_health(key, runs))
    return sorted(found, key=lambda h: (not h["alarms"], h["source"]))


def _health(key: str, runs: list[dict]) -> dict:
    def good(run):
        return not run["error"] and (run["items"] or 0) > 0

    last = runs[0] if runs else None
    failures = next((n for n, run in enumerate(runs) if good(run)), len(runs))
    usual = sorted(run["items"] for run in [r for r in runs[1:] if good(r)][:HEALTH_GOOD_RUNS])  # before this one
    median = (usual[(len(usual) - 1) // 2] + usual[len(usual) // 2]) / 2 if usual else None
    alarms = []
    if last is None:
        alarms.append("never crawled")
    else:
        if last["error"]:
            alarms.append(f"failed: {last['error']}")
        if not last["items"]:
            alarms.append("no events")
        elif median and last["items"] < median / 2:
            alarms.append(f"fell by more than half ({last['items']} events, usually {median:g})")
        if last["errors"]:
            alarms.append(f"errors: {last['errors']} things it could not read")
    return {
        "source": key,
        "last_crawl": last["started"] if last else None,
        "last_success": next((run["started"] for run in runs if good(run)), None),
        "failures_in_a_row": failures,
        "events": last["items"] if last else None,
        "usual_events": median,
        "alarms": alarms,
    }


def prune(db: sqlite_utils.Database, now_utc_iso: str, older_than_days: int) -> dict:
    """Delete events that ended (or, without an end, started) more than `older_than_days`
    before now, with their provenance, change log and misses, and the runs and digest runs
    older than that (but each source's and digest's last), in ONE transaction; then
    refresh the search index, ANALYZE and checkpoint the WAL. Returns the counts deleted."""
    cutoff = f"-{int(older_than_days)} days"
    old = "SELECT id FROM events WHERE datetime(coalesce(end_utc, start_utc)) < datetime(?, ?)"
    counts = {}
    with db.atomic():
        for table, column in (
            ("event_changes", "event_id"),
            ("event_misses", "event_id"),
            ("event_sources", "event_id"),
        ):
            counts[table] = db.execute(f"DELETE FROM {table} WHERE {column} IN ({old})", [now_utc_iso, cutoff]).rowcount
        db.execute("UPDATE events SET duplicate_of = NULL WHERE duplicate_of IN (" + old + ")", [now_utc_iso, cutoff])
        counts["events"] = db.execute(f"DELETE FROM events WHERE id IN ({old})", [now_utc_iso, cutoff]).rowcount
        # crawls and digests older than that, but each source's and each digest's last one
        counts["runs"] = db.execute(
            "DELETE FROM runs WHERE datetime(started) < datetime(?, ?)"
            " AND id NOT IN (SELECT max(id) FROM runs GROUP BY source)",
            [now_utc_iso, cutoff],
        ).rowcount
        counts["digest_runs"] = db.execute(
            "DELETE FROM digest_runs WHERE datetime(run_at) < datetime(?, ?)"
            " AND id NOT IN (SELECT max(id) FROM digest_runs GROUP BY digest)",
            [now_utc_iso, cutoff],
        ).rowcount
    refresh_fts(db)
    db.execute("ANALYZE")
    maintain(db)
    return counts


def maintain(db: sqlite_utils.Database) -> None:
    """The routine care after a night's writes: refresh the planner's statistics where they
    went stale (PRAGMA optimize) and fold the write-ahead log back into the file."""
    db.execute("PRAGMA optimize")
    if not db.memory:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def write_canned_queries(metadata_path: str | Path) -> bool:
    """Put `canned_queries()` into a Datasette metadata file, every database's copy; True when
    it changed. (`python -c "from eventhound.db import write_canned_queries as w;
    w('datasette-metadata.json')"` after changing the SQL here.)"""
    path = Path(metadata_path)
    before = path.read_text(encoding="utf-8")
    metadata = json.loads(before)
    for database in metadata.get("databases", {}).values():
        for name, sql in canned_queries().items():
            if name in database.get("queries", {}):
                database["queries"][name]["sql"] = sql
                if name in ("find", "near"):
                    database["queries"][name]["params"] = list(SEARCH_PARAMS)
    after = json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"
    path.write_text(after, encoding="utf-8")
    return after != before
