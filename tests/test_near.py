"""Near me: eventhound.db.near, the `near` canned query (Datasette) and `eventhound near`."""

import asyncio
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from datasette.app import Datasette

from eventhound import db as database
from tests.kit import cli, stored_record

METADATA = Path(__file__).resolve().parent.parent / "datasette-metadata.json"
CLEVELAND = (41.4995, -81.69541)  # the gazetteer's Cleveland, OH
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)

# id: (latitude, longitude, days from now, extra fields); distances from Cleveland
PLACES = {
    "downtown": (41.5012, -81.6745, 3, {}),  # ~1.8 km
    "lakewood": (41.48199, -81.79819, 1, {}),  # ~8.8 km
    "akron": (41.0814, -81.5190, 2, {}),  # ~48.8 km
    "columbus": (39.96118, -82.99879, 1, {}),  # ~203 km
    "online": (None, None, 1, {"attendance": "online"}),
    "dup": (41.5012, -81.6745, 3, {"duplicate_of": "downtown"}),
    "past": (41.5012, -81.6745, -2, {}),
    "later": (41.5012, -81.6745, 45, {}),
}


def record(id, lat, lon, start: datetime, **fields):
    return stored_record(
        dict(
            id=id,
            source="demo",
            title=f"Job fair {id}",
            start=database.iso_utc(start),
            start_utc=database.iso_utc(start),
            timezone="UTC",
            latitude=lat,
            longitude=lon,
            city="Cleveland",
            region="OH",
            country="US",
            event_type="job_fair",
            url=f"https://example.org/{id}",
        ),
        **fields,
    )


def build(path: Path, now: datetime) -> Path:
    db = database.open_db(path)
    database.upsert_events(
        db,
        [record(id, lat, lon, now + timedelta(days=days), **extra) for id, (lat, lon, days, extra) in PLACES.items()],
        database.iso_utc(now),
    )
    database.refresh_fts(db)
    db.close()
    return path


def test_indexes_on_coordinates(tmp_path):
    db = database.open_db(tmp_path / "e.db")
    indexes = {tuple(i.columns) for i in db["events"].indexes}
    assert ("latitude", "longitude") in indexes and ("longitude",) in indexes
    plan = " ".join(
        str(r)
        for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM events WHERE latitude BETWEEN 41 AND 42 AND longitude BETWEEN -82 AND -81"
        )
    )
    assert "idx_events_l" in plan
    db.close()
    assert ("latitude", "longitude") in {
        tuple(i.columns) for i in database.open_db(tmp_path / "e.db")["events"].indexes
    }


def test_db_near(tmp_path):
    db = database.open_db(build(tmp_path / "e.db", NOW))
    rows = database.near(db, *CLEVELAND, 40, database.iso_utc(NOW), 30)
    assert [r["id"] for r in rows] == ["downtown", "lakewood"]
    assert rows[0]["distance_km"] == pytest.approx(1.8, abs=0.05)
    assert rows[1]["distance_km"] == pytest.approx(8.8, abs=0.2)
    assert [r["id"] for r in database.near(db, *CLEVELAND, 50, database.iso_utc(NOW), 30)] == [
        "downtown",
        "lakewood",
        "akron",
    ]
    assert [r["id"] for r in database.near(db, *CLEVELAND, 250, database.iso_utc(NOW), 60)] == [
        "downtown",
        "later",
        "lakewood",
        "akron",
        "columbus",
    ]  # same place: by start
    assert database.near(db, *CLEVELAND, 1, database.iso_utc(NOW), 30) == []


def test_near_canned_query(tmp_path):
    # The canned query compares with SQLite's datetime('now'): times relative to the real clock.
    now = datetime.now(UTC)
    path = build(tmp_path / "events.db", now)
    ds = Datasette([str(path)], metadata=json.loads(METADATA.read_text(encoding="utf-8")))

    async def get(query):
        response = await ds.client.get(f"/events/near.json?_shape=array&{query}")
        assert response.status_code == 200, response.text[:500]
        return response.json()

    rows = asyncio.run(get("lat=41.4995&lon=-81.69541"))  # default 40 km, 30 days
    assert [r["id"] for r in rows] == ["downtown", "lakewood"]
    assert rows[0]["distance_km"] == pytest.approx(1.8, abs=0.05)
    assert {"start", "title", "venue_name", "city", "url"} <= set(rows[0])
    rows = asyncio.run(get("lat=41.4995&lon=-81.69541&km=50"))
    assert [r["id"] for r in rows] == ["downtown", "lakewood", "akron"]
    assert rows[2]["distance_km"] == pytest.approx(48.8, abs=0.2)
    rows = asyncio.run(get("lat=41.4995&lon=-81.69541&km=250&days=60"))
    assert [r["id"] for r in rows] == ["downtown", "later", "lakewood", "akron", "columbus"]
    # Datasette serves the same query for the demo database
    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    assert metadata["databases"]["demo"]["queries"]["near"] == metadata["databases"]["events"]["queries"]["near"]


def test_near_command_by_city(tmp_path):
    path = build(tmp_path / "events.db", NOW)
    done = cli("near", "Cleveland, OH", "--km", "40", "--db", path, "--now", NOW.isoformat())
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2 events within 40 km of Cleveland, OH, US (41.4995, -81.6954)")
    assert "nearest first" in lines[0]
    assert (
        "    1.8 km  2027-03-04T12:00:00+00:00" in lines[1]
        and "Job fair downtown" in lines[1]
        and "https://example.org/downtown" in lines[1]
    )
    assert "Job fair lakewood" in lines[2] and len(lines) == 3


