"""Eventbrite: API v3 listings, the organizer page and its showmore endpoint read into raw events; a crawl of the API over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import eventbrite
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import parse_source
from spiders.eventbrite import EventbriteSpider
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "eventbrite"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago")
ORGANIZER = "https://www.eventbrite.com/o/lakeshore-chamber-of-commerce-48213360917"
API = "https://www.eventbriteapi.com/v3/organizers/48213360917/events/?status=live%2Cstarted%2Ccanceled"
SHOWMORE = "https://www.eventbrite.com/org/48213360917/showmore/?type=future&page_size=4&page=2"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_api_listing_reads_place_cost_organizer_categories_and_pages_on():
    result = eventbrite.extract(page("organizer_events_page1.json"), API, CONTEXT)
    assert result.errors == []
    fair, workshop, mixer, spotlight = result.events
    assert fair["title"] == "Fall Career & Internship Fair" and fair["own_id"] == "781203445517"
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T10:00:00-05:00", "2027-09-22T14:00:00-05:00")
    assert instant(fair["start_text"]) == datetime(2027, 9, 22, 15, tzinfo=UTC)
    assert fair["timezone"] == "America/Chicago"
    assert (
        fair["url"]
        == fair["registration_url"]
        == "https://www.eventbrite.com/e/fall-career-internship-fair-tickets-781203445517"
    )
    assert (fair["venue_name"], fair["street"], fair["city"], fair["region"], fair["postal_code"], fair["country"]) == (
        "Harbor View Event Center",
        "1200 North Harbor Drive",
        "Milwaukee",
        "WI",
        "53202",
        "US",
    )
    assert (fair["latitude"], fair["longitude"]) == ("43.0401771", "-87.8972533")
    assert fair["organizer"] == "Lakeshore Chamber of Commerce" and fair["organizer_url"] == ORGANIZER
    assert fair["categories"] == ["Business & Professional", "Career", "Tradeshow, Consumer Show, or Expo"]
    assert (fair["is_free"], fair["cost_text"], fair["attendance_mode"]) == (
        "true",
        "Free",
        "OfflineEventAttendanceMode",
    )
    assert fair["description"].startswith("Meet more than 60 Milwaukee-area employers")
    assert workshop["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in workshop
    assert "online_url" not in workshop  # Eventbrite shows the join link to ticket holders only
    assert (workshop["is_free"], workshop["price_min"], workshop["price_max"], workshop["currency"]) == (
        "false",
        "10.00",
        "10.00",
        "USD",
    )
    assert instant(workshop["end_text"]) == datetime(2027, 9, 29, 0, 30, tzinfo=UTC)
    assert mixer["cost_text"] == "15.00 USD – 25.00 USD" and mixer["price_max"] == "25.00"
    assert spotlight["event_status"] == "CANCELLED" and "event_status" not in fair
    assert result.next_page == API + "&continuation=eyJwYWdlIjogMn0"


def test_last_api_page_series_date_across_daylight_saving_and_untitled_event():
    result = eventbrite.extract(page("organizer_events_page2.json"), API + "&continuation=eyJwYWdlIjogMn0", CONTEXT)
    party, coffee = result.events
    assert party["categories"] == ["Food & Drink", "Beer", "Party or Social Gathering"]
    assert coffee["start_text"] == "2027-11-09T08:00:00-06:00"  # after the change to standard time
    assert instant(coffee["start_text"]) == datetime(2027, 11, 9, 14, tzinfo=UTC)
    assert (coffee["own_id"], coffee["series_id"]) == ("781205117365", "781205001223")
    assert result.errors == ["event_without_name"]
    assert result.next_page is None


def test_organizer_page_lists_its_upcoming_events_and_names_the_showmore_page():
    result = eventbrite.extract(page("organizer_page.html"), ORGANIZER, CONTEXT)
    assert result.errors == []
    fair, workshop, open_house, spotlight = result.events
    assert fair["categories"] == [
        "Career",
        "Business & Professional",
        "Tradeshow, Consumer Show, or Expo",
        "JobFair",
        "Internships",
    ]
    assert instant(fair["start_text"]) == datetime(2027, 9, 22, 15, tzinfo=UTC)
    assert fair["registration_url"] == "https://www.eventbrite.com/checkout-external?eid=781203445517"
    assert (fair["venue_name"], fair["street"], fair["latitude"]) == (
        "Harbor View Event Center",
        "1200 North Harbor Drive",
        "43.0401771",
    )
    assert fair["organizer"] == "Lakeshore Chamber of Commerce"
    assert workshop["attendance_mode"] == "OnlineEventAttendanceMode" and workshop["price_min"] == "10.00"
    assert open_house["start_text"] == "2027-10-04" and "end_text" not in open_house  # a date without a time
    assert spotlight["event_status"] == "CANCELLED" and "event_status" not in fair
    assert result.next_page == SHOWMORE


def test_showmore_pages_on_while_it_has_a_next_page():
    body = json.loads(page("showmore_page2.json"))
    result = eventbrite.extract(json.dumps(body), SHOWMORE, CONTEXT)
    assert [e["title"] for e in result.events] == ["Young Professionals Networking Mixer", "Job Seekers' Coffee Hour"]
    assert result.events[0]["organizer"] == "Lakeshore Chamber of Commerce" and result.next_page is None
    body["data"]["has_next_page"] = True
    assert eventbrite.extract(json.dumps(body), SHOWMORE, CONTEXT).next_page == SHOWMORE.replace("page=2", "page=3")


def test_a_single_event_and_an_event_page_with_only_json_ld():
    event = json.loads(page("organizer_events_page1.json"))["events"][1]
    single = eventbrite.extract(json.dumps(event), "https://www.eventbriteapi.com/v3/events/781203998101/", CONTEXT)
    assert [e["title"] for e in single.events] == ["Résumé Review Workshop (Online)"]
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
      "@type": "EducationEvent", "name": "Interview Skills Bootcamp", "startDate": "2027-10-20T09:00:00-05:00",
      "url": "https://www.eventbrite.com/e/interview-skills-bootcamp-tickets-781207700415"}</script></head></html>"""
    read = eventbrite.extract(
        html, "https://www.eventbrite.com/e/interview-skills-bootcamp-tickets-781207700415", CONTEXT
    )
    assert [(e["title"], e["start_text"]) for e in read.events] == [
        ("Interview Skills Bootcamp", "2027-10-20T09:00:00-05:00")
    ]


