"""Meetup: the events page's Apollo data, GraphQL answers and REST JSON read into raw events; a GraphQL crawl."""

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import meetup
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.localsite import serve_directory
from tests.conftest import crawl, query, summary
from tests.platform_site import ApiHandler

FIXTURES = Path(__file__).parent / "fixtures" / "meetup"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Denver")
GQL = "https://api.meetup.com/gql-ext?urlname=front-range-career-connect"
PAGE = "https://www.meetup.com/front-range-career-connect/events/"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_graphql_page_with_venue_topics_mode_cost_and_cursor():
    result = meetup.extract(page("graphql_page1.json"), GQL, CONTEXT)
    assert result.errors == []
    fair, review, mixer = result.events
    assert fair["title"] == "Tech Job Fair: Meet 40 Front Range Employers"
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-16T16:00:00-06:00", "2027-09-16T19:00:00-06:00")
    assert instant(fair["start_text"]) == datetime(2027, 9, 16, 22, tzinfo=UTC)
    assert fair["own_id"] == "309114527" and "series_id" not in fair
    assert fair["url"] == "https://www.meetup.com/front-range-career-connect/events/309114527/"
    assert (fair["venue_name"], fair["street"], fair["city"], fair["region"], fair["postal_code"], fair["country"]) == (
        "Denver Public Library - Central Library",
        "10 W 14th Ave Pkwy",
        "Denver",
        "CO",
        "80204",
        "us",
    )
    assert (fair["latitude"], fair["longitude"]) == ("39.737431", "-104.987946")
    assert fair["categories"] == ["Career Networking", "Job Search", "Technology Professionals"]
    assert fair["attendance_mode"] == "OfflineEventAttendanceMode" and "event_status" not in fair
    assert fair["organizer"] == "Front Range Career Connect"
    assert fair["organizer_url"] == "https://www.meetup.com/front-range-career-connect/"
    assert "is_free" not in fair and "price_min" not in fair  # no fee is not "free" on Meetup
    assert fair["description"].startswith("Forty employers")
    assert review["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in review
    assert mixer["event_status"] == "CANCELLED" and mixer["attendance_mode"] == "MixedEventAttendanceMode"
    assert mixer["venue_name"] == "Galvanize Denver - Platte"  # the physical one of its two venues
    assert (mixer["price_min"], mixer["price_max"], mixer["currency"], mixer["cost_text"]) == (
        "10.0",
        "10.0",
        "USD",
        "10.0 USD",
    )
    assert result.next_page == GQL + "&after=MzA5MTE0NjkwOjE4MjE3NDIyMDAwMDA%3D"


def test_last_graphql_page_series_long_event_and_untitled():
    result = meetup.extract(page("graphql_page2.json"), GQL + "&after=x", CONTEXT)
    chapter, hack, run = result.events
    assert chapter["series_id"] == "3041770" and chapter["own_id"] == "309243815"
    assert (hack["start_text"], hack["end_text"]) == ("2027-10-15T17:00:00-06:00", "2027-10-17T17:00:00-06:00")
    assert run["title"] == "Saturday Trail Run & Brunch" and run["categories"] == ["Trail Running"]
    assert result.errors == ["event_without_name"]
    assert result.next_page is None


def test_end_from_duration_and_a_utc_time_put_in_the_events_zone():
    node = {
        "id": "1",
        "title": "Career Panel",
        "dateTime": "2027-09-16T22:00:00Z",
        "duration": "PT1H30M",
        "timezone": "America/Denver",
        "venues": [],
    }
    body = json.dumps({"data": {"event": node}})
    (event,) = meetup.extract(body, GQL, CONTEXT).events
    assert (event["start_text"], event["end_text"]) == ("2027-09-16T16:00:00-06:00", "2027-09-16T17:30:00-06:00")
    assert event["timezone"] == "America/Denver"
    node.pop("timezone")
    (event,) = meetup.extract(json.dumps({"data": {"event": node}}), GQL, CONTEXT).events
    assert (event["start_text"], event["end_text"]) == ("2027-09-16T22:00:00Z", "2027-09-16T23:30:00Z")
    assert "timezone" not in event


def test_events_page_apollo_state_with_references_resolved():
    result = meetup.extract(page("events_page.html"), PAGE, CONTEXT)
    assert result.errors == [] and result.next_page is None
    fair, review, workshop = sorted(result.events, key=lambda e: e["start_text"])
    assert [fair["title"], fair["own_id"]] == ["Tech Job Fair: Meet 40 Front Range Employers", "309114527"]
    assert (fair["venue_name"], fair["city"], fair["latitude"], fair["longitude"]) == (
        "Denver Public Library - Central Library",
        "Denver",
        "39.737431",
        "-104.987946",
    )
    assert fair["organizer"] == "Front Range Career Connect" and fair["end_text"] == "2027-09-16T19:00:00-06:00"
    assert review["online_url"] == "https://us06web.zoom.us/j/84120553017" and "venue_name" not in review
    assert review["attendance_mode"] == "OnlineEventAttendanceMode"
    assert workshop["attendance_mode"] == "MixedEventAttendanceMode" and "online_url" not in workshop
    assert (workshop["venue_name"], workshop["price_min"], workshop["currency"]) == (
        "Galvanize Denver - Platte",
        "5",
        "USD",
    )


def test_rest_v3_list_epoch_millis_with_offset_fee_and_cancelled():
    result = meetup.extract(
        page("rest_v3_events.json"), "https://api.meetup.com/front-range-career-connect/events", CONTEXT
    )
    assert result.errors == []
    breakfast, interview = result.events
    assert (breakfast["start_text"], breakfast["end_text"]) == (
        "2027-09-14T07:30:00-06:00",
        "2027-09-14T09:00:00-06:00",
    )
    assert (breakfast["venue_name"], breakfast["street"], breakfast["postal_code"], breakfast["longitude"]) == (
        "Denver Union Station - Terminal Bar",
        "1701 Wynkoop St",
        "80202",
        "-105.000427",
    )
    assert (breakfast["cost_text"], breakfast["price_min"], breakfast["currency"]) == ("8 USD", "8", "USD")
    assert breakfast["own_id"] == "309120051" and breakfast["attendance_mode"] == "OfflineEventAttendanceMode"
    assert interview["event_status"] == "CANCELLED" and interview["attendance_mode"] == "OnlineEventAttendanceMode"
    only_date = meetup.extract('[{"name": "Hiring Week", "local_date": "2027-10-04"}]', "", CONTEXT).events
    assert only_date[0]["start_text"] == "2027-10-04"  # a date alone: all day


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/login'>Log in to Meetup</form></body></html>", "meetup_not_json"),
        (
            '{"errors":[{"message":"Variable \'status\' has an invalid value","locations":[{"line":5,"column":3}],'
            '"extensions":{"classification":"ValidationError"}}]}',
            "meetup_api_error",
        ),
        ('{"message":"Group not found"}', "meetup_api_error"),
        ('{"errors":[{"code":"group_error","message":"Invalid group urlname"}]}', "meetup_api_error"),
        ('{"data":{"groupByUrlname":null}}', "meetup_not_events"),
        ('{"events": [], "page": {"current": 1, "total": 1}}', "meetup_not_events"),
        (
            '<html><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script></html>',
            "meetup_not_events",
        ),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert meetup.extract(body, GQL, CONTEXT).errors == [code]


def test_detected_from_its_content():
    for name in ("graphql_page1.json", "events_page.html", "rest_v3_events.json"):
        assert detect_format(page(name)) == "meetup", name
    assert not meetup.looks_like('{"events": [{"eventUrl": "https://x.example/e/1", "dateTime": "2027-01-01"}]}')
    assert not meetup.looks_like("<html><script id='__NEXT_DATA__'>{}</script><p>meetup.com</p></html>")


class GraphQLHandler(ApiHandler):
    """Answers a GraphQL POST by its `after` variable: `after=<cursor>.json`, else `index.json`."""

    bodies: list

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.bodies.append(body)
        self.authorizations.append(self.headers.get("Authorization"))
        after = body.get("variables", {}).get("after")
        found = Path(
            self.directory, self.path.strip("/").split("?")[0], f"after={after}.json" if after else "index.json"
        )
        data = found.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("meetup")
    api = work / "site" / "gql-ext"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "graphql_page1.json", api / "index.json")
    shutil.copy(FIXTURES / "graphql_page2.json", api / "after=MzA5MTE0NjkwOjE4MjE3NDIyMDAwMDA=.json")
    bodies, authorizations = [], []
    handler = type("Gql", (GraphQLHandler,), {"seen": [], "bodies": bodies, "authorizations": authorizations})
    os.environ["EVENTHOUND_TEST_MEETUP_TOKEN"] = "mu-t0ken"
    try:
        with serve_directory(work / "site", handler=handler) as base:
            result, db = crawl(
                work,
                f"""
[sources.front-range-career-connect]
spider = "meetup"
urls = ["{base}gql-ext?urlname=front-range-career-connect"]
timezone = "America/Denver"
token_env = "EVENTHOUND_TEST_MEETUP_TOKEN"
""",
                now="2027-09-01T12:00:00+00:00",
            )
    finally:
        os.environ.pop("EVENTHOUND_TEST_MEETUP_TOKEN", None)
    return result, db, bodies, authorizations


