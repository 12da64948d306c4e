"""Saved searches (digests.toml) and the digests they write: RSS, Atom, iCalendar and a page,
read back with feedparser, icalendar and recurring-ical-events."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
import recurring_ical_events

from eventhound import db as database
from eventhound.digest import write_digests
from eventhound.searches import SearchError, load_searches, parse_search
from tests.kit import calendar_event, cli

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DIGESTS = """
[digests.fairs-springfield]
title = "Job fairs near Springfield"
types = ["job_fair"]
near = "Springfield, IL"
km = 40

[digests.evening-online]
title = "Online evenings"
attendance = "online"
evening = true

[digests.nursing]
title = "Nursing"
text = "nursing"
days = 60
"""


def event(id, start, start_utc, **fields):
    """A scheduled job fair in Springfield unless fields say otherwise."""
    where = dict(event_type="job_fair", latitude=39.80, longitude=-89.64, status="scheduled")
    return calendar_event(id, start, start_utc, **(where | fields))


EVENTS = [
    event(
        "fair",
        "2027-03-04T18:30:00-06:00",
        "2027-03-05T00:30:00+00:00",
        end="2027-03-04T20:30:00-06:00",
        title='Nursing <script>alert("x")</script> & "Jobs" Fair',
        venue_name="Union Hall",
        city="Springfield",
        url="https://example.org/fair?a=1&b=2",
        description="Hospitals hiring nurses.",
    ),
    event(
        "la",
        "2027-03-09T10:00:00-08:00",
        "2027-03-09T18:00:00+00:00",
        timezone="America/Los_Angeles",
        latitude=34.05,
        longitude=-118.24,
        city="Los Angeles",
    ),
    event(
        "paris",
        "2027-03-10T19:00:00+01:00",
        "2027-03-10T18:00:00+00:00",
        timezone="Europe/Paris",
        attendance="online",
        event_type="networking",
        latitude=None,
        longitude=None,
    ),
    event("expo", "2027-03-12", "2027-03-12T06:00:00+00:00", all_day=1, event_type="trade_show", title="Career Expo"),
    event("gone", "2027-03-05T09:00:00-06:00", "2027-03-05T15:00:00+00:00", status="cancelled", title="Spring Fair"),
    event("later", "2027-03-15T09:00:00-05:00", "2027-03-15T14:00:00+00:00", status="postponed", title="Hiring Day"),
]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("digests")
    (tmp / "digests.toml").write_text(DIGESTS)
    db = database.open_db(tmp / "events.db")
    database.upsert_events(db, EVENTS, "2027-03-01T00:00:00Z")
    database.refresh_fts(db)
    searches = {**load_searches(tmp / "digests.toml"), **load_searches(None)}
    counts = write_digests(db, tmp / "site", searches, NOW, base_url="https://digests.example.org/jobs/")
    db.close()
    return tmp / "site", counts


def test_each_search_finds_its_events(written):
    _, counts = written
    # near Springfield: the fair, the cancelled and the postponed one (shown, marked); not LA, not the expo
    assert counts == {"fairs-springfield": 3, "evening-online": 1, "nursing": 1, "upcoming": 6}


def test_feeds_are_valid_and_escape_markup(written):
    site, _ = written
    for suffix, version in (("rss", "rss20"), ("atom", "atom10")):
        parsed = feedparser.parse((site / f"upcoming.{suffix}").read_bytes())
        assert parsed.bozo == 0 and parsed.version == version
        titles = [e.title for e in parsed.entries]
        assert any('<script>alert("x")</script>' in t for t in titles)  # text, not markup
        assert any(t.startswith("Mar 5 · CANCELLED: Spring Fair") for t in titles)
    assert b"<script>" not in (site / "upcoming.rss").read_bytes()


def test_calendar_keeps_each_publishers_instant_and_zone(written):
    site, _ = written
    calendar = icalendar.Calendar.from_ical((site / "upcoming.ics").read_bytes())
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert events["fair"].decoded("DTSTART") == datetime(2027, 3, 4, 18, 30, tzinfo=ZoneInfo("America/Chicago"))
    assert events["la"].decoded("DTSTART").utcoffset().total_seconds() == -8 * 3600
    assert events["paris"].decoded("DTSTART") == datetime(2027, 3, 10, 18, tzinfo=UTC)
    assert events["paris"]["DTSTART"].params["TZID"] == "Europe/Paris"
    assert events["expo"].decoded("DTSTART") == date(2027, 3, 12) and events["expo"].decoded("DTEND") == date(
        2027, 3, 13
    )
    assert str(events["gone"]["STATUS"]) == "CANCELLED" and str(events["later"]["STATUS"]) == "TENTATIVE"
    assert events["fair"]["LOCATION"] == "Union Hall, Springfield"
    assert events["later"].decoded("DTSTART").utcoffset().total_seconds() == -5 * 3600  # CDT
    occurrences = recurring_ical_events.of(calendar).between(datetime(2027, 3, 1), datetime(2027, 4, 1))
    published = {e["id"]: e for e in EVENTS}
    for occurrence in occurrences:  # every start is the instant the publisher gave, in its zone
        record = published[str(occurrence["UID"]).split("@")[0]]
        start = occurrence.decoded("DTSTART")
        if record["all_day"]:
            assert start == date.fromisoformat(record["start"])
        else:
            assert start == datetime.fromisoformat(record["start"])
            assert start.utcoffset() == datetime.fromisoformat(record["start"]).utcoffset()
    assert len(occurrences) == 6


def test_page_and_index_are_escaped_and_link_every_file(written):
    site, _ = written
    page = (site / "upcoming.html").read_text()
    assert '<html lang="en">' in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "Thu, Mar 4, 2027, 6:30 PM – 8:30 PM CST" in page and "Week of Mon, Mar 1, 2027" in page
    assert "CANCELLED:" in page
    index = (site / "index.html").read_text()
    for name in ("upcoming", "fairs-springfield", "evening-online", "nursing"):
        assert f'href="{name}.html"' in index and f'href="{name}.ics"' in index
    assert 'href="webcal://digests.example.org/jobs/nursing.ics"' in index


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"types": ["job_fair"]}, "title is required"),
        ({"title": "x", "types": ["jobfair"]}, "types: jobfair not event types"),
        ({"title": "x", "near": "Nowhereville, ZZ"}, "near: no city 'Nowhereville, ZZ'"),
        ({"title": "x", "attendance": "remote"}, "attendance must be one of in_person, online, hybrid"),
        ({"title": "x", "days": 0}, "days must be a whole number from 1 to 730"),
        ({"title": "x", "colour": "red"}, "unknown key(s) colour"),
    ],
)
def test_a_bad_saved_search_names_the_file_the_digest_and_the_problem(entry, problem):
    with pytest.raises(SearchError, match=re.escape("digests.toml: [digests.mine]: " + problem)):
        parse_search("mine", entry)


def test_without_a_file_one_digest_of_the_next_30_days():
    searches = load_searches(None)
    assert list(searches) == ["upcoming"] and searches["upcoming"].days == 30


def test_the_command_writes_the_files_and_keeps_out(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    database.upsert_events(db, EVENTS, "2027-03-01T00:00:00Z")
    db.close()
    (tmp_path / "digests.toml").write_text(DIGESTS)
    result = cli(
        "digest",
        "--db",
        tmp_path / "events.db",
        "--out-dir",
        tmp_path / "site",
        "--digests",
        tmp_path / "digests.toml",
        "--now",
        NOW.isoformat(),
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "site").iterdir())[:5] == [
        "evening-online.atom",
        "evening-online.html",
        "evening-online.ics",
        "evening-online.rss",
        "fairs-springfield.atom",
    ]
    (tmp_path / "bad.toml").write_text("[digests.x]\ntypes = ['job_fair']\n")
    bad = cli(
        "digest",
        "--db",
        tmp_path / "events.db",
        "--out-dir",
        tmp_path / "site",
        "--digests",
        tmp_path / "bad.toml",
    )
    assert bad.exit_code != 0 and "[digests.x]: title is required" in bad.stderr


def test_the_example_digests_file_is_valid():
    from pathlib import Path

    searches = load_searches(Path(__file__).resolve().parent.parent / "digests.example.toml")
    assert "healthcare-springfield" in searches and searches["healthcare-springfield"].lat is not None


def test_the_next_digest_shows_what_is_new_and_what_changed(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    database.upsert_events(db, EVENTS, "2027-03-01T00:00:00+00:00")
    searches = load_searches(None)
    write_digests(db, tmp_path / "site", searches, NOW)
    moved = [
        dict(EVENTS[0], venue_name="Armory", street="200 Main St"),  # the fair's place changed
        dict(EVENTS[1], status="cancelled"),  # LA cancelled
        dict(EVENTS[2], end="2027-03-10T21:00:00+01:00"),  # Paris: an end, a time change
        event("added", "2027-03-20T09:00:00-05:00", "2027-03-20T14:00:00+00:00", title="New Hiring Event"),
    ]
    database.upsert_events(db, moved, "2027-03-02T00:00:00+00:00")
    write_digests(db, tmp_path / "site", searches, datetime(2027, 3, 2, 12, tzinfo=UTC))
    runs = list(db.query("select digest, events, new, changed from digest_runs order by id"))
    db.close()
    assert runs == [
        {"digest": "upcoming", "events": 6, "new": 6, "changed": 0},
        {"digest": "upcoming", "events": 7, "new": 1, "changed": 3},
    ]
    calendar = icalendar.Calendar.from_ical((tmp_path / "site" / "upcoming.ics").read_bytes())
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert len(events) == 7  # the same UIDs: a calendar app updates, not adds
    assert (events["fair"]["SEQUENCE"], events["la"]["SEQUENCE"], events["expo"]["SEQUENCE"]) == (2, 1, 0)
    assert str(events["la"]["STATUS"]) == "CANCELLED" and events["fair"]["LOCATION"].startswith("Armory")
    entries = {e.id: e.title for e in feedparser.parse((tmp_path / "site" / "upcoming.rss").read_bytes()).entries}
    assert entries["fair#2"].endswith("Place changed: " + EVENTS[0]["title"])
    assert "CANCELLED: Event la" in entries["la#1"] and "Time changed: Event paris" in entries["paris#1"]
    assert "expo" in entries  # unchanged: the same guid, not shown again
    page = (tmp_path / "site" / "upcoming.html").read_text()
    new, changed = (
        page.split('id="new"')[1].split("</section>")[0],
        page.split('id="changed"')[1].split("</section>")[0],
    )
    assert "New Hiring Event" in new and "Event la" not in new
    assert "(Place changed)" in changed and "CANCELLED:" in changed and "(Time changed)" in changed


def test_a_rescheduled_event_keeps_its_uid_and_shows_as_changed(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    first = event(
        "demo:aaaa",
        "2027-03-08T18:00:00-06:00",
        "2027-03-09T00:00:00+00:00",
        title="Spring Career Fair",
        own_key="https://example.org/events/spring-career-fair",
    )
    database.upsert_events(db, [first], "2027-03-01T00:00:00+00:00")
    searches = load_searches(None)
    write_digests(db, tmp_path / "one", searches, NOW)
    moved = dict(first, id="demo:bbbb", start="2027-03-11T18:00:00-06:00", start_utc="2027-03-12T00:00:00+00:00")
    database.upsert_events(db, [moved], "2027-03-02T00:00:00+00:00")
    write_digests(db, tmp_path / "two", searches, datetime(2027, 3, 2, 12, tzinfo=UTC))
    assert [r["removed_at"] for r in db.query("select removed_at from events where id = 'demo:aaaa'")] == [
        "2027-03-02T00:00:00+00:00"
    ]
    db.close()
    before, after = (
        icalendar.Calendar.from_ical((tmp_path / d / "upcoming.ics").read_bytes()).walk("VEVENT")
        for d in ("one", "two")
    )
    assert len(before) == len(after) == 1 and before[0]["UID"] == after[0]["UID"]  # moved, not added
    assert (before[0]["SEQUENCE"], after[0]["SEQUENCE"]) == (0, 1)
    assert after[0].decoded("DTSTART") == datetime(2027, 3, 11, 18, tzinfo=ZoneInfo("America/Chicago"))
    titles = [e.title for e in feedparser.parse((tmp_path / "two" / "upcoming.rss").read_bytes()).entries]
    assert titles == ["Mar 11 · Time changed: Spring Career Fair"]
    assert "(Time changed)" in (tmp_path / "two" / "upcoming.html").read_text().split('id="changed"')[1]