def test_near_command_by_point_and_errors(tmp_path):
    path = build(tmp_path / "events.db", NOW)
    done = cli(
        "near",
        "--lat",
        "41.0814",
        "--lon",
        "-81.5190",
        "--km",
        "10",
        "--db",
        path,
        "--now",
        NOW.isoformat(),
        "--days",
        "7",
    )
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("1 events within 10 km of (41.0814, -81.5190)")
    assert "Job fair akron" in done.stdout
    done = cli("near", "Gotham City, NJ", "--db", path)
    assert done.exit_code == 1 and "not in the gazetteer" in done.stderr
    done = cli("near", "--lat", "41", "--db", path)
    assert done.exit_code == 2 and "both --lat and --lon" in done.stderr
    done = cli("near", "--help")
    assert 'Example: eventhound near "Cleveland, OH" --km 40' in done.stdout


@pytest.mark.parametrize(
    "place, center",
    [
        ("Toronto, Canada", "Toronto, ON, CA"),
        ("London, United Kingdom", "London, ENG, GB"),
        ("London, UK", "London, ENG, GB"),
        ("Paris, France", "Paris, 11, FR"),
    ],
)
def test_near_command_by_city_and_country(tmp_path, place, center):
    from click.testing import CliRunner

    from eventhound.cli import main

    path = build(tmp_path / "events.db", NOW)
    done = CliRunner().invoke(main, ["near", place, "--db", str(path), "--now", NOW.isoformat()])
    assert done.exit_code == 0, done.output
    assert f" of {center} (" in done.output.splitlines()[0]


def test_near_command_rejects_an_unknown_country(tmp_path):
    from click.testing import CliRunner

    from eventhound.cli import main

    done = CliRunner().invoke(main, ["near", "Paris, Atlantis", "--db", str(build(tmp_path / "events.db", NOW))])
    assert done.exit_code == 2 and "neither a state, a province nor a country" in done.output


JOB_SEEKER = {  # id: (event_type, topics, is_free, local start hour, status)
    "hc-meeting": ("association_meeting", ["healthcare"], 1, 18, "scheduled"),
    "hc-fair-day": ("job_fair", ["healthcare"], 1, 10, "scheduled"),
    "hc-fair-night": ("job_fair", ["healthcare", "hospitality"], 1, 17, "scheduled"),
    "tech-fair": ("job_fair", ["technology"], 1, 18, "scheduled"),
    "paid-meeting": ("association_meeting", ["healthcare"], 0, 19, "scheduled"),
    "hc-workshop": ("workshop", ["healthcare"], 1, 18, "scheduled"),
    "cancelled": ("job_fair", ["healthcare"], 1, 18, "cancelled"),
}


def job_seeker_db(path: Path) -> Path:
    db = database.open_db(path)
    rows = []
    for id, (kind, topics, free, hour, status) in JOB_SEEKER.items():
        start = datetime(2027, 3, 4, hour, 0, tzinfo=timezone(timedelta(hours=-5)))
        row = record(
            id,
            41.5012,
            -81.6745,
            start,
            title=f"{kind} {id}",
            event_type=kind,
            topics=json.dumps(topics),
            is_free=free,
            status=status,
            timezone="America/New_York",
        )
        rows.append({**row, "start": start.isoformat()})  # local time, as the pipelines store it
    database.upsert_events(db, rows, database.iso_utc(NOW))
    db.close()
    return path


def test_db_near_job_seeker_filters(tmp_path):
    db = database.open_db(job_seeker_db(tmp_path / "events.db"))

    def found(**filters):
        return sorted(r["id"] for r in database.near(db, *CLEVELAND, 40, database.iso_utc(NOW), 30, **filters))

    assert found() == sorted(JOB_SEEKER)
    assert found(
        types=["job_fair", "association_meeting"], topics=["healthcare"], free=True, evening=True, with_cancelled=False
    ) == ["hc-fair-night", "hc-meeting"]
    assert found(evening=True, with_cancelled=False) == [
        "hc-fair-night",
        "hc-meeting",
        "hc-workshop",
        "paid-meeting",
        "tech-fair",
    ]  # 17:00 local counts, 10:00 does not
    assert found(free=True) == sorted(set(JOB_SEEKER) - {"paid-meeting"})
    assert found(topics=["hospitality", "technology"]) == ["hc-fair-night", "tech-fair"]
    assert found(types=["workshop"]) == ["hc-workshop"]


def test_near_command_job_seeker_search(tmp_path):
    path = job_seeker_db(tmp_path / "events.db")
    done = cli(
        "near",
        "Cleveland, OH",
        "--km",
        "40",
        "--type",
        "job_fair",
        "--type",
        "association_meeting",
        "--topic",
        "healthcare",
        "--free",
        "--evening",
        "--db",
        path,
        "--now",
        NOW.isoformat(),
    )
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("3 events within 40 km")
    titles = " ".join(lines[1:])
    assert "association_meeting hc-meeting  [association_meeting]" in titles and "job_fair hc-fair-night" in titles
    assert "CANCELLED: job_fair cancelled" in titles  # listed, but marked
    assert "hc-fair-day" not in titles and "paid-meeting" not in titles and "hc-workshop" not in titles
    done = cli("near", "Cleveland, OH", "--type", "party", "--db", path)
    assert done.exit_code == 2 and "party: not an event type" in done.stderr
