"""IEEE vTools: the public Events API (JSON:API) read into raw events, and a crawl of its pages over HTTP."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import vtools
from eventhound.extractors.base import Context
from eventhound.formats import FORMATS, detect_format
from eventhound.sources import parse_source
from tests.conftest import query, summary
from tests.platform_site import crawl_site

FIXTURES = Path(__file__).parent / "fixtures" / "vtools"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago")
API = "https://events.vtools.ieee.org/RST/events/api/public/v7/events/list?span=now~now%2B365.days&limit=500&sort=start-time"
REGISTERED = pytest.mark.skipif(
    "vtools" not in FORMATS, reason="vtools is not yet in eventhound.formats.DETECTION_ORDER"
)


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_events_with_place_hosts_mode_cost_and_categories():
    result = vtools.extract(page("events_page1.json"), API, CONTEXT)
    assert result.errors == []
    fair, webinar, lecture = result.events
    assert fair["title"] == "Young Professionals Career Fair & Résumé Clinic"
    # UTC in the API, given in the event's own zone (CDT here)
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-23T17:00:00-05:00", "2027-09-23T20:00:00-05:00")
    assert fair["timezone"] == "America/Chicago" and fair["own_id"] == "581204"
    assert fair["url"] == "https://events.vtools.ieee.org/m/581204"
    assert fair["registration_url"] == "https://events.vtools.ieee.org/event/register/581204"
    assert (fair["venue_name"], fair["street"], fair["city"], fair["postal_code"]) == (
        "Riverton Convention Center, Hall B",
        "400 Commerce St",
        "Riverton",
        "61701",
    )
    assert (fair["latitude"], fair["longitude"]) == ("40.4842027", "-88.9936873")
    assert fair["organizer"] == "Riverton Section YP"
    assert fair["attendance_mode"] == "OfflineEventAttendanceMode"
    assert (fair["cost_text"], fair["is_free"]) == ("Free", "true")
    assert fair["categories"] == [
        "Professional",
        "Affinity",
        "Student Branch",
        "Riverton Section YP",
        "Riverton State Univ",
        "career-fair",
        "resume",
        "networking",
        "YoungProfessionals",
    ]
    assert fair["description"].startswith("<p>Meet recruiters")
    assert webinar["online_url"] == "https://ieee.webex.com/ieee/j.php?MTID=m4f1c2a9e0b7d"
    assert webinar["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in webinar
    assert lecture["attendance_mode"] == "MixedEventAttendanceMode" and lecture["categories"][0] == "Technical"
    assert "is_free" not in lecture and "cost_text" not in lecture  # `cost`: true, no price given
    assert lecture["registration_url"] == "https://www.riverton-ieee.org/dl-2027-register"
    assert result.next_page == API + "&page=2"


def test_all_day_cancelled_after_dst_and_untitled_events():
    result = vtools.extract(page("events_page2.json"), API + "&page=2", CONTEXT)
    day, mixer = result.events
    assert day["start_text"] == "2027-10-16" and "end_text" not in day  # 00:00-23:59 local
    assert mixer["event_status"] == "CANCELLED"
    assert mixer["start_text"] == "2027-11-10T18:00:00-06:00"  # CST: the zone's name converts, not its utc-offset
    assert mixer["categories"][0] == "Nontechnical"
    assert result.errors == ["event_without_name"]
    assert result.next_page is None  # the last page


def test_a_multi_day_all_day_event_ends_on_its_last_day_and_links_next_wins():
    doc = json.loads(page("events_page2.json"))
    doc["data"][0]["attributes"]["end-time"] = "2027-10-18T04:59:00.000Z"
    doc["links"] = {"next": "/RST/events/api/public/v7/events/list?page=3"}
    result = vtools.extract(json.dumps(doc), API, CONTEXT)
    assert (result.events[0]["start_text"], result.events[0]["end_text"]) == ("2027-10-16", "2027-10-17")
    assert result.next_page == "https://events.vtools.ieee.org/RST/events/api/public/v7/events/list?page=3"


def test_a_single_event_and_bare_attributes():
    record = json.loads(page("events_page1.json"))["data"][1]
    single = vtools.extract(json.dumps({"data": record}), vtools.API + "?id=581377", CONTEXT)
    assert [(e["title"], e["own_id"]) for e in single.events] == [
        ("Webinar: Negotiating Your First Engineering Offer", "581377")
    ]
    bare = vtools.extract(json.dumps({"data": [record["attributes"]]}), vtools.API, CONTEXT)  # what some caches keep
    assert bare.events[0]["own_id"] == "581377" and bare.events[0]["start_text"] == "2027-09-29T18:30:00-05:00"


def test_a_meetings_list_is_read_as_links_to_each_event():
    result = vtools.extract(page("meetings.html"), "https://events.vtools.ieee.org/meetings/R40099/-0/365", CONTEXT)
    assert result.events == [] and result.errors == []
    assert result.follow == [vtools.API + "?id=581204", vtools.API + "?id=581377"]


@pytest.mark.parametrize(
    "body, code",
    [
        (
            "<!DOCTYPE html><html><body><form action='/users/sign_in'>Sign in with your IEEE Account</form></body></html>",
            "vtools_not_json",
        ),
        (
            '{"errors": [{"status": "400", "title": "Bad Request", "detail": "The \'spoid\' parameter is a feed sub-filter"}]}',
            "vtools_api_error",
        ),
        ('{"events": [], "page": {"current": 1, "total": 1}}', "vtools_not_events"),
        ('{"data": [{"type": "categories", "id": "2", "attributes": {"name": "Technical"}}]}', "vtools_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert vtools.extract(body, API, CONTEXT).errors == [code]


def test_looks_like_only_vtools_json():
    assert vtools.looks_like(page("events_page1.json"))
    assert not vtools.looks_like((Path(__file__).parent / "fixtures" / "localist" / "events_page1.json").read_text())
    assert not vtools.looks_like(page("section_page.html"))


@REGISTERED
def test_detected_from_its_content():
    assert detect_format(page("events_page1.json")) == "vtools"


def test_recognise_a_section_page_embedding_vtools():
    found = vtools.recognise(page("section_page.html"), "https://r4.ieee.org/riverton/events/")
    assert found[0] == "https://events.vtools.ieee.org/meetings/R40099/-0/365"
    assert "a vTools meetings embed" in found[1]
    api = '<script src="x.js"></script><a href="https://events.vtools.ieee.org/RST/events/api/public/v7/events/list?tags=SBC&amp;tags_connector=AND">'
    assert vtools.recognise(api, "https://sb.example.edu/")[0] == vtools.API + "?tags=SBC&tags_connector=AND"
    two = '<a href="https://events.vtools.ieee.org/m/1">a</a> <a href="https://events.vtools.ieee.org/m/2">b</a>'
    assert vtools.recognise(two, "https://sb.example.edu/events") == (
        "https://sb.example.edu/events",
        "IEEE vTools (links to vTools event pages)",
    )
    assert (
        vtools.recognise('<a href="https://events.vtools.ieee.org/m/372975">Register</a>', "https://me.example/")
        is None
    )
    assert vtools.recognise("<html><body>Events at the library</body></html>", "https://lib.example/") is None


def spider(url: str):
    from spiders.vtools import VtoolsSpider

    source = parse_source(
        "riverton",
        {"spider": "vtools", "urls": [url], "timezone": "America/Chicago", "vtools": {"window_days_ahead": 90}},
    )
    made = VtoolsSpider(source=source)
    made.context = CONTEXT
    return made


@REGISTERED
@pytest.mark.parametrize(
    "url, api",
    [
        ("https://events.vtools.ieee.org/", vtools.API + "?span=now~now%2B90.days&limit=500&sort=start-time"),
        (
            "https://events.vtools.ieee.org/events/search?category_id=1&q=career&location_type=virtual",
            vtools.API + "?category_id=1&location_type=virtual&span=now~now%2B90.days&limit=500&sort=start-time",
        ),
        (
            "https://events.vtools.ieee.org/RST/events/api/public/v8/events/list.ics?tags=YP&limit=100",
            "https://events.vtools.ieee.org/RST/events/api/public/v8/events/list?tags=YP&limit=100"
            "&span=now~now%2B90.days&sort=start-time",
        ),
        (vtools.API + "?id=581204", vtools.API + "?id=581204"),
        (
            "https://events.vtools.ieee.org/meetings/R40099/-0/365",
            "https://events.vtools.ieee.org/meetings/R40099/-0/365",
        ),
        ("https://r4.ieee.org/riverton/events/", "https://r4.ieee.org/riverton/events/"),
    ],
)
def test_the_spider_asks_the_list_api_with_the_window(url, api):
    made = spider(url)
    assert made.api_url(url) == api
    assert "events.vtools.ieee.org" in made.sites  # a unit's page links its events there


@REGISTERED
def test_the_spider_waits_60_seconds_between_requests():
    from spiders.vtools import VtoolsSpider

    assert VtoolsSpider.custom_settings == {"DOWNLOAD_DELAY": 60, "RANDOMIZE_DOWNLOAD_DELAY": False}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    api = "RST/events/api/public/v7/events/list"
    pages = {f"{api}/index.json": FIXTURES / "events_page1.json", f"{api}/page=2.json": FIXTURES / "events_page2.json"}
    return crawl_site(
        tmp_path_factory.mktemp("vtools"),
        pages,
        """
