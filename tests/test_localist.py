"""Localist: the API v2 JSON read into raw events, and a crawl of its pages over HTTP."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import localist
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import query, summary
from tests.platform_site import crawl_site

FIXTURES = Path(__file__).parent / "fixtures" / "localist"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago")
API = "https://calendar.riverton.edu/api/2/events?start=2027-09-01&days=365&pp=100"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_one_raw_event_per_instance_with_place_cost_mode_and_categories():
    result = localist.extract(page("events_page1.json"), API, CONTEXT)
    assert result.errors == []
    fair, lab1, lab2 = result.events
    assert fair["title"] == "Fall Career & Internship Fair"
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T11:00:00-05:00", "2027-09-22T15:00:00-05:00")
    assert fair["own_id"] == "92231001" and "series_id" not in fair
    assert fair["url"] == "https://calendar.riverton.edu/event/fall_career_internship_fair"
    assert fair["registration_url"] == "https://riverton.joinhandshake.com/career_fairs/51234"
    assert (fair["venue_name"], fair["street"], fair["city"], fair["region"], fair["postal_code"]) == (
        "Student Union Ballroom",
        "1 University Ave",
        "Riverton",
        "IL",
        "61701",
    )
    assert (fair["latitude"], fair["longitude"]) == ("40.5123", "-88.9876")
    assert fair["cost_text"] == "Free" and fair["attendance_mode"] == "OfflineEventAttendanceMode"
    assert fair["categories"] == [
        "Career Development",
        "Fairs & Expos",
        "Students",
        "Alumni",
        "Career Center",
        "career fair",
        "internships",
        "handshake",
    ]
    assert fair["description"].startswith("Meet more than 120 employers")
    assert [lab1["own_id"], lab2["own_id"]] == ["92231100", "92231101"]
    assert lab1["series_id"] == lab2["series_id"] == "50311977"
    assert lab1["online_url"] == "https://riverton.zoom.us/j/93120044821"
    assert lab1["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in lab1
    assert result.next_page == API + "&page=2"


def test_all_day_cancelled_and_untitled_events():
    result = localist.extract(page("events_page2.json"), API + "&page=2", CONTEXT)
    week, spotlight = result.events
    assert week["start_text"] == "2027-10-04" and "end_text" not in week
    assert week["cost_text"] == "$10 for the practice test" and week["attendance_mode"] == "MixedEventAttendanceMode"
    assert spotlight["event_status"] == "CANCELLED"
    assert result.errors == ["event_without_name"]
    assert result.next_page is None  # the last page


def test_the_single_event_endpoint():
    event = json.loads(page("events_page1.json"))["events"][0]
    result = localist.extract(json.dumps(event), "https://calendar.riverton.edu/api/2/events/50311842", CONTEXT)
    assert [e["title"] for e in result.events] == ["Fall Career & Internship Fair"]


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/login'>Sign in</form></body></html>", "localist_not_json"),
        ('{"error": "Not found", "status": 404}', "localist_api_error"),
        ('{"items": [], "kind": "something#else"}', "localist_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert localist.extract(body, API, CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("events_page1.json")) == "localist"
    assert not localist.looks_like('{"events": [], "next_rest_url": null}')


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    pages = {
        "api/2/events/index.json": FIXTURES / "events_page1.json",
        "api/2/events/page=2.json": FIXTURES / "events_page2.json",
    }
    return crawl_site(
        tmp_path_factory.mktemp("localist"),
        pages,
        """
[sources.riverton-calendar]
spider = "localist"
urls = ["{base}/"]
timezone = "America/Chicago"
""",
        now="2027-09-01T12:00:00+00:00",
    )


def test_crawl_reads_every_page_from_the_site_root(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path in seen if path != "/robots.txt"] == [
        "/api/2/events?start=2027-09-01&days=365&pp=100",
        "/api/2/events?start=2027-09-01&days=365&pp=100&page=2",
    ]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Résumé Lab (drop-in)", "2027-09-14T20:00:00+00:00"),
        ("Résumé Lab (drop-in)", "2027-09-21T20:00:00+00:00"),
        ("Fall Career & Internship Fair", "2027-09-22T16:00:00+00:00"),
        ("Graduate School Application Week", "2027-10-04T05:00:00+00:00"),
        ("Employer Spotlight: Midwest Health", "2027-10-06T17:00:00+00:00"),
    ]
    assert rows[3]["all_day"] == 1 and rows[4]["status"] == "cancelled" and rows[0]["attendance"] == "online"
    assert json.loads(rows[2]["categories"])[:2] == ["Career Development", "Fairs & Expos"]
    line = summary(result, "riverton-calendar")
    assert "events=5" in line and "errors=1" in line  # the untitled event, counted


def test_discover_names_localist_and_its_site():
    from eventhound.discover import discover

    offers = discover(page("calendar_page.html"), "https://calendar.riverton.edu/department/career_center/calendar")
    assert (offers[0].kind, offers[0].spider, offers[0].url) == (
        "platform",
        "localist",
        "https://calendar.riverton.edu/",
    )
    assert "Powered by Localist" in offers[0].evidence
    assert not localist.recognise("<html><body>Events at the library</body></html>", "https://lib.example/")


def test_the_spider_callback_on_a_saved_answer_without_a_crawl():
    from datetime import datetime
    from urllib.parse import parse_qs, urlsplit

    from eventhound.sources import Source
    from tests.kit import callback_output, file_response, spider_for

    url = "https://events.example.edu/api/2/events?start=2027-03-01&days=365&pp=100"
    source = Source(key="campus", spider="localist", urls=("https://events.example.edu/",), timezone="America/Chicago")
    spider = spider_for(source, datetime(2027, 3, 1, 12, tzinfo=UTC))
    items, requests = callback_output(spider, file_response("localist/events_page1.json", url))
    assert items and all(item["source"] == "campus" for item in items)
    assert len(requests) == 1 and parse_qs(urlsplit(requests[0].url).query)["page"] == ["2"]
    assert spider.crawler.stats.get_value("eventhound/pages") == 1
