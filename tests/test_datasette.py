"""datasette-metadata.json against Datasette 0.65 on a real events database."""

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from datasette.app import Datasette

from eventhound import db as database
from eventhound.db import EVENT_COLUMNS
from tests.kit import stored_record

METADATA = Path(__file__).resolve().parent.parent / "datasette-metadata.json"


def load_metadata():
    return json.loads(METADATA.read_text(encoding="utf-8"))


def event(id, start_utc, **fields):
    return stored_record(
        dict(
            id=id,
            source="demo",
            title=f"Event {id}",
            start=start_utc,
            start_utc=start_utc,
            timezone="UTC",
            city="Springfield",
            country="US",
            event_type="job_fair",
        ),
        **fields,
    )


def utc(delta: timedelta) -> str:
    # The canned query compares with SQLite's datetime('now'): real time, relative to the test run.
    return database.iso_utc(datetime.now(UTC) + delta)


@pytest.fixture
def client(tmp_path):
    path = tmp_path / "events.db"
    db = database.open_db(path)
    database.upsert_events(
        db,
        [
            event("past", utc(timedelta(days=-2))),
            event("in3", utc(timedelta(days=3)), title="Welding Workshop"),
            event("in1", utc(timedelta(days=1)), title="Spring Job Fair", organizer="Tri-County Chamber"),
            event("in20", utc(timedelta(days=20))),
            event("in45", utc(timedelta(days=45))),
            event("dup", utc(timedelta(days=2)), duplicate_of="in1"),
            event("gone", utc(timedelta(days=2)), removed_at="x"),
        ],
        utc(timedelta(0)),
    )
    db.execute("UPDATE events SET removed_at = ? WHERE id = 'gone'", [utc(timedelta(hours=-1))])
    db.conn.commit()
    database.refresh_fts(db)
    db.close()
    return serve(path)


def serve(path):
    """get(url): the JSON (or HTML) Datasette serves for url on the database at path."""
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
    assert set(data["facet_results"]) == {
        "source",
        "city",
        "country",
        "event_type",
        "topics",
        "audience",
        "categories",
        "attendance",
        "is_free",
    }
    ids = [row[0] for row in data["rows"]]
    assert ids == ["past", "in1", "dup", "gone", "in3", "in20", "in45"]


def test_metadata_same_for_events_and_demo_databases():
    metadata = load_metadata()
    assert metadata["databases"]["events"] == metadata["databases"]["demo"]
    assert set(metadata["databases"]["events"]["tables"]) == {"events", "sources", "runs", "event_sources"}
    for table in ("sources", "runs", "event_sources"):
        assert all(metadata["databases"]["events"]["tables"][table]["columns"].values())


# ---------------------------------------------------------------------------- find: the job seeker's search

CHICAGO = ZoneInfo("America/Chicago")
SPRINGFIELD = {"lat": "39.7817", "lon": "-89.6501"}  # Springfield, IL
# name: (latitude, longitude, city); distances from SPRINGFIELD
PLACES = {
    "springfield": (39.8017, -89.6437, "Springfield"),  # 2.3 km
    "chatham": (39.6761, -89.7043, "Chatham"),  # 12.6 km
    "petersburg": (40.0117, -89.8484, "Petersburg"),  # 30.7 km
    "decatur": (39.8403, -88.9548, "Decatur"),  # 59.7 km
}


def local(days: int, hour: int, minute: int = 0) -> datetime:
    """`days` from today at hour:minute, Springfield time (the query compares with the real clock)."""
    day = datetime.now(CHICAGO).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def seeker_event(
    id,
    when: datetime | date,
    title,
    event_type="association_meeting",
    topics=("healthcare",),
    place="springfield",
    **fields,
):
    if isinstance(when, datetime):
        start, start_utc, all_day = when.isoformat(), database.iso_utc(when), 0
    else:
        start, start_utc, all_day = when.isoformat(), database.iso_utc(datetime.combine(when, time(0), CHICAGO)), 1
    record = dict(
        id=f"{id}",
        source="chamber",
        title=title,
        event_type=event_type,
        topics=json.dumps(list(topics)),
        audience="[]",
        start=start,
        start_utc=start_utc,
        all_day=all_day,
        timezone="America/Chicago",
        region="IL",
        country="US",
        is_free=1,
        attendance="in_person",
        status="scheduled",
        url=f"https://chamber.example/events/{id}/",
    )
    if place:
        lat, lon, city = PLACES[place]
        record.update(latitude=lat, longitude=lon, city=city)
    return stored_record(record, **fields)


