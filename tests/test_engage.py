"""Campus Labs Engage: the discovery API's JSON read into raw events, and a crawl of its pages over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import engage
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import parse_source
from spiders.engage import EngageSpider
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "engage"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago")
API = (
    "https://riverton.campuslabs.com/engage/api/discovery/event/search?endsAfter=2027-09-01T00%3A00%3A00-05%3A00"
    "&orderByField=endsOn&orderByDirection=ascending&status=Approved&take=100&query="
)


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_records_with_times_place_organizer_and_categories():
    result = engage.extract(page("search_page1.json"), API, CONTEXT)
    assert result.errors == ["event_without_name"]  # the untitled record, counted
    workshop, fair, mixer = result.events
    assert fair["title"] == "Fall Career & Internship Fair"
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T11:00:00-05:00", "2027-09-22T15:00:00-05:00")
    assert instant(fair["start_text"]) == datetime(2027, 9, 22, 16, tzinfo=UTC)  # the published instant
    assert fair["own_id"] == "12840245"
    assert fair["url"] == "https://riverton.campuslabs.com/engage/event/12840245"
    assert (fair["venue_name"], fair["latitude"], fair["longitude"]) == (
        "Student Union Ballroom",
        "40.512300",
        "-88.987600",
    )
    assert fair["organizer"] == "Career Center"
    assert fair["categories"] == ["Career Fair", "Networking", "Free Stuff", "ThoughtfulLearning"]
    assert fair["description"].startswith("<p>Meet more than 120 employers")
    assert "event_status" not in fair and "attendance_mode" not in fair and "timezone" not in fair
    assert workshop["online_url"] == "https://riverton.zoom.us/j/93120044821"
    assert workshop["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in workshop
    assert instant(workshop["end_text"]) == datetime(2027, 9, 14, 21, tzinfo=UTC)
    assert mixer["event_status"] == "CANCELLED" and mixer["organizer"] == "Alumni Association"
    assert mixer["categories"] == ["Networking", "Free Food", "Social"]
    assert result.next_page == API + "&skip=4"


def test_all_day_week_and_event_without_start_on_the_last_page():
    result = engage.extract(page("search_page2.json"), API + "&skip=4", CONTEXT)
    meeting, week, concert = result.events
    assert (week["start_text"], week["end_text"]) == ("2027-10-04", "2027-10-08")  # 00:00 to 23:59 local, inclusive
    assert meeting["start_text"] == "2027-10-06T18:30:00-05:00" and meeting["categories"][0] == "General Meeting"
    assert concert["start_text"] == "2027-10-09T19:30:00-05:00"  # 00:30 UTC is the evening before in Chicago
    assert result.errors == ["event_without_start"]
    assert result.next_page is None  # skip 4 + 4 read = @odata.count


def test_times_stay_utc_instants_without_a_source_zone():
    result = engage.extract(page("search_page1.json"), API, Context(now=CONTEXT.now))
    assert result.events[1]["start_text"] == "2027-09-22T16:00:00+00:00"


def test_a_school_on_its_own_domain_and_a_saved_file():
    own = "https://getinvolved.riverton.edu/api/discovery/event/search?take=100"
    assert (
        engage.extract(page("search_page1.json"), own, CONTEXT).events[0]["url"]
        == "https://getinvolved.riverton.edu/event/12840117"
    )
    saved = engage.extract(page("search_page1.json"), "file:///tmp/search.json", CONTEXT)
    assert "url" not in saved.events[0] and saved.events[0]["own_id"] == "12840117" and saved.next_page is None


def test_an_empty_page_is_no_error():
    assert engage.extract('{"@odata.count": 0, "value": []}', API, CONTEXT).errors == []


def test_a_bare_list_of_records_is_read():
    records = json.loads(page("search_page2.json"))["value"]
    result = engage.extract(json.dumps(records), API, CONTEXT)
    assert [e["title"] for e in result.events][0] == "SWE Chapter Meeting: Internship Panel"


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/account/logon'>Sign in</form></body></html>", "engage_not_json"),
        ('{"Message": "An error has occurred."}', "engage_api_error"),
        (
            '{"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1", "title": "One or more validation errors '
            'occurred.", "status": 400, "errors": {"take": ["The value \'x\' is not valid."]}}',
            "engage_api_error",
        ),
        (
            '{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups", "@odata.count": 1, "value2": []}',
            "engage_not_events",
        ),
        ('{"@odata.count": 1, "value": [{"displayName": "Contoso Videos", "id": "1111"}]}', "engage_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert engage.extract(body, API, CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("search_page1.json")) == "engage"
    assert not engage.looks_like('{"@odata.count": 7, "value": [{"displayName": "Contoso"}]}')
    assert not engage.looks_like("<html><body>startsOn organizationName @odata.count</body></html>")


def spider_for(url: str, **options) -> EngageSpider:
    entry = {"spider": "engage", "urls": [url], "timezone": "America/Chicago", "engage": options}
    spider = EngageSpider(source=parse_source("campus", entry, "sources.toml"))
    spider.context = CONTEXT
    return spider


def test_api_url_from_a_site_its_own_domain_or_the_api_itself():
    site = spider_for("https://riverton.campuslabs.com/engage/events", window_days_ahead=30)
    assert site.api_url("https://riverton.campuslabs.com/engage/events") == (
        "https://riverton.campuslabs.com/engage/api/discovery/event/search?endsAfter=2027-09-01T00%3A00%3A00-05%3A00"
        "&startsBefore=2027-10-01T00%3A00%3A00-05%3A00&orderByField=endsOn&orderByDirection=ascending"
        "&status=Approved&take=100&query="
    )
    own = spider_for("https://getinvolved.riverton.edu/events").api_url("https://getinvolved.riverton.edu/events")
    assert own.startswith("https://getinvolved.riverton.edu/api/discovery/event/search?endsAfter=")
    assert "startsBefore=2028-08-31T00%3A00%3A00-05%3A00" in own  # 365 days by default
    given = "https://riverton.campuslabs.com/engage/api/discovery/event/search?take=25&status=Approved"
    kept = spider_for(given).api_url(given)
    assert kept.startswith(given + "&endsAfter=") and kept.count("take=") == 1


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("engage")
    api = work / "site" / "engage" / "api" / "discovery" / "event" / "search"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "search_page1.json", api / "index.json")
    shutil.copy(FIXTURES / "search_page2.json", api / "skip=4.json")
    seen: list[str] = []
    with serve_api(work / "site", seen, paging=("skip",)) as base:
        result, db = crawl(
            work,
            f"""
