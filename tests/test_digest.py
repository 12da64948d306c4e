"""eventhound.digest: the RSS 2.0 digest, read back with feedparser."""

from datetime import UTC, datetime

import feedparser
import pytest

from eventhound import db as database
from eventhound.digest import when_text, write_rss
from tests.kit import calendar_event

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def feed(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    database.upsert_events(
        db,
        [
            calendar_event(
                "demo:fair",
                "2027-03-04T18:30:00-06:00",
                "2027-03-05T00:30:00Z",
                end="2027-03-04T20:30:00-06:00",
                title="Tacos & <Jobs> Night",
                url="https://example.org/events/fair?a=1&b=2",
                venue_name="Union Hall",
                city="Springfield",
                region="IL",
                event_type="job_fair",
                description="Bring <b>résumés</b> & questions.",
            ),
            calendar_event(
                "demo:expo",
                "2027-03-10",
                "2027-03-10T06:00:00Z",
                all_day=1,
                title="Career Expo",
                event_type="trade_show",
                city="Peoria",
            ),
            calendar_event(
                "berlin:meetup",
                "2027-03-02T19:00:00+01:00",
                "2027-03-02T18:00:00Z",
                timezone="Europe/Berlin",
                title="Founders meetup",
                event_type="networking",
                attendance="online",
            ),
            calendar_event("demo:past", "2027-02-20T10:00:00-06:00", "2027-02-20T16:00:00Z"),
            calendar_event("demo:far", "2027-06-01T10:00:00-05:00", "2027-06-01T15:00:00Z"),
            calendar_event("demo:dup", "2027-03-04T18:30:00-06:00", "2027-03-05T00:30:00Z", duplicate_of="demo:fair"),
        ],
        "2027-03-01T00:00:00Z",
    )
    out = tmp_path / "digest.xml"
    count = write_rss(db, out, now=NOW, days=30, title="Career events", link="https://example.org/")
    db.close()
    return count, out, feedparser.parse(out.read_bytes())


def test_feed_is_valid_rss(feed):
    count, out, parsed = feed
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Career events"
    assert count == len(parsed.entries) == 3


def test_items_in_start_order_with_stable_guids(feed):
    _, _, parsed = feed
    assert [e.id for e in parsed.entries] == ["berlin:meetup", "demo:fair", "demo:expo"]
    assert all(e.guidislink is False for e in parsed.entries)
    assert b'isPermaLink="false"' in feed[1].read_bytes()


def test_titles_escaped_and_dated(feed):
    _, out, parsed = feed
    fair = parsed.entries[1]
    assert fair.title == "Mar 4 · Tacos & <Jobs> Night"
    assert b"Tacos &amp; &lt;Jobs&gt; Night" in out.read_bytes()
    assert fair.link == "https://example.org/events/fair?a=1&b=2"
    # No url: the page it was read from.
    assert parsed.entries[2].link == "https://example.org/calendar"


def test_description_local_time_and_place(feed):
    _, _, parsed = feed
    meetup, fair, expo = parsed.entries
    # Times in the event's own zone, not UTC.
    assert "Thu, Mar 4, 2027, 6:30 PM – 8:30 PM CST" in fair.summary
    assert "Union Hall, Springfield, IL" in fair.summary
    assert "job fair" in fair.summary
    # Markup in event text is shown as text, not interpreted.
    assert "&lt;b&gt;résumés&lt;/b&gt; &amp; questions." in fair.summary
    assert "Tue, Mar 2, 2027, 7:00 PM CET" in meetup.summary
    assert "Online" in meetup.summary
    assert "Wed, Mar 10, 2027, all day" in expo.summary
    assert expo.title == "Mar 10 · Career Expo"


def test_when_text():
    assert (
        when_text({"start": "2027-07-04T09:00:00-05:00", "timezone": "America/Chicago"})
        == "Sun, Jul 4, 2027, 9:00 AM CDT"
    )
    assert (
        when_text(
            {"start": "2027-07-04T23:00:00-05:00", "end": "2027-07-05T01:00:00-05:00", "timezone": "America/Chicago"}
        )
        == "Sun, Jul 4, 2027, 11:00 PM – Mon, Jul 5, 2027, 1:00 AM CDT"
    )
    # No zone: the offset it was published with.
    assert when_text({"start": "2027-07-04T09:00:00+05:30"}) == "Sun, Jul 4, 2027, 9:00 AM UTC+05:30"
    assert (
        when_text({"start": "2027-07-04", "end": "2027-07-06", "all_day": 1})
        == "Sun, Jul 4, 2027 – Tue, Jul 6, 2027, all day"
    )
    assert when_text({"start": "2027-07-04", "all_day": 0}) == "Sun, Jul 4, 2027, time not stated"


def test_empty_window(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    out = tmp_path / "digest.xml"
    assert write_rss(db, out, now=NOW, days=7) == 0
    parsed = feedparser.parse(out.read_bytes())
    assert parsed.bozo == 0 and parsed.entries == []
    assert list(tmp_path.glob(".digest.xml.*")) == []  # no temporary file left behind


def test_title_says_when_an_event_is_cancelled():
    from eventhound.digest import item_title

    event = {"title": "Nursing Hiring Event", "start": "2027-02-23T08:00:00-06:00", "status": "cancelled"}
    assert item_title(event) == "Feb 23 · CANCELLED: Nursing Hiring Event"
    assert item_title({**event, "status": "scheduled"}) == "Feb 23 · Nursing Hiring Event"


def test_a_calendar_lists_its_time_zones_in_one_order_whatever_the_process():
    import subprocess
    import sys

    script = (
        "from datetime import datetime, timezone\n"
        "from tests.kit import calendar_event\n"
        "from eventhound.digest import build_calendar\n"
        "zones = ['America/Chicago', 'Europe/Berlin', 'America/Denver', 'Asia/Tokyo', 'America/New_York']\n"
        "events = [calendar_event(f'z{n}', '2027-03-04T18:30:00', '2027-03-05T00:30:00Z', timezone=z)"
        " for n, z in enumerate(zones)]\n"
        "print([str(c['TZID']) for c in build_calendar(events, datetime(2027, 3, 1, tzinfo=timezone.utc),"
        " 'x').subcomponents if c.name == 'VTIMEZONE'])\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
        ).stdout
        for seed in (1, 2, 3)
    }
    assert seen == {"['America/Chicago', 'America/Denver', 'America/New_York', 'Asia/Tokyo', 'Europe/Berlin']\n"}
