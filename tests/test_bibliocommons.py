"""BiblioCommons Events: the gateway JSON read into raw events, and a crawl of its pages over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import bibliocommons
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import parse_source
from spiders.bibliocommons import BiblioCommonsSpider
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "bibliocommons"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago")
API = (
    "https://gateway.bibliocommons.com/v2/libraries/rivertonlib/events?startDate=2027-09-01&endDate=2028-08-31"
    "&limit=100&page=1"
)
PAGE = "https://rivertonlib.bibliocommons.com/events/"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_occurrences_with_their_place_registration_and_categories():
    result = bibliocommons.extract(page("events_page1.json"), API, CONTEXT)
    assert result.errors == []
    workshop, fair, week, online = result.events
    assert workshop["title"] == "Job Seekers' Résumé Workshop"
    assert (workshop["start_text"], workshop["end_text"]) == ("2027-09-15T14:00", "2027-09-15T15:30")
    assert workshop["timezone"] == "America/Chicago"  # the branch's mapLocation.timeZone
    assert workshop["own_id"] == "6b1f0c2e8d1b82ca9f794c01"
    assert workshop["url"] == workshop["registration_url"] == PAGE + "6b1f0c2e8d1b82ca9f794c01"
    assert (
        workshop["venue_name"],
        workshop["street"],
        workshop["city"],
        workshop["region"],
        workshop["postal_code"],
        workshop["country"],
    ) == ("Central Library", "210 W. Main Street", "Riverton", "IL", "61701", "US")
    assert (workshop["latitude"], workshop["longitude"]) == ("40.484213", "-88.993712")
    assert workshop["categories"] == ["Jobs & Careers", "Classes & Workshops", "Adults", "Workforce Wednesdays"]
    assert workshop["attendance_mode"] == "OfflineEventAttendanceMode"
    assert workshop["description"].startswith("<p>Bring a draft of your résumé")
    assert fair["venue_name"] == "Riverton Civic Center" and fair["street"] == "600 N. East Street"  # off-site place
    assert "registration_url" not in fair and fair["categories"] == ["Jobs & Careers", "Adults", "Teens"]
    assert (week["start_text"], week["end_text"]) == ("2027-09-20", "2027-09-24")  # all-day: dates only
    assert online["attendance_mode"] == "OnlineEventAttendanceMode"
    assert "venue_name" not in online and "timezone" not in online  # BC_VIRTUAL is no place
    assert "rivertonlib.zoom.us/j/81234567890" in online["description"]  # for the AttendancePipeline
    assert result.next_page == API.replace("page=1", "page=2")


def test_cancelled_hybrid_and_untitled_events_on_the_last_page():
    result = bibliocommons.extract(page("events_page2.json"), API.replace("page=1", "page=2"), CONTEXT)
    storytime, mixer, chapter = result.events
    assert storytime["categories"] == ["Storytime", "Kids: Toddlers"] and storytime["venue_name"] == "Eastside Branch"
    assert mixer["event_status"] == "CANCELLED" and "event_status" not in chapter
    assert chapter["attendance_mode"] == "MixedEventAttendanceMode"  # isVirtual at a branch
    assert result.errors == ["event_without_name"]
    assert result.next_page is None


def test_the_listing_order_the_key_as_start_and_the_details_as_venue():
    data = json.loads(page("events_page1.json"))
    data["events"]["items"].reverse()
    definition = data["entities"]["events"]["6b1f0c2e8d1b82ca9f794c02"]["definition"]
    definition.update(start=None, nonBranchLocationId=None)
    data["entities"]["events"]["6b1f0c2e8d1b82ca9f794c02"]["key"] = "2027-09-22T10:00"
    events = bibliocommons.extract(json.dumps(data), API, CONTEXT).events
    assert [e["own_id"][-2:] for e in events] == ["04", "03", "02", "01"]
    assert events[2]["start_text"] == "2027-09-22T10:00" and events[2]["venue_name"] == "Exhibit Hall B"


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/user/login'>Log in</form></body></html>", "bibliocommons_not_json"),
        ('{"error": {"code": "NOT_FOUND", "message": "Library not found"}}', "bibliocommons_api_error"),
        ('{"status": 500, "message": "Internal Server Error"}', "bibliocommons_api_error"),
        ('{"events": [{"event": {"title": "x"}}], "page": {"current": 1}}', "bibliocommons_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert bibliocommons.extract(body, API, CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("events_page1.json")) == "bibliocommons"
    assert not bibliocommons.looks_like('{"events": [], "entities": {}}')
    assert not bibliocommons.looks_like(page("library_home.html"))


def spider_for(url: str, **options) -> BiblioCommonsSpider:
    entry = {"spider": "bibliocommons", "urls": [url], "timezone": "America/Chicago", "bibliocommons": options}
    spider = BiblioCommonsSpider(source=parse_source("library", entry, "sources.toml"))
    spider.context = CONTEXT
    return spider


def test_api_url_from_the_events_page_or_the_gateway_itself():
    for events in ("https://rivertonlib.bibliocommons.com/events", "https://rivertonlib.bibliocommons.com/v2/events"):
        assert spider_for(events).api_url(events) == API
    short = spider_for(API, window_days_ahead=30, limit=50)
    assert short.api_url("https://rivertonlib.bibliocommons.com/v2/events") == (
        "https://gateway.bibliocommons.com/v2/libraries/rivertonlib/events?startDate=2027-09-01&endDate=2027-10-01"
        "&limit=50&page=1"
    )
    given = "https://gateway.bibliocommons.com/v2/libraries/rivertonlib/events?audiences=5ea06e21&limit=20"
    assert spider_for(given).api_url(given) == given + "&startDate=2027-09-01&endDate=2028-08-31&page=1"
    rss = "https://gateway.bibliocommons.com/v2/libraries/rivertonlib/rss/events?types=5ea06d75"
    assert (
        spider_for(rss)
        .api_url(rss)
        .startswith("https://gateway.bibliocommons.com/v2/libraries/rivertonlib/events?types=5ea06d75&startDate=")
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("bibliocommons")
    api = work / "site" / "v2" / "libraries" / "rivertonlib" / "events"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "events_page1.json", api / "page=1.json")
    shutil.copy(FIXTURES / "events_page2.json", api / "page=2.json")
    seen: list[str] = []
    with serve_api(work / "site", seen) as base:
        result, db = crawl(
            work,
            f"""
