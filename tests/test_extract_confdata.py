"""tech-conferences/conference-data JSON -> raw events (eventhound.extractors.confdata)."""

from datetime import UTC, datetime
from pathlib import Path

from eventhound.extract import Tally, extract_events
from eventhound.extractors import confdata
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import Source

FILE = Path(__file__).parent / "fixtures" / "confdata" / "conferences" / "2027" / "leadership.json"
URL = "https://raw.githubusercontent.com/tech-conferences/conference-data/main/conferences/2027/leadership.json"
NOW = datetime(2027, 2, 1, tzinfo=UTC)
CTX = Context(now=NOW, timezone="UTC")


def extract(text=None, url=URL):
    return confdata.extract(FILE.read_text() if text is None else text, url, CTX)


def test_each_conference_is_an_all_day_event_with_inclusive_end():
    x = extract()
    assert [e["title"] for e in x.events] == [
        "Engineering Leaders Summit Denver",
        "Remote Hiring & Onboarding Day",
        "Tech Talent Forum Berlin",
        "StaffPlus Career Growth Conference",
        "Engineering Leaders Summit Denver",
    ]
    assert x.errors == ["event_without_start"]  # the CTO Roundtable has no date yet
    berlin = x.events[2]
    assert (berlin["start_text"], berlin["end_text"], berlin["all_day"]) == ("2027-04-19", "2027-04-21", "true")
    assert berlin["url"] == "https://techtalentforum.example/berlin"


def test_place_attendance_topic_and_id():
    denver, remote, berlin, london, denver_fall = extract().events
    assert (denver["city"], denver["region"], denver["country"]) == ("Denver", "CO", "U.S.A.")
    assert denver["attendance_mode"] == "OfflineEventAttendanceMode"
    assert remote["attendance_mode"] == "OnlineEventAttendanceMode" and "city" not in remote
    assert berlin["attendance_mode"] == "MixedEventAttendanceMode" and berlin["city"] == "Berlin"
    assert "region" not in berlin and london["country"] == "U.K."
    assert denver["categories"] == ["leadership"]
    # the same conference site twice a year: two events
    assert denver["own_id"] == "https://engleaders.example/denver-2027|2027-02-24"
    assert denver_fall["own_id"] == "https://engleaders.example/denver-2027|2027-10-13"


def test_through_the_pipelines():
    source = Source(key="confdata-leadership", spider="confdata", urls=(URL,), timezone="UTC", event_type="conference")
    records = extract_events(FILE.read_text(), URL, source, NOW, stats=Tally())
    by_title = {(r["title"], r["start"]): r for r in records}
    denver = by_title[("Engineering Leaders Summit Denver", "2027-02-24")]
    assert denver["end"] == "2027-02-25" and denver["all_day"] == 1 and denver["country"] == "US"
    assert by_title[("StaffPlus Career Growth Conference", "2027-06-03")]["country"] == "GB"
    assert by_title[("Remote Hiring & Onboarding Day", "2027-03-11")]["attendance"] == "online"
    assert by_title[("Tech Talent Forum Berlin", "2027-04-19")]["attendance"] == "hybrid"
    assert len(records) == 5 and len({r["id"] for r in records}) == 5


def test_bodies_that_are_not_conference_data_are_reported():
    assert extract("<!DOCTYPE html><html><body>404: Not Found</body></html>").errors == ["confdata_not_json"]
    assert extract('{"message": "Not Found"}').errors == ["confdata_not_list"]
    x = extract('[{"name": "A", "startDate": "2027-05-01"}, "junk", {"startDate": "2027-05-02"}]')
    assert [e["title"] for e in x.events] == ["A"]
    assert x.errors == ["confdata_not_list", "event_without_name"]
    assert extract(None).errors  # never raises


def test_looks_like_and_detection():
    text = FILE.read_text()
    assert confdata.looks_like(text) and detect_format(text) == "confdata"
    jsonld = (
        '[{"@context": "https://schema.org", "@type": "Event", "name": "x", "url": "u", "startDate": "2027-01-01"}]'
    )
    assert not confdata.looks_like(jsonld)
    assert not confdata.looks_like('{"events": [{"start_date": "2027-01-01", "rest_url": "x"}]}')