@pytest.fixture(scope="module")
def seeker_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("find") / "events.db"
    hfma = seeker_event(
        "hfma",
        local(5, 18),
        "HFMA Illinois Chapter: Evening Networking Meeting",
        topics=("healthcare", "finance"),
        place="petersburg",
        organizer="HFMA First Illinois",
    )
    records = [
        hfma,
        seeker_event(
            "nurses-decatur", local(6, 18, 30), "Central Illinois Nurses Association Meeting", place="decatur"
        ),
        seeker_event("nursing-fair", local(3, 10), "Nursing Career Fair", "job_fair", place="chatham"),
        seeker_event(
            "leadership-dinner",
            local(8, 18, 30),
            "ACHE Healthcare Leadership Dinner",
            is_free=0,
            price_min=45.0,
            price_max=45.0,
            currency="USD",
        ),
        seeker_event(
            "plant-hiring", local(4, 17), "Manufacturing Evening Hiring Event", "job_fair", topics=("manufacturing",)
        ),
        seeker_event(
            "welding",
            local(7, 18),
            "Intro to Welding Workshop",
            "workshop",
            topics=("skilled_trades",),
            audience='["youth"]',
        ),
        seeker_event(
            "virtual-fair",
            local(9, 17, 30),
            "Virtual Healthcare Job Fair",
            "job_fair",
            place=None,
            attendance="online",
            online_url="https://zoom.us/j/5550001111",
        ),
        seeker_event(
            "ima-hybrid",
            local(10, 17, 30),
            "IMA Springfield Chapter Meeting (in person or online)",
            topics=("finance",),
            attendance="hybrid",
            online_url="https://zoom.us/j/5550002222",
        ),
        seeker_event("expo-all-day", local(12, 0).date(), "Regional Healthcare Career Expo", "job_fair"),
        seeker_event(
            "hfma-next",
            local(40, 18),
            "HFMA Illinois Chapter: Evening Networking Meeting",
            topics=("healthcare", "finance"),
            place="petersburg",
        ),
        # never shown: another source's listing of hfma, a cancelled fair, a removed one, a past one
        dict(hfma, id="library:hfma", source="library", duplicate_of="hfma"),
        seeker_event("cancelled", local(5, 18), "Healthcare Job Fair", "job_fair", status="cancelled"),
        seeker_event("removed", local(5, 18, 30), "Healthcare Networking Night"),
        seeker_event("past", local(-2, 18), "HFMA Illinois Chapter: Evening Networking Meeting", place="petersburg"),
    ]
    db = database.open_db(path)
    database.upsert_events(db, records, utc(timedelta(0)))
    db.execute("UPDATE events SET removed_at = ? WHERE id = 'removed'", [utc(timedelta(hours=-1))])
    db.conn.commit()
    database.refresh_fts(db)
    db.close()
    return path


@pytest.fixture(scope="module")
def seeker(seeker_path):
    return serve(seeker_path)


def find(get, **params) -> list[dict]:
    return get("/events/find.json?_shape=array&" + urlencode(params))


UPCOMING = [
    "nursing-fair",
    "plant-hiring",
    "cancelled",
    "hfma",
    "nurses-decatur",
    "welding",
    "leadership-dinner",
    "virtual-fair",
    "ima-hybrid",
    "expo-all-day",
]


def test_find_without_filters_lists_the_upcoming_events_soonest_first(seeker):
    rows = find(seeker)
    assert [r["id"] for r in rows] == UPCOMING  # no duplicate, removed, past or later event
    assert {"start", "title", "event_type", "topics", "attendance", "is_free", "city", "url", "distance_km"} <= set(
        rows[0]
    )
    # the form sends every field, empty: the same as no filter
    empty = dict.fromkeys(database.SEARCH_PARAMS, "")
    assert [r["id"] for r in find(seeker, **empty)] == UPCOMING
    assert "hfma-next" in [r["id"] for r in find(seeker, days="60")]


def test_a_cancelled_event_is_listed_as_cancelled_unless_hidden(seeker):
    assert {r["id"]: r["status"] for r in find(seeker)}["cancelled"] == "cancelled"
    assert "cancelled" not in {r["id"] for r in find(seeker, hide_cancelled="1")}
    assert "cancelled" in {r["id"] for r in seeker("/events/near.json?_shape=array&km=40&" + urlencode(SPRINGFIELD))}