@pytest.mark.parametrize(
    "body, code",
    [
        (
            "<!DOCTYPE html><html><body><form action='/signin/'>Log in to Eventbrite</form></body></html>",
            "eventbrite_not_json",
        ),
        (
            '{"status_code": 401, "error_description": "The OAuth token you provided was invalid.", "error": "INVALID_AUTH"}',
            "eventbrite_api_error",
        ),
        ('{"items": [], "kind": "calendar#events"}', "eventbrite_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert eventbrite.extract(body, API, CONTEXT).errors == [code]


def test_detected_from_its_content():
    for name in ("organizer_events_page1.json", "organizer_page.html", "showmore_page2.json"):
        assert detect_format(page(name)) == "eventbrite", name
    long_page = page("organizer_page.html").replace("<body>", "<body>" + "<div class='card'></div>" * 4000)
    assert detect_format(long_page) == "eventbrite"  # its Next.js data comes after 64 KiB of markup
    assert not eventbrite.looks_like((FIXTURES.parent / "localist" / "events_page1.json").read_text(encoding="utf-8"))
    assert not eventbrite.looks_like('<html><script id="__NEXT_DATA__">{"props": {}}</script></html>')
    assert not eventbrite.looks_like(
        '{"events": [{"name": "Job Club", "start": "2027-10-01"}], "has_more_items": true}'
    )


def test_the_organizer_page_becomes_the_api_request_only_with_a_token(monkeypatch):
    source = parse_source(
        "lakeshore",
        {
            "spider": "eventbrite",
            "urls": [ORGANIZER],
            "timezone": "America/Chicago",
            "token_env": "EVENTHOUND_EB_TOKEN",
            "eventbrite": {"window_days_ahead": 90},
        },
    )
    spider = EventbriteSpider(source=source)
    spider.context = CONTEXT
    monkeypatch.delenv("EVENTHOUND_EB_TOKEN", raising=False)
    assert spider.api_url(ORGANIZER) == ORGANIZER
    monkeypatch.setenv("EVENTHOUND_EB_TOKEN", "abc")
    assert spider.api_url(ORGANIZER) == (
        "https://www.eventbriteapi.com/v3/organizers/48213360917/events/?status=live%2Cstarted%2Ccanceled"
        "&order_by=start_asc&expand=venue%2Cticket_availability%2Ccategory%2Csubcategory%2Cformat%2Corganizer"
        "&time_filter=current_future&start_date.range_end=2027-11-30T23%3A59%3A59"
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("eventbrite")
    api = work / "site" / "v3" / "organizers" / "48213360917" / "events"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "organizer_events_page1.json", api / "index.json")
    shutil.copy(FIXTURES / "organizer_events_page2.json", api / "continuation=eyJwYWdlIjogMn0.json")
    seen: list[str] = []
    authorizations: list = []
    with (
        pytest.MonkeyPatch.context() as patch,
        serve_api(work / "site", seen, paging=("continuation",), authorizations=authorizations) as base,
    ):
        patch.setenv("EVENTHOUND_EB_TOKEN", "eb-private-token")
        result, db = crawl(
            work,
            f"""
[sources.lakeshore-chamber]
spider = "eventbrite"
urls = ["{base}/v3/organizers/48213360917/events/"]
timezone = "America/Chicago"
token_env = "EVENTHOUND_EB_TOKEN"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen, authorizations


def test_crawl_reads_every_api_page_with_the_token(crawled):
    result, db, seen, authorizations = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    query_string = (
        "status=live%2Cstarted%2Ccanceled&order_by=start_asc&expand=venue%2Cticket_availability%2Ccategory"
        "%2Csubcategory%2Cformat%2Corganizer&time_filter=current_future"
        "&start_date.range_end=2028-08-31T23%3A59%3A59"
    )
    path = "/v3/organizers/48213360917/events/?" + query_string
    assert [p for p in seen if p != "/robots.txt"] == [path, path + "&continuation=eyJwYWdlIjogMn0"]
    assert authorizations == ["Bearer eb-private-token"] * 2
    rows = query(db, "select title, start_utc, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Fall Career & Internship Fair", "2027-09-22T15:00:00+00:00"),
        ("Résumé Review Workshop (Online)", "2027-09-28T23:00:00+00:00"),
        ("Young Professionals Networking Mixer", "2027-10-07T22:30:00+00:00"),
        ("Employer Spotlight: Harbor Health Systems", "2027-10-12T17:00:00+00:00"),
        ("Fall Harvest Garden Party", "2027-10-16T20:00:00+00:00"),
        ("Job Seekers' Coffee Hour", "2027-11-09T14:00:00+00:00"),
    ]
    assert rows[3]["status"] == "cancelled" and rows[0]["status"] != "cancelled"
    assert rows[1]["attendance"] == "online"
    assert json.loads(rows[0]["categories"])[:2] == ["Business & Professional", "Career"]
    line = summary(result, "lakeshore-chamber")
    assert "events=6" in line and "errors=1" in line  # the untitled event, counted