def test_crawl_posts_the_query_and_follows_the_cursor(crawled):
    result, db, bodies, authorizations = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert [b["variables"].get("after") for b in bodies] == [None, "MzA5MTE0NjkwOjE4MjE3NDIyMDAwMDA="]
    assert bodies[0]["variables"]["urlname"] == "front-range-career-connect"
    assert (bodies[0]["variables"]["from"], bodies[0]["variables"]["to"]) == (
        "2027-09-01T00:00:00Z",
        "2028-08-31T23:59:59Z",
    )
    assert "groupByUrlname" in bodies[0]["query"] and authorizations == ["Bearer mu-t0ken"] * 2
    rows = query(db, "select title, start_utc, end_utc, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Tech Job Fair: Meet 40 Front Range Employers", "2027-09-16T22:00:00+00:00"),
        ("Résumé Review Night (online)", "2027-09-22T00:30:00+00:00"),
        ("Networking Mixer: Product & Design", "2027-09-23T23:30:00+00:00"),
        ("Women in Tech Colorado: Monthly Chapter Meeting", "2027-10-06T00:00:00+00:00"),
        ("Civic Hack Weekend: Build for Denver Nonprofits", "2027-10-15T23:00:00+00:00"),
        ("Saturday Trail Run & Brunch", "2027-10-23T14:00:00+00:00"),
    ]
    assert rows[4]["end_utc"] == "2027-10-17T23:00:00+00:00"
    assert rows[2]["status"] == "cancelled" and rows[1]["attendance"] == "online"
    assert json.loads(rows[0]["categories"]) == ["Career Networking", "Job Search", "Technology Professionals"]
    line = summary(result, "front-range-career-connect")
    assert "events=6" in line and "errors=1" in line  # the untitled event, counted


def test_source_urls_become_the_events_page_or_with_a_token_the_graphql_request(monkeypatch):
    from eventhound.sources import parse_source
    from spiders.meetup import MeetupSpider

    entry = {
        "spider": "meetup",
        "urls": ["https://www.meetup.com/front-range-career-connect/events/ical/"],
        "timezone": "America/Denver",
    }
    spider = MeetupSpider(source=parse_source("frcc", entry))
    assert spider.api_url(entry["urls"][0]) == PAGE
    assert (
        spider.api_url("https://api.meetup.com/front-range-career-connect/events")
        == "https://api.meetup.com/front-range-career-connect/events"
    )
    monkeypatch.setenv("FRCC_MEETUP_TOKEN", "abc")
    spider = MeetupSpider(source=parse_source("frcc", {**entry, "token_env": "FRCC_MEETUP_TOKEN"}))
    assert spider.api_url("https://www.meetup.com/front-range-career-connect/") == GQL