[sources.riverton-engage]
spider = "engage"
urls = ["{base.rstrip("/")}/engage/events"]
timezone = "America/Chicago"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_every_page_from_the_events_page(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    first = (
        "/engage/api/discovery/event/search?endsAfter=2027-09-01T00%3A00%3A00-05%3A00"
        "&startsBefore=2028-08-31T00%3A00%3A00-05%3A00&orderByField=endsOn&orderByDirection=ascending"
        "&status=Approved&take=100&query="
    )
    assert [path for path in seen if path != "/robots.txt"] == [first, first + "&skip=4"]
    rows = query(
        db, "select title, start_utc, all_day, status, attendance, categories, url from events order by start_utc"
    )
    by_title = {r["title"]: r for r in rows}
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Résumé Workshop: Get Past the Applicant Tracking System", "2027-09-14T20:00:00+00:00"),
        ("Fall Career & Internship Fair", "2027-09-22T16:00:00+00:00"),
        ("Young Alumni Networking Mixer", "2027-09-23T23:00:00+00:00"),
        ("Graduate School Application Week", "2027-10-04T05:00:00+00:00"),
        ("SWE Chapter Meeting: Internship Panel", "2027-10-06T23:30:00+00:00"),
        ("Fall Orchestra Concert", "2027-10-10T00:30:00+00:00"),
    ]
    assert by_title["Graduate School Application Week"]["all_day"] == 1
    assert by_title["Young Alumni Networking Mixer"]["status"] == "cancelled"
    assert by_title["Résumé Workshop: Get Past the Applicant Tracking System"]["attendance"] == "online"
    assert json.loads(by_title["Fall Career & Internship Fair"]["categories"])[:2] == ["Career Fair", "Networking"]
    assert rows[1]["url"].endswith("/engage/event/12840245")
    line = summary(result, "riverton-engage")
    assert "events=6" in line and "errors=2" in line  # the untitled record and the one without a start, counted
