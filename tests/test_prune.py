"""eventhound prune: long-past events and their history go; the rest, and the search index, stay right."""

from eventhound import db as database
from tests.kit import cli, stored_record


def event(id, start_utc, end_utc=None, **fields):
    return stored_record(
        dict(
            id=id,
            source="demo",
            source_url="https://x.example/",
            title=f"Event {id}",
            start=start_utc,
            start_utc=start_utc,
            end_utc=end_utc,
            timezone="UTC",
            status="scheduled",
        ),
        **fields,
    )


def test_prune_deletes_long_past_events_and_their_history(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    database.upsert_events(
        db,
        [
            event("old", "2025-01-10T10:00:00+00:00"),
            event("long", "2025-01-10T10:00:00+00:00", end_utc="2026-06-01T10:00:00+00:00"),
            event("recent", "2026-11-01T10:00:00+00:00", title="Recent workshop"),
            event("dup", "2026-11-01T10:00:00+00:00", duplicate_of="old"),
        ],
        "2025-01-01T00:00:00+00:00",
    )
    database.upsert_events(
        db, [event("old", "2025-01-10T10:00:00+00:00", title="Old fair, renamed")], "2025-01-02T00:00:00+00:00"
    )  # a change logged for the old event
    database.refresh_fts(db)
    db.close()
    result = cli("prune", "--db", tmp_path / "events.db", "--older-than", "365", "--now", "2026-12-04T00:00:00+00:00")
    assert result.exit_code == 0, result.stderr
    assert (
        "deleted 1 events that ended more than 365 days ago (1 changes, 1 provenance rows, 0 runs), 0 kept page copies"
        in result.stdout
    )
    db = database.open_db(tmp_path / "events.db")
    assert sorted(r["id"] for r in db.query("select id from events")) == ["dup", "long", "recent"]
    assert list(db.query("select count(*) as n from event_changes")) == [{"n": 0}]
    assert [r["duplicate_of"] for r in db.query("select duplicate_of from events where id = 'dup'")] == [None]
    assert [
        r["id"]
        for r in db.query(
            "select id from events where rowid in (select rowid from events_fts where events_fts match 'workshop')"
        )
    ] == ["recent"]
    assert list(db.query("select count(*) as n from sqlite_stat1")) != [{"n": 0}]  # ANALYZE ran
    db.close()
