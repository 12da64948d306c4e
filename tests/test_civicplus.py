"""CivicPlus: the Calendar.aspx list view and event pages read into raw events, and a crawl of its months over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import civicplus
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "civicplus"
CONTEXT = Context(
    now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/New_York", options={"window_days_ahead": 45}
)
SITE = "https://www.fairhavenoh.gov"
LISTING = f"{SITE}/Calendar.aspx?CID=14%2C22%2C31&view=list&month=9&year=2027"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_title(events: list[dict]) -> dict[str, dict]:
    return {e["title"]: e for e in events}


def test_listing_events_with_times_place_and_calendar_names():
    result = civicplus.extract(page("calendar_2027-09.html"), LISTING, CONTEXT)
    events = by_title(result.events)
    assert list(events) == [
        "City Council Regular Meeting",
        "Résumé & Cover Letter Workshop",
        "Fall Regional Job Fair",
        "Virtual Hiring Event: Fairhaven Public Works",
        "Storytime in the Park",
    ]
    fair = events["Fall Regional Job Fair"]
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-23T10:00:00", "2027-09-23T14:00:00")  # floating
    assert fair["own_id"] == "5520" and fair["url"] == f"{SITE}/Calendar.aspx?EID=5520"
    assert (fair["venue_name"], fair["street"], fair["city"], fair["region"], fair["postal_code"]) == (
        "Fairhaven Civic Center",
        "200 N. Main St.",
        "Fairhaven",
        "OH",
        "45014",
    )
    assert fair["categories"] == ["Workforce & Economic Development"]
    assert fair["description"].startswith("More than 60 employers")
    assert events["City Council Regular Meeting"]["categories"] == ["City Council"]


def test_an_event_in_two_calendars_is_one_event_with_both_names():
    result = civicplus.extract(page("calendar_2027-09.html"), LISTING, CONTEXT)
    workshops = [e for e in result.events if e["own_id"] == "5512"]
    assert len(workshops) == 1
    assert workshops[0]["categories"] == ["Workforce & Economic Development", "Fairhaven Public Library"]


def test_online_event_its_meeting_link_and_the_untitled_entry_counted():
    result = civicplus.extract(page("calendar_2027-09.html"), LISTING, CONTEXT)
    online = by_title(result.events)["Virtual Hiring Event: Fairhaven Public Works"]
    assert online["online_url"] == "https://us06web.zoom.us/j/84512039911"
    assert online["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in online
    assert result.errors == ["event_without_name"]  # EID 5527 has no title
    assert "5527" not in [e["own_id"] for e in result.events]


def test_next_month_within_the_window_then_none():
    first = civicplus.extract(page("calendar_2027-09.html"), LISTING, CONTEXT)
    assert first.next_page == LISTING.replace("month=9", "month=10")
    second = civicplus.extract(page("calendar_2027-10.html"), first.next_page, CONTEXT)
    assert second.next_page is None  # November starts after 45 days
    december = civicplus.extract(
        page("calendar_2027-10.html"),
        LISTING.replace("month=9", "month=12"),
        Context(now=CONTEXT.now, timezone=CONTEXT.timezone),
    )
    assert december.next_page == LISTING.replace("month=9&year=2027", "month=1&year=2028")
    search = f"{SITE}/Calendar.aspx?Keywords=&startDate=09/01/2027&enddate=12/31/2027&CID=22"
    assert civicplus.extract(page("calendar_2027-09.html"), search, CONTEXT).next_page is None


def test_all_day_cancelled_title_and_an_undated_entry_followed():
    result = civicplus.extract(page("calendar_2027-10.html"), LISTING.replace("month=9", "month=10"), CONTEXT)
    events = by_title(result.events)
    tours = events["Manufacturing Week: Plant Tours"]
    assert tours["start_text"] == "2027-10-04" and "end_text" not in tours
    assert "Small Business Networking Mixer - CANCELLED" in events  # the status pipeline reads the title
    assert result.follow == [f"{SITE}/Calendar.aspx?EID=5538"]
    assert "Interview Skills Bootcamp" not in events and result.errors == []


def test_event_page_with_time_place_cost_contact_and_registration():
    result = civicplus.extract(page("event_5538.html"), f"{SITE}/Calendar.aspx?EID=5538", CONTEXT)
    assert result.errors == [] and len(result.events) == 1
    camp = result.events[0]
    assert camp["title"] == "Interview Skills Bootcamp" and camp["own_id"] == "5538"
    assert (camp["start_text"], camp["end_text"]) == ("2027-10-12T09:00:00", "2027-10-12T12:00:00")
    assert (camp["venue_name"], camp["street"], camp["postal_code"]) == (
        "OhioMeansJobs Fairhaven Center",
        "310 Commerce Dr.",
        "45014",
    )
    assert camp["cost_text"] == "$10; free for job seekers registered with OhioMeansJobs"
    assert camp["organizer"] == "Dana Whitfield, Workforce Development"
    assert camp["registration_url"] == f"{SITE}/FormCenter/Workforce-Development-8/Interview-Bootcamp-Registration-112"
    assert camp["description"].startswith("<p>A three-hour, hands-on bootcamp")


def test_event_page_meeting_link_is_online_not_registration():
    (event,) = civicplus.extract(page("event_5524.html"), f"{SITE}/Calendar.aspx?EID=5524", CONTEXT).events
    assert event["online_url"] == "https://us06web.zoom.us/j/84512039911"
    assert event["attendance_mode"] == "OnlineEventAttendanceMode"
    assert "registration_url" not in event and "venue_name" not in event


def test_event_page_without_a_time_row_is_all_day():
    text = page("event_5538.html")
    start, end = (
        text.index('<div id="ctl00_ctl00_MainContent_ModuleContent_ctl00_ctl04_time"'),
        text.index('<div itemprop="location"'),
    )
    (event,) = civicplus.extract(text[:start] + text[end:], f"{SITE}/Calendar.aspx?EID=5538", CONTEXT).events
    assert event["start_text"] == "2027-10-12" and "end_text" not in event


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/login'>Sign in</form></body></html>", "civicplus_not_json"),
        ('{"events": []}', "civicplus_not_json"),
        (
            "<html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' Application.</h1></body></html>",
            "civicplus_api_error",
        ),
        (page("home_page.html"), "civicplus_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert civicplus.extract(body, LISTING, CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("calendar_2027-09.html")) == "civicplus"
    assert detect_format(page("event_5538.html")) == "civicplus"
    assert not civicplus.looks_like(page("home_page.html"))
    assert not civicplus.looks_like('<div class="calendars"><div class="calendars-nav"></div></div>')


def test_recognise_names_the_calendar_a_civicplus_page_links():
    found = civicplus.recognise(page("home_page.html"), f"{SITE}/245/Workforce-Development")
    assert found[0] == f"{SITE}/Calendar.aspx?CID=22" and "CivicPlus credits" in found[1]
    assert civicplus.recognise(page("calendar_2027-09.html"), LISTING)[0] == LISTING
    legistar = '<html><body><a href="/Calendar.aspx">Meetings</a> Legistar</body></html>'
    assert civicplus.recognise(legistar, "https://chicago.legistar.com/") is None
    assert civicplus.recognise("<html><body>Events at the library</body></html>", "https://lib.example/") is None


def test_spider_asks_for_the_month_list_view():
    from spiders.civicplus import CivicplusSpider

    spider = CivicplusSpider.__new__(CivicplusSpider)
    spider.today = lambda: datetime(2027, 9, 1).date()
    month = "view=list&month=9&year=2027"
    assert spider.api_url(f"{SITE}/") == f"{SITE}/Calendar.aspx?{month}"
    assert spider.api_url(f"{SITE}/Calendar.aspx?CID=22") == f"{SITE}/Calendar.aspx?CID=22&{month}"
    assert (
        spider.api_url(f"{SITE}/common/modules/iCalendar/iCalendar.aspx?catID=22&feed=calendar")
        == f"{SITE}/Calendar.aspx?CID=22&{month}"
    )
    assert spider.api_url(f"{SITE}/Calendar.aspx?EID=5538") == f"{SITE}/Calendar.aspx?EID=5538"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("civicplus")
    calendar = work / "site" / "Calendar.aspx"
    calendar.mkdir(parents=True)
    shutil.copy(FIXTURES / "calendar_2027-09.html", calendar / "month=9.json")
    shutil.copy(FIXTURES / "calendar_2027-10.html", calendar / "month=10.json")
    shutil.copy(FIXTURES / "event_5538.html", calendar / "EID=5538.json")
    seen: list[str] = []
    with serve_api(work / "site", seen, paging=("EID", "month")) as base:
        result, db = crawl(
            work,
            f"""
