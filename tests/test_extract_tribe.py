"""The Events Calendar REST JSON -> raw events (eventhound.extractors.tribe)."""

from datetime import UTC, datetime
from pathlib import Path

from eventhound.extract import Tally, extract_events
from eventhound.extractors import tribe
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import Source

FIXTURES = Path(__file__).parent / "fixtures" / "tribe"
API = "https://www.rivertonchamber.org/wp-json/tribe/events/v1/events?start_date=2027-01-31"
NOW = datetime(2027, 2, 1, 12, tzinfo=UTC)
CTX = Context(now=NOW, timezone="America/New_York")


def read(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def extract(name, ctx=CTX):
    return tribe.extract(read(name), API, ctx)


def by_id(extraction):
    return {e["own_id"]: e for e in extraction.events}


def test_archive_page_events_and_next_rest_url():
    x = extract("chamber_events_page1.json")
    assert sorted(by_id(x)) == ["4101", "4102", "4103", "4104", "4105"]
    assert x.errors == ["event_without_start"]  # 4106 has an empty start_date
    assert x.next_page == (
        "https://www.rivertonchamber.org/wp-json/tribe/events/v1/events/"
        "?per_page=6&start_date=2027-01-31&end_date=2028-02-01&page=2"
    )
    assert extract("chamber_events_page2.json").next_page is None


def test_start_has_the_offset_of_the_events_own_zone():
    events = by_id(extract("chamber_events_page1.json"))
    mixer = events["4101"]
    assert mixer["start_text"] == "2027-03-04T17:30:00-05:00"
    assert mixer["end_text"] == "2027-03-04T19:30:00-05:00"
    assert mixer["timezone"] == "America/New_York"
    clinic = events["4103"]  # a Los Angeles event on a New Jersey site, in daylight time
    assert clinic["start_text"] == "2027-04-06T12:00:00-07:00" and clinic["timezone"] == "America/Los_Angeles"
    roundtable = events["4104"]  # 6 pm on the day US daylight time starts
    assert roundtable["start_text"] == "2027-03-14T18:00:00-05:00" and roundtable["timezone"] == "America/Chicago"


def test_manual_utc_offset_zone_uses_the_utc_time_and_leaves_the_source_zone():
    night = by_id(extract("chamber_events_page1.json"))["4105"]  # TEC zone "UTC-6"
    assert night["start_text"] == "2027-03-18T18:00:00-06:00"
    assert "timezone" not in night


def test_wordpress_left_on_utc_means_the_sources_local_time():
    club = by_id(extract("chamber_events_page2.json"))["4108"]
    assert club["start_text"] == "2027-03-09T10:00:00" and "timezone" not in club
    # a source that really is in UTC keeps the offset
    utc = by_id(extract("chamber_events_page2.json", Context(now=NOW, timezone="UTC")))["4108"]
    assert utc["start_text"] == "2027-03-09T10:00:00+00:00"


def test_all_day_is_dates_with_inclusive_end():
    fair = by_id(extract("chamber_events_page1.json"))["4102"]
    assert fair["all_day"] == "true"
    assert fair["start_text"] == "2027-03-10" and fair["end_text"] == "2027-03-11"


def test_venue_organizer_cost_categories_and_website():
    mixer = by_id(extract("chamber_events_page1.json"))["4101"]
    assert mixer["title"] == "Young Professionals Networking Mixer &#8211; Spring Edition"  # as published
    assert mixer["url"] == "https://www.rivertonchamber.org/event/young-professionals-networking-mixer-spring/"
    assert (mixer["venue_name"], mixer["street"], mixer["city"], mixer["region"], mixer["postal_code"]) == (
        "Riverton Brewing Co.",
        "212 Mill St.",
        "Riverton",
        "NJ",
        "08077",
    )
    assert mixer["country"] == "United States"
    assert (mixer["latitude"], mixer["longitude"]) == ("40.0115", "-75.0149")
    assert mixer["organizer"] == "Riverton Area Chamber of Commerce"
    assert mixer["organizer_url"] == "https://www.rivertonchamber.org"
    assert (mixer["price_min"], mixer["price_max"], mixer["currency"]) == ("10", "25", "USD")
    assert "is_free" not in mixer
    assert mixer["categories"] == ["Networking & Mixers", "Young Professionals"]
    assert mixer["registration_url"].startswith("https://www.eventbrite.com/e/")


def test_empty_venue_and_organizer_lists_and_free_cost():
    events = by_id(extract("chamber_events_page1.json"))
    fair = events["4102"]  # venue: [], organizer: []
    assert not {"venue_name", "city", "organizer"} & set(fair)
    assert fair["is_free"] == "true" and fair["price_min"] == "0"
    roundtable = events["4104"]
    assert roundtable["organizer"] == "Riverton Area Chamber of Commerce, Riverton SHRM Chapter"


def test_single_event_endpoint():
    x = extract("single_event.json")
    assert [e["own_id"] for e in x.events] == ["4101"] and x.errors == [] and x.next_page is None


def test_truncated_body_keeps_the_complete_events():
    x = extract("truncated.json")
    assert [e["own_id"] for e in x.events] == ["4101", "4102"]
    assert x.errors == ["tribe_json_partial"]


def test_php_notice_before_the_json_is_skipped():
    text = read("php_notice_prefix.json")
    assert text.startswith("<br />")
    assert tribe.looks_like(text)
    assert [e["own_id"] for e in tribe.extract(text, API, CTX).events] == ["4107", "4108"]


def test_bodies_that_are_not_the_api_are_reported():
    html = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>"
    assert tribe.extract(html, API, CTX).errors == ["tribe_not_json"]
    assert tribe.extract("", API, CTX).errors == ["tribe_not_json"]
    assert extract("rest_no_route.json").errors == ["tribe_not_events"]
    assert tribe.extract('[{"name": "x"}]', API, CTX).errors == ["tribe_not_events"]


def test_empty_archives_are_not_errors():
    for name in ("empty_archive.json", "empty_archive_404.json"):
        x = extract(name)
        assert x.events == [] and x.errors == [], name


def test_never_raises_on_odd_values():
    odd = (
        '{"events": [{"id": 1, "title": "Job Fair", "start_date": "2027-03-04 10:00:00", "timezone": 5,'
        ' "venue": "Hall", "organizer": {"organizer": ["x"]}, "cost_details": {"values": [{}, "ten"]},'
        ' "categories": "Jobs", "all_day": null}, 7, null], "rest_url": "x"}'
    )
    x = tribe.extract(odd, API, CTX)
    assert [e["title"] for e in x.events] == ["Job Fair"]
    assert x.events[0]["start_text"] == "2027-03-04T10:00:00"
    assert tribe.extract(None, API, CTX).errors


def test_looks_like_and_detection():
    assert tribe.looks_like(read("chamber_events_page1.json"))
    assert not tribe.looks_like('[{"name": "JSConf", "url": "https://jsconf.example", "startDate": "2027-05-01"}]')
    assert not tribe.looks_like("<rss version='2.0'></rss>")
    assert detect_format(read("chamber_events_page2.json")) == "tribe"


def test_through_the_pipelines_titles_decoded_and_instants_right():
    source = Source(key="riverton", spider="tribe", urls=(API,), timezone="America/New_York")
    stats = Tally()
    records = extract_events(read("chamber_events_page1.json"), API, source, NOW, stats=stats)
    by_title = {r["title"]: r for r in records}
    mixer = by_title["Young Professionals Networking Mixer – Spring Edition"]
    assert mixer["start"] == "2027-03-04T17:30:00-05:00" and mixer["start_utc"].startswith("2027-03-04T22:30:00")
    assert mixer["price_min"] == 10.0 and mixer["currency"] == "USD" and mixer["country"] == "US"
    clinic = by_title["Résumé Review Clinic (Virtual)"]
    assert clinic["timezone"] == "America/Los_Angeles" and clinic["start_utc"].startswith("2027-04-06T19:00:00")
    fair = by_title["Spring Regional Job Fair"]
    assert fair["start"] == "2027-03-10" and fair["all_day"] == 1 and fair["is_free"] == 1
    assert stats["eventhound/extract_errors/event_without_start"] == 1
