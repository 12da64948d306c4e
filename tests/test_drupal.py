"""Drupal calendars: LibraryCalendar's JSON feed and listing pages, Drupal views / JSON:API
exports and FullCalendar View pages read into raw events, and a crawl of a library's feed over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import drupal
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "drupal"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/New_York")
LIBRARY = "https://maplevalley.librarycalendar.com"
FEED = LIBRARY + "/events/feed/json?start=2027-09-01&end=2028-08-31"
CHAMBER = "https://www.rivertonchamber.org/jsonapi/node/event?include=field_event_type%2Cfield_tags&page%5Blimit%5D=2"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def feed_events() -> dict:
    return {event["title"]: event for event in drupal.extract(page("events_feed.json"), FEED, CONTEXT).events}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_feed_event_with_zone_branch_categories_and_id():
    club = feed_events()["Job Seekers Club"]
    assert (club["start_text"], club["end_text"]) == ("2027-09-14T10:00:00-04:00", "2027-09-14T11:30:00-04:00")
    assert club["timezone"] == "America/New_York" and club["own_id"] == "48211"
    assert club["url"] == LIBRARY + "/event/job-seekers-club-48211"
    assert club["venue_name"] == "Central Library" and "street" not in club
    assert club["categories"] == ["Career, Business & Finance", "Adults"]  # program type, then age group
    assert club["description"].startswith("<p>Meet other job seekers")
    assert "registration_url" not in club and "event_status" not in club and "online_url" not in club


def test_feed_offsite_online_all_day_cancelled_and_winter_offset():
    events = feed_events()
    fair = events["Fall Community Job Fair"]
    assert "venue_name" not in fair  # the "Off Site" placeholder branch is not a venue
    assert fair["street"] == "Maple Valley Community Center, 200 Oak Street, Maple Valley, NY 14850"
    assert fair["categories"] == ["Career, Business & Finance", "Community Events", "Adults", "Teens", "job fair"]
    review = events["Résumé Review (Virtual)"]
    assert review["online_url"] == "https://maplevalley.zoom.us/j/81234567890"
    assert review["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in review
    assert review["registration_url"] == review["url"]  # registration_enabled: the event page registers
    week = events["Banned Books Week Display"]
    assert (week["start_text"], week["end_text"]) == ("2027-09-26", "2027-10-02") and "timezone" not in week
    assert events["LinkedIn Profile Workshop"]["event_status"] == "CANCELLED"
    assert events["Toddler Storytime"]["start_text"] == "2027-11-09T10:30:00-05:00"  # after the change to EST


def test_feed_skips_closures_and_private_records_and_counts_the_untitled():
    result = drupal.extract(page("events_feed.json"), FEED, CONTEXT)
    titles = [e["title"] for e in result.events]
    assert "Library Closed - Columbus Day" not in titles and "Staff Training (internal)" not in titles
    assert len(titles) == 6 and result.errors == ["event_without_name"] and result.next_page is None


def test_listing_page_cards_follow_and_next_page():
    result = drupal.extract(page("upcoming_page0.html"), LIBRARY + "/events/upcoming", CONTEXT)
    club, workshop = result.events
    assert (club["title"], club["start_text"], club["end_text"]) == (
        "Job Seekers Club",
        "2027-09-14T10:00:00",
        "2027-09-14T11:30:00",
    )  # wall times: the source's zone
    assert club["venue_name"] == "Central Library" and club["categories"] == ["Career, Business & Finance", "Adults"]
    assert club["description"].startswith("Meet other job seekers") and club["own_id"] == club["url"]
    assert workshop["event_status"] == "CANCELLED" and workshop["start_text"] == "2027-10-05T14:00:00"
    assert workshop["categories"] == ["Career, Business & Finance", "Tech Skills"]
    assert result.follow == [LIBRARY + "/event/interview-skills-workshop-48302"]  # no time on its card
    assert result.next_page == LIBRARY + "/events/upcoming?page=1"


def test_listing_last_page_all_day_and_untitled_card():
    result = drupal.extract(page("upcoming_page1.html"), LIBRARY + "/events/upcoming?page=1", CONTEXT)
    (week,) = result.events
    assert week["start_text"] == "2027-09-26" and "end_text" not in week
    assert result.errors == ["event_without_name"] and result.next_page is None and result.follow == []


def test_event_page_gives_the_time_its_card_lacked():
    url = LIBRARY + "/event/interview-skills-workshop-48302"
    (event,) = drupal.extract(page("event_detail.html"), url, CONTEXT).events
    assert (event["title"], event["start_text"], event["end_text"]) == (
        "Interview Skills Workshop",
        "2027-10-07T18:00:00",
        "2027-10-07T19:30:00",
    )
    assert event["url"] == url and event["venue_name"] == "Eastside Branch"
    assert event["categories"] == ["Career, Business & Finance", "Adults", "Teens"]


def test_jsonapi_fields_terms_occurrences_and_next_page():
    result = drupal.extract(page("jsonapi_page1.json"), CHAMBER, CONTEXT)
    mixer, first, second = result.events
    assert (mixer["start_text"], mixer["end_text"]) == ("2027-10-05T17:30:00-04:00", "2027-10-05T19:30:00-04:00")
    assert mixer["own_id"] == "1201"
    assert mixer["url"] == "https://www.rivertonchamber.org/events/young-professionals-networking-mixer"
    assert mixer["categories"] == ["Networking", "Young Professionals"]  # names from `included`
    assert (mixer["venue_name"], mixer["street"], mixer["city"], mixer["region"], mixer["postal_code"]) == (
        "The Foundry",
        "12 Mill Street",
        "Riverton",
        "IL",
        "61701",
    )
    assert mixer["cost_text"] == "$10 members, $20 guests"
    assert mixer["registration_url"] == "https://www.rivertonchamber.org/register/yp-mixer"
    assert mixer["description"] == "Grow your network with young professionals from across the county."
    # a recurring date: one occurrence per value, UTC made local in the value's zone
    assert [first["start_text"], second["start_text"]] == ["2027-10-12T11:00:00-05:00", "2027-11-09T11:00:00-06:00"]
    assert first["timezone"] == "America/Chicago" and first["series_id"] == second["series_id"] == "1207"
    assert [first["own_id"], second["own_id"]] == ["1207:0", "1207:1"] and "url" not in first
    assert result.next_page == (
        "https://www.rivertonchamber.org/jsonapi/node/event"
        "?include=field_event_type%2Cfield_tags&page%5Boffset%5D=2&page%5Blimit%5D=2"
    )


def test_jsonapi_online_postponed_last_page():
    result = drupal.extract(page("jsonapi_page2.json"), CHAMBER + "&page%5Boffset%5D=2", CONTEXT)
    (webinar,) = result.events
    assert webinar["online_url"] == "https://us06web.zoom.us/j/86512345678"
    assert webinar["attendance_mode"] == "OnlineEventAttendanceMode" and "street" not in webinar
    assert webinar["event_status"] == "EventPostponed" and webinar["categories"] == ["Workshop"]
    assert result.next_page is None and result.errors == []


def test_views_rest_exports_flat_serializer_and_pager():
    flat = [
        {
            "nid": "77",
            "title": "Employer Info Session",
            "field_date": "2027-10-20T15:00:00",
            "field_location": "Career Center, Room 110",
            "path": "/events/employer-info-session",
            "field_event_type": "Info Session",
        }
    ]
    (event,) = drupal.extract(json.dumps(flat), "https://careers.riverton.edu/events?_format=json", CONTEXT).events
    assert (event["start_text"], event["own_id"]) == ("2027-10-20T15:00:00", "77")
    assert event["categories"] == ["Info Session"]
    assert event["url"] == "https://careers.riverton.edu/events/employer-info-session"
    assert event["venue_name"] == "Career Center, Room 110"
    utc = Context(now=CONTEXT.now, timezone="America/Chicago", options={"naive_utc": True})
    (stored,) = drupal.extract(json.dumps(flat), "https://careers.riverton.edu/events?_format=json", utc).events
    assert instant(stored["start_text"]) == datetime(2027, 10, 20, 15, tzinfo=UTC)
    nodes = {
        "rows": [
            {
                "nid": [{"value": 80}],
                "title": [{"value": "Career Fair"}],
                "field_event_date": [{"value": "1824044400", "end_value": "1824058800"}],
                "timezone": "America/Chicago",
            }
        ],
        "pager": {"current_page": 0, "total_items": 30, "total_pages": 2, "items_per_page": 20},
    }
    result = drupal.extract(json.dumps(nodes), "https://careers.riverton.edu/api/events", CONTEXT)
    (fair,) = result.events
    assert (fair["title"], fair["own_id"]) == ("Career Fair", "80")
    assert fair["start_text"] == "2027-10-20T10:00:00-05:00" and fair["timezone"] == "America/Chicago"  # Smart Date
    assert result.next_page == "https://careers.riverton.edu/api/events?page=1"


def test_fullcalendar_view_page():
    result = drupal.extract(page("calendar_view.html"), "https://www.rivertonworkforce.org/events-calendar", CONTEXT)
    expo, closed = result.events
    assert (expo["title"], expo["start_text"], expo["end_text"], expo["own_id"]) == (
        "Manufacturing Career Expo",
        "2027-10-14T09:00:00",
        "2027-10-14T13:00:00",
        "88",
    )
    assert expo["url"] == "https://www.rivertonworkforce.org/events/manufacturing-career-expo"
    assert closed["start_text"] == "2027-11-25" and "end_text" not in closed  # FullCalendar's exclusive end


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/user/login'>Log in</form></body></html>", "drupal_not_json"),
        ('{"message": "No route found for \\"GET /events/feed/json\\""}', "drupal_api_error"),
        ('{"jsonapi": {"version": "1.0"}, "errors": [{"title": "Forbidden", "status": "403"}]}', "drupal_api_error"),
        ('{"items": [], "kind": "something#else"}', "drupal_not_events"),
        ('[{"nid": "5", "title": "About us", "body": "Our library"}]', "drupal_not_events"),
        (
            '<html><head><script type="application/json" data-drupal-selector="drupal-settings-json">{"path": {}}</script>'
            "</head><body>News</body></html>",
            "drupal_not_events",
        ),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert drupal.extract(body, FEED, CONTEXT).errors == [code]


def test_detected_from_its_content():
    for name in (
        "events_feed.json",
        "jsonapi_page1.json",
        "upcoming_page0.html",
        "event_detail.html",
        "calendar_view.html",
    ):
        assert detect_format(page(name)) == "drupal", name
    assert not drupal.looks_like('[{"start_date": "2027-10-01", "name": "Fall fair"}]')
    assert not drupal.looks_like('<html><head><meta name="Generator" content="Drupal 10"></head><body>Hi</body></html>')


def test_recognise_claims_calendars_not_every_drupal_site():
    seen = drupal.recognise(page("upcoming_page0.html"), LIBRARY + "/events/upcoming")
    assert seen[0] == LIBRARY + "/" and "lc-event" in seen[1]
    linked = (
        '<html><head><meta name="Generator" content="Drupal 9"></head><body>'
        '<a href="/events/feed/json">Events feed</a></body></html>'
    )
    assert drupal.recognise(linked, "https://library.example.org/programs") == (
        "https://library.example.org/events/feed/json",
        "Drupal (a link to /events/feed/json, Drupal's generator tag)",
    )
    assert (
        drupal.recognise(page("calendar_view.html"), "https://www.rivertonworkforce.org/events-calendar")[0]
        == "https://www.rivertonworkforce.org/events-calendar"
    )
    plain = (
        '<html><head><meta name="Generator" content="Drupal 10 (https://www.drupal.org)"></head>'
        '<body><img src="/sites/default/files/logo.png"><script data-drupal-selector="drupal-settings-json">{}'
        "</script></body></html>"
    )
    assert drupal.recognise(plain, "https://www.city.example.gov/") is None


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("drupal")
    feed = work / "site" / "events" / "feed" / "json"
    feed.mkdir(parents=True)
    shutil.copy(FIXTURES / "events_feed.json", feed / "index.json")
    seen: list[str] = []
    with serve_api(work / "site", seen) as base:
        result, db = crawl(
            work,
            f"""
[sources.maple-valley-library]
spider = "drupal"
urls = ["{base}"]
timezone = "America/New_York"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_the_feed_from_the_site_root(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path in seen if path != "/robots.txt"] == ["/events/feed/json?start=2027-09-01&end=2028-08-31"]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Job Seekers Club", "2027-09-14T14:00:00+00:00"),
        ("Fall Community Job Fair", "2027-09-23T14:00:00+00:00"),
        ("Banned Books Week Display", "2027-09-26T04:00:00+00:00"),
        ("Résumé Review (Virtual)", "2027-09-28T22:30:00+00:00"),
        ("LinkedIn Profile Workshop", "2027-10-05T18:00:00+00:00"),
        ("Toddler Storytime", "2027-11-09T15:30:00+00:00"),
    ]
    assert rows[2]["all_day"] == 1 and rows[4]["status"] == "cancelled" and rows[3]["attendance"] == "online"
    assert json.loads(rows[0]["categories"]) == ["Career, Business & Finance", "Adults"]
    line = summary(result, "maple-valley-library")
    assert "events=6" in line and "errors=1" in line  # the untitled record, counted