def test_find_the_issue_search(seeker):
    # job fairs and healthcare association meetings within 40 km, this month, evenings, free
    rows = find(
        seeker,
        types="job_fair,association_meeting",
        topics="healthcare",
        km="40",
        days="30",
        free="1",
        evening="1",
        attendance="",
        hide_cancelled="1",
        **SPRINGFIELD,
    )
    assert [r["id"] for r in rows] == ["hfma"]
    assert rows[0]["distance_km"] == pytest.approx(30.7, abs=0.2)
    assert json.loads(rows[0]["topics"]) == ["healthcare", "finance"]


@pytest.mark.parametrize(
    "params, kept, dropped",
    [
        (dict(km="40", **SPRINGFIELD), {"hfma", "nursing-fair", "ima-hybrid"}, {"nurses-decatur", "virtual-fair"}),
        (dict(km="70", **SPRINGFIELD), {"hfma", "nurses-decatur"}, {"virtual-fair"}),
        (dict(km="40"), {"nurses-decatur", "virtual-fair"}, set()),  # no point: km alone filters nothing
        (dict(evening="1"), {"hfma", "plant-hiring", "virtual-fair"}, {"nursing-fair", "expo-all-day"}),
        (dict(free="1"), {"hfma", "welding"}, {"leadership-dinner"}),
        (dict(types="job_fair,association_meeting"), {"hfma", "nursing-fair", "plant-hiring"}, {"welding"}),
        (dict(types="job_fair, association_meeting"), {"hfma", "nursing-fair"}, {"welding"}),
        (dict(types="workshop"), {"welding"}, {"hfma", "nursing-fair"}),
        (
            dict(topics="healthcare"),
            {"hfma", "virtual-fair", "expo-all-day"},
            {"plant-hiring", "welding", "ima-hybrid"},
        ),
        (dict(topics="finance"), {"hfma", "ima-hybrid"}, {"nursing-fair"}),
        (dict(topics="health"), set(), {"hfma", "virtual-fair"}),  # one whole tag, not a part of one
        (dict(topics="manufacturing, skilled_trades"), {"plant-hiring", "welding"}, {"hfma"}),  # any of them
        (dict(audience="youth"), {"welding"}, {"hfma", "plant-hiring"}),
        (dict(text="welding"), {"welding"}, {"hfma", "plant-hiring"}),
        (dict(attendance="online"), {"virtual-fair", "ima-hybrid"}, {"hfma", "nursing-fair"}),
        (dict(attendance="in_person"), {"hfma", "ima-hybrid"}, {"virtual-fair"}),
        (dict(attendance="hybrid"), {"ima-hybrid"}, {"hfma", "virtual-fair"}),
        (dict(days="4"), {"nursing-fair"}, {"hfma", "expo-all-day"}),
    ],
)
def test_find_each_filter_keeps_and_drops(seeker, params, kept, dropped):
    ids = {r["id"] for r in find(seeker, **params)}
    assert kept <= ids and not dropped & ids, ids
    assert not {"library:hfma", "removed", "past"} & ids


def test_the_canned_queries_are_the_sql_db_py_runs():
    for name in ("events", "demo"):
        queries = load_metadata()["databases"][name]["queries"]
        for query, sql in database.canned_queries().items():
            assert queries[query]["sql"] == sql, (
                f"{query}: datasette-metadata.json differs from eventhound.db; run "
                "python -c \"from eventhound.db import write_canned_queries as w; w('datasette-metadata.json')\""
            )