[sources.fairhaven-city]
spider = "civicplus"
urls = ["{base}Calendar.aspx?CID=14,22,31"]
timezone = "America/New_York"

[sources.fairhaven-city.civicplus]
window_days_ahead = 45
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_each_month_and_the_followed_event_page(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path in seen if path != "/robots.txt"] == [
        "/Calendar.aspx?CID=14%2C22%2C31&view=list&month=9&year=2027",
        "/Calendar.aspx?CID=14%2C22%2C31&view=list&month=10&year=2027",
        "/Calendar.aspx?EID=5538",
    ]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("City Council Regular Meeting", "2027-09-13T23:00:00+00:00"),
        ("Résumé & Cover Letter Workshop", "2027-09-14T22:00:00+00:00"),
        ("Storytime in the Park", "2027-09-18T14:30:00+00:00"),
        ("Fall Regional Job Fair", "2027-09-23T14:00:00+00:00"),
        ("Virtual Hiring Event: Fairhaven Public Works", "2027-09-29T17:00:00+00:00"),
        ("Manufacturing Week: Plant Tours", "2027-10-04T04:00:00+00:00"),
        ("Small Business Networking Mixer", "2027-10-07T21:30:00+00:00"),
        ("Interview Skills Bootcamp", "2027-10-12T13:00:00+00:00"),
        ("Planning Commission Meeting", "2027-10-19T22:00:00+00:00"),
    ]
    assert rows[5]["all_day"] == 1 and rows[6]["status"] == "cancelled" and rows[4]["attendance"] == "online"
    assert json.loads(rows[1]["categories"]) == ["Workforce & Economic Development", "Fairhaven Public Library"]
    line = summary(result, "fairhaven-city")
    assert "events=9" in line and "errors=1" in line  # the untitled entry, counted
