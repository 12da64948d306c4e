"""eventhound.db: schema, upserts across crawls, FTS, runs, the upcoming window."""

import sqlite3

import pytest

from eventhound import db as database
from eventhound.db import EVENT_COLUMNS
from eventhound.sources import Source
from tests.kit import stored_record


def event(id, **fields):
    return stored_record(
        dict(
            id=id,
            source="demo",
            source_url="https://example.org/events",
            title=f"Event {id}",
            start="2027-03-04T18:30:00-06:00",
            start_utc="2027-03-05T00:30:00+00:00",
            timezone="America/Chicago",
            all_day=0,
        ),
        **fields,
    )


@pytest.fixture
def db(tmp_path):
    conn = database.open_db(tmp_path / "events.db")
    yield conn
    conn.close()


def test_schema(tmp_path):
    path = tmp_path / "events.db"
    db = database.open_db(path)
    assert list(db["events"].columns_dict) == list(EVENT_COLUMNS)
    assert db["events"].pks == ["id"]
    indexed = {tuple(i.columns) for i in db["events"].indexes}
    assert {("start_utc",), ("source",), ("event_type",), ("city",)} <= indexed
    assert list(db["sources"].columns_dict) == [
        "key",
        "name",
        "spider",
        "urls",
        "timezone",
        "event_type",
        "country",
        "region",
        "enabled",
    ]
    assert db["sources"].pks == ["key"]
    assert list(db["runs"].columns_dict) == [
        "id",
        "source",
        "started",
        "finished",
        "pages",
        "items",
        "dropped",
        "errors",
        "finish_reason",
        "error",
        "warnings",
        "dropped_reasons",
    ]
    assert "AUTOINCREMENT" in db["runs"].schema
    assert db["events"].detect_fts() == "events_fts"
    assert db["events"].triggers == []  # the index is refreshed after a load, not per row
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    version = db.execute("PRAGMA user_version").fetchone()[0]
    assert version == len(database.MIGRATIONS)
    db.close()
    # Opening again migrates nothing and keeps the data.
    db = database.open_db(path)
    database.upsert_events(db, [event("a")], "2027-03-01T00:00:00Z")
    db.close()
    db = database.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == version
    assert db["events"].count == 1


def test_new_event_column_is_added(tmp_path, monkeypatch):
    path = tmp_path / "events.db"
    database.open_db(path).close()
    monkeypatch.setitem(EVENT_COLUMNS, "capacity", int)
    db = database.open_db(path)
    assert db["events"].columns_dict["capacity"] is int


def test_upsert_twice_keeps_first_seen(db):
    records = [event("a", title="Spring Job Fair"), event("b")]
    assert database.upsert_events(db, records, "2027-03-01T00:00:00Z") == 2
    changed = [event("a", title="Spring Job Fair (moved)"), event("b")]
    database.upsert_events(db, changed, "2027-03-02T00:00:00Z")
    assert db["events"].count == 2
    row = db["events"].get("a")
    assert row["first_seen"] == "2027-03-01T00:00:00Z"
    assert row["last_seen"] == "2027-03-02T00:00:00Z"
    assert row["title"] == "Spring Job Fair (moved)"


def test_upsert_clears_removed_at_and_keeps_duplicate_of(db):
    database.upsert_events(db, [event("a"), event("b")], "2027-03-01T00:00:00Z")
    db.execute("UPDATE events SET removed_at = '2027-03-01T12:00:00Z' WHERE id = 'a'")
    db.execute("UPDATE events SET duplicate_of = 'a' WHERE id = 'b'")
    db.conn.commit()
    database.upsert_events(db, [event("a"), event("b")], "2027-03-02T00:00:00Z")
    assert db["events"].get("a")["removed_at"] is None
    assert db["events"].get("b")["duplicate_of"] == "a"


def test_upsert_is_one_transaction(db):
    database.upsert_events(db, [event("a")], "2027-03-01T00:00:00Z")
    bad = [event("b"), event("c", title=object())]  # the second cannot be bound
    with pytest.raises(sqlite3.ProgrammingError):
        database.upsert_events(db, bad, "2027-03-02T00:00:00Z")
    assert [r["id"] for r in db["events"].rows] == ["a"]
    assert not db.conn.in_transaction


def test_fts_after_refresh(db):
    database.upsert_events(
        db,
        [
            event("a", title="Spring Job Fair", venue_name="Grand Hall"),
            event("b", title="Welding workshop", organizer="Tri-County Chamber"),
        ],
        "2027-03-01T00:00:00Z",
    )
    database.refresh_fts(db)
    assert [r["id"] for r in db["events"].search("fair")] == ["a"]
    assert [r["id"] for r in db["events"].search("chamber")] == ["b"]
    assert [r["id"] for r in db["events"].search("grand")] == ["a"]
    # Changed text is found after the next refresh, and the old text no longer is.
    database.upsert_events(db, [event("a", title="Autumn Career Expo")], "2027-03-02T00:00:00Z")
    database.refresh_fts(db)
    assert [r["id"] for r in db["events"].search("expo")] == ["a"]
    assert list(db["events"].search("fair")) == []