@pytest.mark.parametrize(
    "params",
    [
        {},
        dict(km="40", **SPRINGFIELD),
        dict(types="job_fair", evening="1"),
        dict(topics="healthcare,finance", free="1"),
        dict(attendance="online", days="60"),
        dict(audience="youth"),
        dict(text="healthcare"),
        dict(hide_cancelled="1"),
    ],
)
def test_datasette_find_and_near_give_row_for_row_what_python_finds(seeker, seeker_path, params):
    conn = database.open_db(seeker_path)
    near = (float(params["lat"]), float(params["lon"]), float(params["km"])) if "lat" in params else None
    python = database.find_events(
        conn,
        database.iso_utc(datetime.now(UTC)),
        int(params.get("days", 30)),
        near=near,
        types=[t for t in params.get("types", "").split(",") if t],
        topics=[t for t in params.get("topics", "").split(",") if t],
        audience=[a for a in params.get("audience", "").split(",") if a],
        free=params.get("free") == "1",
        evening=params.get("evening") == "1",
        attendance=params.get("attendance"),
        text=params.get("text"),
        with_cancelled=params.get("hide_cancelled") != "1",
    )
    assert [(r["id"], r["distance_km"]) for r in find(seeker, **params)] == [
        (r["id"], r["distance_km"]) for r in python
    ]
    if near is not None:
        nearest = database.near(conn, *near, database.iso_utc(datetime.now(UTC)), 30)
        served = seeker("/events/near.json?_shape=array&" + urlencode(params))
        assert [(r["id"], r["distance_km"]) for r in served] == [(r["id"], r["distance_km"]) for r in nearest]
    conn.close()


def test_topic_and_audience_array_facets(seeker):
    facets = seeker("/events/events.json?_facet_size=50")["facet_results"]
    assert facets["topics"]["type"] == "array"
    topics = {r["value"]: r["count"] for r in facets["topics"]["results"]}
    assert topics["healthcare"] == 11 and topics["finance"] == 4
    assert {r["value"]: r["count"] for r in facets["audience"]["results"]} == {"youth": 1}
    assert {r["value"] for r in facets["attendance"]["results"]} == {"in_person", "online", "hybrid"}


# ---------------------------------------------------------------------------- for a job seeker's eyes


def test_cells_in_words_not_iso_or_json(tmp_path):
    path = tmp_path / "events.db"
    db = database.open_db(path)
    soon = datetime.now(UTC) + timedelta(days=3)
    local = soon.astimezone(CHICAGO).replace(hour=18, minute=30, second=0, microsecond=0)
    database.upsert_events(
        db,
        [
            event(
                "fair",
                database.iso_utc(local),
                start=local.isoformat(),
                timezone="America/Chicago",
                title='Job <Fair> "North"',
                url="https://example.org/fair?a=1&b=2",
                topics='["healthcare", "manufacturing"]',
                audience='["veterans"]',
                categories='["Career Development"]',
            )
        ],
        utc(timedelta(0)),
    )
    db.close()
    get = serve(path)
    page = get("/events/find?types=&topics=&lat=&lon=&km=&days=30&free=&evening=&attendance=")
    assert f"{local:%a}, {local:%b} {local.day}, {local.year}, 6:30 PM C" in page  # CST or CDT
    assert 'href="https://example.org/fair?a=1&amp;b=2">Job &lt;Fair&gt; &#34;North&#34;</a>' in page
    assert "healthcare, manufacturing" in page and '["healthcare"' not in page and "&#34;healthcare&#34;" not in page
    assert local.isoformat() not in page.split("<table", 1)[1].replace(f'title="{local.isoformat()}"', "")
    assert '<textarea id="sql-editor"' not in page  # hide_sql: the job seeker sees the form, not the SQL
    table = get("/events/events")
    assert "datasette-cluster-map" in table  # the map of results


def test_sources_page_shows_each_sources_health(tmp_path):
    from eventhound.sources import Source

    path = tmp_path / "events.db"
    db = database.open_db(path)
    database.save_sources(
        db,
        [
            Source(key=k, spider="ical", urls=(f"https://{k}.example/cal.ics",), timezone="UTC")
            for k in ("chamber", "library", "campus")
        ],
    )
    for items, error in ((12, None), (10, None), (0, "https://library.example/cal.ics: HTTP 503")):
        database.record_run(
            db,
            {
                "source": "library" if error else "chamber",
                "started": utc(timedelta(0)),
                "items": items,
                "errors": int(bool(error)),
                "dropped": 0,
                "error": error,
            },
        )
    db.close()
    rows = serve(path)("/events/sources.json?_shape=array")
    health = {r["source"]: (r["health"], r["events"], r["usual_events"], r["last_error"]) for r in rows}
    assert health == {
        "chamber": ("ok", 10, 11, None),
        "library": ("needs attention", 0, None, "https://library.example/cal.ics: HTTP 503"),
        "campus": ("never crawled", None, None, None),
    }
    assert rows[0]["health"] != "ok"  # the ones needing attention first
