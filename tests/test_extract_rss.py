"""RSS / Atom feeds of events -> raw events (eventhound.extractors.rss)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import rss
from eventhound.extractors.base import Context
from eventhound.formats import detect_format

FIXTURES = Path(__file__).parent / "fixtures" / "rss"
NOW = datetime(2027, 2, 1, 12, tzinfo=UTC)
FEED = "https://web.rivertonchamber.org/events?RSS=True"


def extract(name, url=FEED, **options):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return rss.extract(text, url, Context(now=NOW, timezone="America/New_York", options=options))


def by_title(extraction):
    return {e["title"]: e for e in extraction.events}


# ---------------------------------------------------------------- dates in titles (chamber platforms)


def test_chamber_titles_are_split_from_their_trailing_dates():
    x = extract("chamber_newswire.xml")
    events = by_title(x)
    mixer = events["Business After Hours at Riverton Brewing"]
    assert mixer["start_text"] == "4/21/2027 5:30 PM - 4/21/2027 7:00 PM" and "end_text" not in mixer
    assert events["Ribbon Cutting: Hometown Staffing New Office"]["start_text"] == "4/20/2027 12:00 Noon"
    assert events["Spring Job Fair"]["start_text"] == "5/6/2027 10:00 AM - 5/6/2027 2:00 PM"
    # "Class of 2028" in the name is not a date; the date-only range is
    assert events["Leadership Riverton Class of 2028 Applications"]["start_text"] == "3/18/2027 - 6/30/2027"


def test_pubdate_is_not_the_event_date_and_dateless_items_are_reported():
    x = extract("chamber_newswire.xml")
    assert "Member Spotlight: Acme Tool & Die" not in by_title(x)  # only a pubDate
    assert x.errors == ["rss_item_without_date"]
    assert not any("Jan 2027" in e["start_text"] or e["start_text"].startswith("2027-01") for e in x.events)


def test_item_link_guid_and_description_as_published():
    spring = by_title(extract("chamber_newswire.xml"))["Spring Job Fair"]
    assert spring["url"] == "https://web.rivertonchamber.org/events/eventdetail.aspx?EventID=8820"
    assert spring["own_id"] == "rivertonchamber-event-8820"
    assert spring["description"].startswith("<p>40+ employers hiring")


@pytest.mark.parametrize(
    "title, name, when",
    [
        (
            "Business After Hours 4/21/2026 5:30 PM - 4/21/2026 7:00 PM",
            "Business After Hours",
            "4/21/2026 5:30 PM - 4/21/2026 7:00 PM",
        ),
        ("Sat Nov 15 08  07:30 PM", None, "Sat Nov 15 08 07:30 PM"),
        ("March 4, 2027: Spring Job Fair", "Spring Job Fair", "March 4, 2027"),
        (
            "Spring Job Fair - Thursday, March 4th, 2027 from 6:00pm-8:00pm",
            "Spring Job Fair",
            "Thursday, March 4th, 2027 from 6:00pm-8:00pm",
        ),
        ("Annual Awards Gala (May 12, 2027)", "Annual Awards Gala", "May 12, 2027"),
        ("Careers Fair Wed 15 March", "Careers Fair", "Wed 15 March"),
        ("Job Fair March 4-6, 2027", "Job Fair", "March 4-6, 2027"),
        ("Job Fair on March 4 at Riverton College", "Job Fair on March 4 at Riverton College", "March 4"),
        ("Class of 2026 Reunion", "Class of 2026 Reunion", None),
        ("Top 10 May Events", "Top 10 May Events", None),
        ("Route 66 Hiring Day", "Route 66 Hiring Day", None),
    ],
)
def test_split_title(title, name, when):
    assert rss.split_title(title) == (name, when)


# ---------------------------------------------------------------- other date sources


def test_title_that_is_only_a_date_takes_the_feeds_title():
    text = """<?xml version="1.0"?><rss version="2.0"><channel><title>Show Schedule for Riverton Jobs Band</title>
    <item><title>Sat Mar 06 27  07:30 PM</title><link>https://bands.example/riverton</link>
    <description>Riverton Brewing in Riverton, NJ</description><pubDate>Mon, 01 Feb 2027 18:53:23 GMT</pubDate>
    <venue>Riverton Brewing</venue><address>212 Mill St., Riverton, NJ, 08077, US</address>
    <latitude>40.0115</latitude><longitude>-75.0149</longitude></item></channel></rss>"""
    [event] = rss.extract(text, "https://bands.example/feed", Context(now=NOW)).events
    assert event["title"] == "Show Schedule for Riverton Jobs Band"
    assert event["start_text"] == "Sat Mar 06 27 07:30 PM"
    assert (event["venue_name"], event["street"]) == ("Riverton Brewing", "212 Mill St., Riverton, NJ, 08077, US")
    assert (event["latitude"], event["longitude"]) == ("40.0115", "-75.0149")


def test_xcal_fields_win_over_the_description_text():
    x = extract("career_center_xcal.xml", "https://www.trumba.com/calendars/rsu-career-center.rss")
    fair = by_title(x)["Engineering & Technology Career Fair"]
    assert (fair["start_text"], fair["end_text"]) == ("2027-02-16T16:00:00Z", "2027-02-16T20:00:00Z")
    assert fair["venue_name"] == "Student Union Ballroom"
    assert (fair["latitude"], fair["longitude"]) == ("39.999", "-74.9996")  # GeoRSS is "lat lon"
    assert "Career Fairs" in fair["categories"]
    assert x.errors == []


def test_rss1_event_module():
    x = extract("library_events_ev.rdf", "https://library.riverton.example/events/rss")
    club = by_title(x)["Tuesday Morning Job Club"]
    assert (club["start_text"], club["end_text"]) == ("2027-03-02T10:00:00-05:00", "2027-03-02T11:30:00-05:00")
    assert club["venue_name"] == "Community Room, Riverton Free Library"
    assert club["organizer"] == "Riverton Free Library" and club["categories"] == ["Job Club"]
    assert by_title(x)["LinkedIn Basics for Job Seekers"]["start_text"] == "2027-03-06"


def test_atom_date_in_the_description_and_next_page():
    x = extract("association_atom.xml", "https://www.njmanufacturers.example/events/feed.atom")
    expo = by_title(x)["Skilled Trades Hiring Expo"]
    # the first date of the description (not the registration deadline), labels left out
    assert expo["start_text"] == "Thursday, March 25, 2027, 9:00 AM – 3:00 PM"
    assert expo["url"] == "https://www.njmanufacturers.example/events/skilled-trades-hiring-expo-2027"
    assert x.errors == ["rss_item_without_date"]  # the roundtable: "Details to follow."
    assert x.next_page == "https://www.njmanufacturers.example/events/feed.atom?page=2"


def test_pubdate_is_start_when_the_source_says_so():
    assert extract("wildapricot_events.xml").events == []
    assert extract("wildapricot_events.xml").errors == ["rss_item_without_date"] * 2
    x = extract("wildapricot_events.xml", pubdate_is_start=True)
    meeting = by_title(x)["March Chapter Meeting: Pay Transparency Laws"]
    assert meeting["start_text"] == "2027-03-10T12:30:00+00:00"
    assert by_title(x)["HR Career Changers Workshop (Online)"]["start_text"] == "2027-04-13T23:00:00+00:00"


def test_follow_links_marks_every_linked_item():
    x = extract("chamber_newswire.xml", follow_links=True)
    assert len(x.events) == 5 and x.errors == []  # the dateless item too: its page may have the date
    spotlight = by_title(x)["Member Spotlight: Acme Tool & Die"]
    assert spotlight["_follow"] == "https://web.rivertonchamber.org/news/acme-tool-die"
    assert "start_text" not in spotlight


# ---------------------------------------------------------------- bad input


def test_malformed_feed_keeps_what_it_can_read():
    x = extract("malformed.xml", "https://rivertonworks.example/events/rss")
    assert "rss_malformed" in x.errors
    events = by_title(x)
    assert events["Resume & Interview Bootcamp"]["start_text"] == "3/9/2027 9:00 AM - 3/9/2027 12:00 PM"
    assert events["Veterans Hiring Event"]["start_text"] == "3/11/2027 10:00 AM"


@pytest.mark.parametrize(
    "body",
    [
        "<!DOCTYPE html><html><head><title>Events</title></head><body><p>Our feed moved.</p></body></html>",
        '{"events": []}',
        "",
        "Service Unavailable",
    ],
)
def test_bodies_that_are_not_feeds_are_reported(body):
    x = rss.extract(body, FEED, Context(now=NOW))
    assert x.events == [] and x.errors == ["rss_not_feed"]


def test_never_raises_and_never_opens_a_file_or_url():
    assert rss.extract(None, FEED, Context()).errors == ["rss_not_feed"]
    for text in ("/etc/passwd", "https://example.org/feed.xml"):
        assert rss.extract(text, FEED, Context()).errors == ["rss_not_feed"]


def test_looks_like_and_detection():
    for name in ("chamber_newswire.xml", "association_atom.xml", "library_events_ev.rdf"):
        text = (FIXTURES / name).read_text()
        assert rss.looks_like(text) and detect_format(text) == "rss", name
    assert not rss.looks_like("<!DOCTYPE html><html><body><a href='/feed'>RSS feed</a></body></html>")
    assert not rss.looks_like('{"rest_url": "x"}')


def test_huge_feeds_and_titles_are_bounded(monkeypatch):
    monkeypatch.setattr(rss, "MAX_ITEMS", 3)
    items = "".join(f"<item><title>Job Club 3/{d}/2027 10:00 AM</title></item>" for d in range(1, 6))
    x = rss.extract(f"<rss version='2.0'><channel><title>c</title>{items}</channel></rss>", FEED, Context())
    assert len(x.events) == 3 and x.errors == ["rss_too_many_items"]
    name, when = rss.split_title("Open House " + "May 5 " * 2000)
    assert len(when) <= rss.MAX_DATE_TEXT + 20