def test_save_sources(db):
    source = Source(
        key="tcc",
        spider="schemaorg",
        urls=("https://example.org/a", "https://example.org/b"),
        timezone="America/Chicago",
        name="Tri-County Chamber",
        event_type="networking",
        country="US",
    )
    database.save_sources(db, [source])
    database.save_sources(db, [source])
    assert db["sources"].count == 1
    row = db["sources"].get("tcc")
    assert row["urls"] == '["https://example.org/a", "https://example.org/b"]'
    assert row["enabled"] == 1 and row["timezone"] == "America/Chicago" and row["region"] is None


def test_record_run(db):
    first = database.record_run(
        db,
        {
            "source": "tcc",
            "started": "2027-03-01T00:00:00Z",
            "finished": "2027-03-01T00:01:00Z",
            "pages": 3,
            "items": 12,
            "dropped": 1,
            "errors": 0,
            "finish_reason": "finished",
        },
    )
    second = database.record_run(db, {"source": "tcc", "finish_reason": "shutdown", "error": "boom"})
    assert second == first + 1
    rows = list(db["runs"].rows)
    assert rows[0]["items"] == 12 and rows[0]["error"] is None
    assert rows[1]["finish_reason"] == "shutdown" and rows[1]["error"] == "boom"
    with pytest.raises(ValueError):
        database.record_run(db, {"source": "tcc", "bogus": 1})


def test_runs_warnings_column_is_added_to_an_older_database(tmp_path):
    import sqlite_utils

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    for migration in database.MIGRATIONS[:2]:  # a version-2 database: runs without warnings
        migration(old)
    old.execute("PRAGMA user_version = 2")
    old.execute("INSERT INTO runs (source, errors, finish_reason) VALUES ('tcc', 3, 'finished')")
    old.conn.commit()
    old.close()
    db = database.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(database.MIGRATIONS)
    assert db["runs"].columns_dict["warnings"] is int
    database.record_run(db, {"source": "tcc", "errors": 0, "warnings": 1, "finish_reason": "finished"})
    assert [(r["errors"], r["warnings"]) for r in db["runs"].rows] == [(3, None), (0, 1)]
    db.close()


def test_runs_dropped_reasons_column_is_added_to_a_version_3_database(tmp_path):
    import sqlite_utils

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    for migration in database.MIGRATIONS[:3]:
        migration(old)
    old.execute("PRAGMA user_version = 3")
    old.execute("INSERT INTO runs (source, dropped, finish_reason) VALUES ('lib', 2, 'finished')")
    old.conn.commit()
    old.close()
    db = database.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(database.MIGRATIONS)
    database.record_run(
        db, {"source": "lib", "dropped": 5, "dropped_reasons": '{"not_career": 5}', "finish_reason": "finished"}
    )
    assert [(r["dropped"], r["dropped_reasons"]) for r in db["runs"].rows] == [(2, None), (5, '{"not_career": 5}')]
    db.close()


def test_upcoming_window_order_and_exclusions(db):
    now = "2027-03-01T12:00:00Z"
    database.upsert_events(
        db,
        [
            event("past", start_utc="2027-03-01T11:59:59Z"),
            event("now", start_utc="2027-03-01T12:00:00Z"),
            event("later", start_utc="2027-03-20T09:00:00+00:00"),  # another ISO form
            event("soon", start_utc="2027-03-02T08:00:00Z"),
            event("allday", start_utc="2027-03-05"),  # a bare date
            event("edge", start_utc="2027-03-08T12:00:00Z"),  # exactly now + 7 days: out
            event("far", start_utc="2027-04-01T00:00:00Z"),
            event("dup", start_utc="2027-03-03T00:00:00Z", duplicate_of="soon"),
            event("gone", start_utc="2027-03-03T00:00:00Z"),
            event("nostart", start_utc=None),
        ],
        "2027-03-01T00:00:00Z",
    )
    db.execute("UPDATE events SET removed_at = '2027-03-01T06:00:00Z' WHERE id = 'gone'")
    db.conn.commit()
    assert [e["id"] for e in database.upcoming(db, now, 7)] == ["now", "soon", "allday"]
    assert [e["id"] for e in database.upcoming(db, now, 30)] == ["now", "soon", "allday", "edge", "later"]
    row = database.upcoming(db, now, 7)[0]
    assert set(row) == set(EVENT_COLUMNS)


def _open_and_close(path):
    database.open_db(path).close()


def test_concurrent_first_open(tmp_path):
    import multiprocessing

    path = str(tmp_path / "events.db")
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        pool.map(_open_and_close, [path] * 12)
    db = database.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(database.MIGRATIONS)