[sources.riverton-library]
spider = "bibliocommons"
urls = ["{base}v2/libraries/rivertonlib/events"]
timezone = "America/New_York"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_every_page_in_the_branches_zone(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    query_string = "startDate=2027-09-01&endDate=2028-08-31&limit=100"
    assert [path for path in seen if path != "/robots.txt"] == [
        f"/v2/libraries/rivertonlib/events?{query_string}&page=1",
        f"/v2/libraries/rivertonlib/events?{query_string}&page=2",
    ]
    rows = query(
        db,
        "select title, start_utc, all_day, status, attendance, online_url, categories, url"
        " from events order by start_utc",
    )
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Job Seekers' Résumé Workshop", "2027-09-15T19:00:00+00:00"),  # 14:00 Chicago, not the source's New York
        ("Career Resource Week", "2027-09-20T05:00:00+00:00"),
        ("Fall Job Fair", "2027-09-22T15:00:00+00:00"),
        ("Ace the Interview (Online)", "2027-09-29T22:30:00+00:00"),  # no branch: the source's zone
        ("Toddler Storytime", "2027-10-05T15:00:00+00:00"),
        ("LinkedIn Networking Mixer", "2027-10-07T22:30:00+00:00"),
        ("SCORE Small Business Chapter Meeting", "2027-10-12T17:00:00+00:00"),
    ]
    by_title = {r["title"]: r for r in rows}
    assert by_title["Career Resource Week"]["all_day"] == 1
    assert by_title["LinkedIn Networking Mixer"]["status"] == "cancelled"
    online = by_title["Ace the Interview (Online)"]
    assert online["attendance"] == "online" and online["online_url"] == "https://rivertonlib.zoom.us/j/81234567890"
    assert by_title["SCORE Small Business Chapter Meeting"]["attendance"] == "hybrid"
    assert json.loads(by_title["Fall Job Fair"]["categories"]) == ["Jobs & Careers", "Adults", "Teens"]
    assert by_title["Fall Job Fair"]["url"] == PAGE + "6b1f0c2e8d1b82ca9f794c02"
    line = summary(result, "riverton-library")
    assert "events=7" in line and "errors=1" in line  # the untitled event, counted


def test_discover_names_bibliocommons_and_the_library_events_page():
    from eventhound.discover import discover

    offers = discover(page("library_home.html"), "https://www.rivertonlibrary.org/")
    offer = next(o for o in offers if o.spider == "bibliocommons")
    assert (offer.kind, offer.url) == ("platform", "https://rivertonlib.bibliocommons.com/v2/events")
    assert "links to its events" in offer.evidence and '"BiblioCommons" in the footer' in offer.evidence
    own = bibliocommons.recognise(
        "<html><body class='cp-events'></body></html>", "https://rivertonlib.bibliocommons.com/v2/events?types=5ea06d75"
    )
    assert own == (
        "https://rivertonlib.bibliocommons.com/v2/events",
        "BiblioCommons Events (an events page on bibliocommons.com, BiblioCommons cp- components)",
    )
    catalogue_only = '<a href="https://rivertonlib.bibliocommons.com/v2/search?query=jobs">Catalogue</a>'
    assert bibliocommons.recognise(catalogue_only, "https://www.rivertonlibrary.org/") is None
    assert bibliocommons.recognise("<html><body>Events at the library</body></html>", "https://lib.example/") is None
