"""Luma: the calendar items API and a calendar page's __NEXT_DATA__ read into raw events, and a crawl over HTTP."""

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import luma
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import parse_source
from spiders.luma import LumaSpider
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "luma"
NOW = datetime(2027, 9, 1, 12, tzinfo=UTC)
CONTEXT = Context(now=NOW, timezone="America/Chicago")
API = "https://api2.luma.com/calendar/get-items?calendar_api_id=cal-Lk7sHq2TcA9vRm4&period=future&pagination_limit=50"
CURSOR = "Y2FsZXYtQzNoU3owVG00Tm83VmIx"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_entries_read_with_local_times_place_cost_mode_and_tags():
    result = luma.extract(page("get_items_page1.json"), API, CONTEXT)
    assert result.errors == []
    fair, workshop, mixer = result.events
    assert fair["title"] == "Fall Tech Career Fair 2027" and fair["own_id"] == "evt-Fa7Lk2Qw9Xc4Rb1"
    # 16:00Z in the event's own zone (CDT), and the zone named
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T11:00:00-05:00", "2027-09-22T16:00:00-05:00")
    assert fair["timezone"] == "America/Chicago"
    assert fair["url"] == fair["registration_url"] == "https://lu.ma/fall-tech-fair-27"
    assert (fair["venue_name"], fair["street"], fair["city"], fair["region"], fair["postal_code"], fair["country"]) == (
        "Merchandise Mart",
        "222 W Merchandise Mart Plaza",
        "Chicago",
        "Illinois",
        "60654",
        "US",
    )
    assert (fair["latitude"], fair["longitude"]) == ("41.888528", "-87.635356")
    assert (fair["is_free"], fair["cost_text"]) == ("true", "Free")
    assert fair["attendance_mode"] == "OfflineEventAttendanceMode"
    assert fair["categories"] == ["Career Fair", "Hiring"]
    assert (fair["organizer"], fair["organizer_url"]) == ("Lakeshore Tech Alliance", "https://lu.ma/lakeshore-tech")
    assert workshop["online_url"] == "https://us06web.zoom.us/j/84120937716"
    assert workshop["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in workshop
    assert workshop["start_text"] == "2027-09-28T18:30:00-05:00"  # 23:30Z: the evening before in UTC terms
    assert (workshop["is_free"], workshop["price_min"], workshop["currency"]) == ("false", "15", "USD")
    assert (mixer["venue_name"], mixer["street"]) == ("1871", "222 W Merchandise Mart Plaza #1212")
    assert (mixer["price_min"], mixer["price_max"], mixer["cost_text"]) == ("25", "40", "25 – 40 USD")
    assert result.next_page == API + "&pagination_cursor=" + CURSOR


def test_last_page_cancelled_multiday_external_and_untitled():
    result = luma.extract(page("get_items_page2.json"), API + "&pagination_cursor=" + CURSOR, CONTEXT)
    assert result.errors == ["event_without_name"]
    assert result.next_page is None  # has_more false
    cancelled, summit, picnic, chipy = result.events
    assert cancelled["title"] == "CANCELED: Women in Product Chapter Meeting"  # the status pipeline reads it
    assert (summit["start_text"], summit["end_text"]) == ("2027-10-14T09:00:00-05:00", "2027-10-15T18:00:00-05:00")
    assert "venue_name" not in summit and summit["street"] == "2233 S Martin Luther King Dr"
    assert picnic["venue_name"] == "Lincoln Park" and "street" not in picnic
    # an external event: its own URL, no end_at but a duration, no evt- id
    assert chipy["url"] == "https://www.meetup.com/_chipy_/events/305512784/"
    assert (chipy["start_text"], chipy["end_text"]) == ("2027-10-21T18:00:00-05:00", "2027-10-21T20:00:00-05:00")
    assert chipy["own_id"] == "calev-H8mXe5Yr9St2Ag6" and chipy["organizer"] == "ChiPy (Chicago Python User Group)"


def test_a_calendar_page_gives_its_teaser_and_leads_to_the_items_api():
    result = luma.extract(page("calendar_page.html"), "https://lu.ma/lakeshore-tech", CONTEXT)
    assert [e["title"] for e in result.events] == [
        "Fall Tech Career Fair 2027",
        "Résumé Review Workshop for Career Changers",
    ]
    assert result.next_page == API
    mirrored = luma.extract(page("calendar_page.html"), "http://127.0.0.1:8000/lakeshore-tech", CONTEXT)
    assert mirrored.next_page == "http://127.0.0.1:8000/calendar/get-items?" + API.split("?")[1]


def test_an_event_page_and_the_url_answer():
    entry = json.loads(page("get_items_page1.json"))["entries"][1]
    event_page = {"kind": "event", "data": {**entry, "categories": [{"api_id": "cat-career", "name": "Career"}]}}
    next_data = json.dumps({"props": {"pageProps": {"initialData": event_page}}})
    html = f'<html><script id="__NEXT_DATA__" type="application/json">{next_data}</script></html>'
    (event,) = luma.extract(html, "https://lu.ma/w4k9rz2p", CONTEXT).events
    assert event["title"].startswith("Résumé Review") and event["categories"] == ["Workshop", "Career"]
    assert luma.extract(json.dumps(event_page), "https://api.lu.ma/url?url=w4k9rz2p", CONTEXT).events == [event]


def test_the_window_leaves_out_later_events_and_stops_paging():
    near = Context(now=NOW, timezone="America/Chicago", options={"window_days_ahead": 30})
    first = luma.extract(page("get_items_page1.json"), API, near)
    assert [e["title"] for e in first.events] == [
        "Fall Tech Career Fair 2027",
        "Résumé Review Workshop for Career Changers",
    ]
    assert first.next_page is None  # the mixer (Oct 6) lies past Oct 1: the rest of the future too


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/signin'>Sign in to Luma</form></body></html>", "luma_not_json"),
        ('{"message":"Sorry, we could not find what you were looking for.","code":null}', "luma_api_error"),
        ('{"items": [], "kind": "something#else"}', "luma_not_events"),
        (
            '<html><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script></html>',
            "luma_not_events",
        ),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert luma.extract(body, API, CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("get_items_page1.json")) == "luma"
    assert detect_format(page("calendar_page.html")) == "luma"
    other_next = (
        '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"initialData":{}}}}</script>'
    )
    assert not luma.looks_like(other_next)
    assert not luma.looks_like('{"entries": [{"id": 1, "start_at": "2027-01-01"}]}')
    assert not luma.looks_like("<html><body>Events at the library</body></html>")


def test_the_spider_asks_the_items_api_when_the_calendar_id_is_known():
    source = parse_source(
        "lta", {"spider": "luma", "urls": ["https://lu.ma/lakeshore-tech"], "timezone": "America/Chicago"}
    )
    spider = LumaSpider(source=source)
    assert spider.api_url("https://lu.ma/embed/calendar/cal-Lk7sHq2TcA9vRm4/events?lt=light") == API
    assert spider.api_url("https://api.lu.ma/calendar/get-items?calendar_api_id=cal-Lk7sHq2TcA9vRm4") == (
        "https://api.lu.ma/calendar/get-items?calendar_api_id=cal-Lk7sHq2TcA9vRm4&period=future&pagination_limit=50"
    )
    assert spider.api_url("https://lu.ma/lakeshore-tech") == "https://lu.ma/lakeshore-tech"  # read the page itself
    assert "api2.luma.com" in spider.sites


def test_discover_names_luma_from_an_embed():
    from eventhound.discover import discover

    html = (
        '<html><body><h2>Upcoming events</h2><iframe src="https://lu.ma/embed/calendar/cal-Lk7sHq2TcA9vRm4/events'
        '?lt=light" width="600" height="450"></iframe></body></html>'
    )
    offers = [o for o in discover(html, "https://lakeshoretech.org/events") if o.kind == "platform"]
    assert (offers[0].spider, offers[0].url) == ("luma", "https://lu.ma/embed/calendar/cal-Lk7sHq2TcA9vRm4/events")
    assert "embed" in offers[0].evidence
    assert luma.recognise("<html><body>Events at the library</body></html>", "https://lib.example/") is None


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("luma")
    api = work / "site" / "calendar" / "get-items"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "calendar_page.html", work / "site" / "lakeshore-tech")
    shutil.copy(FIXTURES / "get_items_page1.json", api / "index.json")
    shutil.copy(FIXTURES / "get_items_page2.json", api / f"pagination_cursor={CURSOR}.json")
    seen: list[str] = []
    with serve_api(work / "site", seen, paging=("pagination_cursor",)) as base:
        result, db = crawl(
            work,
            f"""
[sources.lakeshore-tech]
spider = "luma"
urls = ["{base}/lakeshore-tech"]
timezone = "America/Chicago"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_the_calendar_page_then_every_api_page(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    query_string = API.split("?")[1]
    assert [path for path in seen if path != "/robots.txt"] == [
        "/lakeshore-tech",
        f"/calendar/get-items?{query_string}",
        f"/calendar/get-items?{query_string}&pagination_cursor={CURSOR}",
    ]
    rows = query(db, "select title, start_utc, status, attendance, categories, timezone from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [  # the page's teaser and the API's entries stored once
        ("Fall Tech Career Fair 2027", "2027-09-22T16:00:00+00:00"),
        ("Résumé Review Workshop for Career Changers", "2027-09-28T23:30:00+00:00"),
        ("Founders & Operators Networking Mixer", "2027-10-06T22:30:00+00:00"),
        ("Women in Product Chapter Meeting", "2027-10-12T23:00:00+00:00"),
        ("Midwest DevOps Summit", "2027-10-14T14:00:00+00:00"),
        ("Members' Fall Picnic", "2027-10-16T17:00:00+00:00"),
        ("ChiPy Hiring Night", "2027-10-21T23:00:00+00:00"),
    ]
    assert {r["timezone"] for r in rows} == {"America/Chicago"}
    by_title = {r["title"]: r for r in rows}
    assert by_title["Women in Product Chapter Meeting"]["status"] == "cancelled"
    assert by_title["Résumé Review Workshop for Career Changers"]["attendance"] == "online"
    assert json.loads(by_title["Fall Tech Career Fair 2027"]["categories"]) == ["Career Fair", "Hiring"]
    line = summary(result, "lakeshore-tech")
    assert re.search(r"\berrors=1\b", line)  # the untitled event, counted


def test_odd_values_are_counted_never_raised():
    odd = {
        "entries": [
            {
                "event": {
                    "name": {"x": 1},
                    "start_at": "2027-10-01T18:00:00Z",
                    "timezone": "Mars/Olympus",
                    "duration_interval": "P0Y0M99999999DT0H",
                },
                "ticket_info": {"is_free": {}},
            },
            {"event": {"name": "Job Club", "start_at": "soon"}},
            None,
            "x",
        ],
        "has_more": True,
    }
    result = luma.extract(json.dumps(odd), API, CONTEXT)
    assert result.events == [] and result.errors == ["event_without_name", "event_without_start"]
    assert result.next_page is None  # has_more without a cursor