[sources.riverton-ieee]
spider = "vtools"
urls = ["{base}/RST/events/api/public/v7/events/list"]
timezone = "America/Chicago"
settings = { DOWNLOAD_DELAY = 0 }
""",
        now="2027-09-01T12:00:00+00:00",
    )


@REGISTERED
def test_crawl_reads_every_page(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    first = "/RST/events/api/public/v7/events/list?span=now~now%2B365.days&limit=500&sort=start-time"
    assert [path for path in seen if path != "/robots.txt"] == [first, first + "&page=2"]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Young Professionals Career Fair & Résumé Clinic", "2027-09-23T22:00:00+00:00"),
        ("Webinar: Negotiating Your First Engineering Offer", "2027-09-29T23:30:00+00:00"),
        ("Distinguished Lecture: Secure Firmware Updates for the Power Grid", "2027-10-07T23:00:00+00:00"),
        ("Professional Development Day: Leadership & Project Management", "2027-10-16T05:00:00+00:00"),
        ("Chapter Social: Fall Networking Mixer", "2027-11-11T00:00:00+00:00"),
    ]
    assert rows[3]["all_day"] == 1 and rows[4]["status"] == "cancelled" and rows[1]["attendance"] == "online"
    assert json.loads(rows[0]["categories"])[:2] == ["Professional", "Affinity"]
    line = summary(result, "riverton-ieee")
    assert "events=5" in line and "errors=1" in line  # the untitled officers' meeting, counted
