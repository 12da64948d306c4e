"""datasette-metadata.json against Datasette 0.65 on a real events database."""

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from datasette.app import Datasette

from eventhound import db as database
from eventhound.db import EVENT_COLUMNS

METADATA = Path(__file__).resolve().parent.parent / "datasette-metadata.json"


def load_metadata():
    return json.loads(METADATA.read_text(encoding="utf-8"))


def event(id, start_utc, **fields):
    record = {column: None for column in EVENT_COLUMNS}
    record.update(id=id, source="demo", title=f"Event {id}", start=start_utc, start_utc=start_utc,
                  timezone="UTC", city="Springfield", country="US", event_type="job_fair")
    record.update(fields)
    return record


def utc(delta: timedelta) -> str:
    # The canned query compares with SQLite's datetime('now'): real time, relative to the test run.
    return database.iso_utc(datetime.now(timezone.utc) + delta)


@pytest.fixture
def client(tmp_path):
    path = tmp_path / "events.db"
    db = database.open_db(path)
    database.upsert_events(db, [
        event("past", utc(timedelta(days=-2))),
        event("in3", utc(timedelta(days=3)), title="Welding Workshop"),
        event("in1", utc(timedelta(days=1)), title="Spring Job Fair", organizer="Tri-County Chamber"),
        event("in20", utc(timedelta(days=20))),
        event("in45", utc(timedelta(days=45))),
        event("dup", utc(timedelta(days=2)), duplicate_of="in1"),
        event("gone", utc(timedelta(days=2)), removed_at="x"),
    ], utc(timedelta(0)))
    db.execute("UPDATE events SET removed_at = ? WHERE id = 'gone'", [utc(timedelta(hours=-1))])
    db.conn.commit()
    database.refresh_fts(db)
    db.close()
    ds = Datasette([str(path)], metadata=load_metadata())

    def get(url):
        async def go():
            response = await ds.client.get(url)
            assert response.status_code == 200, (url, response.text[:500])
            return response.json() if ".json" in url else response.text
        return asyncio.run(go())

    return get


def test_upcoming_canned_query(client):
    rows = client("/events/upcoming.json?_shape=array")
    assert [r["id"] for r in rows] == ["in1", "in3", "in20"]  # default: 30 days
    assert {"start", "title", "city", "url", "event_type"} <= set(rows[0])
    rows = client("/events/upcoming.json?_shape=array&days=7")
    assert [r["id"] for r in rows] == ["in1", "in3"]
    rows = client("/events/upcoming.json?_shape=array&days=60")
    assert [r["id"] for r in rows] == ["in1", "in3", "in20", "in45"]


def test_column_descriptions_served(client):
    served = client("/-/metadata.json")
    columns = served["databases"]["events"]["tables"]["events"]["columns"]
    assert list(columns) == list(EVENT_COLUMNS)
    assert all(columns[c] for c in EVENT_COLUMNS)
    # ... and shown on the table page.
    assert columns["duplicate_of"] in client("/events/events").replace("&#39;", "'")


def test_full_text_search(client):
    rows = client("/events/events.json?_search=chamber&_shape=array")
    assert [r["id"] for r in rows] == ["in1"]
    rows = client("/events/events.json?_search=workshop&_shape=array")
    assert [r["id"] for r in rows] == ["in3"]


def test_default_sort_and_facets(client):
    data = client("/events/events.json")
    assert data["query"]["sql"].endswith("order by start_utc limit 101")
    assert set(data["facet_results"]) == {"source", "city", "country", "event_type"}
    ids = [row[0] for row in data["rows"]]
    assert ids == ["past", "in1", "dup", "gone", "in3", "in20", "in45"]


def test_metadata_same_for_events_and_demo_databases():
    metadata = load_metadata()
    assert metadata["databases"]["events"] == metadata["databases"]["demo"]
    assert set(metadata["databases"]["events"]["tables"]) == {"events", "sources", "runs", "event_sources"}
    for table in ("sources", "runs", "event_sources"):
        assert all(metadata["databases"]["events"]["tables"][table]["columns"].values())
