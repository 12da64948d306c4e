"""GrowthZone / ChamberMaster: the `/api/events` XML, the month calendar and the event pages
read into raw events, and a crawl of a chamber's calendar over HTTP."""

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import growthzone
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "growthzone"
NOW = datetime(2027, 9, 1, 12, tzinfo=UTC)
NAMES = ["2=Business After Hours", "3=Workforce Development", "5=Job Fairs", "6=Ribbon Cuttings", "7=Workshops"]
CONTEXT = Context(now=NOW, timezone="America/Chicago", options={"category_names": NAMES})
SITE = "https://business.rivertonchamber.org"
API = SITE + "/api/events"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def api_events() -> dict:
    result = growthzone.extract(page("api_events.xml"), API, CONTEXT)
    return {event["own_id"]: event for event in result.events}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_api_event_with_place_fees_contact_and_named_categories():
    fair = api_events()["5120"]
    assert fair["title"] == "Fall Career & Job Fair 2027"
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T10:00:00", "2027-09-22T14:00:00")  # floating
    assert fair["url"] == SITE + "/events/details/fall-career-job-fair-2027-5120"
    assert fair["organizer_url"] == "https://www.rivertonworkforce.org/jobfair"
    assert fair["organizer"] == "Dana Whitfield"
    # LocationDesc is the venue as written; the map pin (the chamber's own address) is not used
    assert (fair["venue_name"], fair["street"], fair["city"], fair["region"], fair["postal_code"]) == (
        "Riverton Civic Center",
        "400 E Main Street",
        "Riverton",
        "IL",
        "61701",
    )
    assert fair["cost_text"] == "Free for job seekers. Employer booths: $150 members / $225 non-members"
    assert fair["categories"] == ["Workforce Development", "Job Fairs"]
    assert fair["description"].startswith('<span style="font-size:16px;">Meet more than 60')
    assert "timezone" not in fair and "series_id" not in fair


def test_api_online_series_all_day_and_map_pin():
    events = api_events()
    lab = events["5133"]
    assert lab["online_url"] == "https://us02web.zoom.us/j/84512345678"
    assert lab["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in lab
    assert lab["series_id"] == "5131" and lab["categories"] == ["Workshops"] and lab["cost_text"] == "FREE"
    week = events["5150"]
    assert (week["start_text"], week["end_text"]) == ("2027-10-04", "2027-10-08")
    cutting = events["5160"]  # no LocationDesc: the map pin is the place
    assert (cutting["street"], cutting["city"], cutting["postal_code"]) == ("318 W Water St", "Riverton", "61701")
    assert events["5158"]["title"].startswith("CANCELLED - ")


def test_pending_rows_are_skipped_and_an_untitled_row_is_counted():
    result = growthzone.extract(page("api_events.xml"), API, CONTEXT)
    assert sorted(e["own_id"] for e in result.events) == ["5120", "5133", "5141", "5150", "5158", "5160"]
    assert result.errors == ["event_without_name"]
    assert result.next_page is None and result.follow == []


def test_without_category_names_no_ids_are_made_up():
    result = growthzone.extract(page("api_events.xml"), API, Context(now=NOW, timezone="America/Chicago"))
    assert all("categories" not in event for event in result.events)


def test_the_same_records_as_json():
    root = ET.fromstring(page("api_events.xml").encode())
    record = {child.tag: child.text for child in root.find("EventDisplay") if len(child) == 0 and child.text}
    record["Categories"] = [5]
    [event] = growthzone.extract(json.dumps([record]), API, CONTEXT).events
    assert (event["own_id"], event["title"]) == ("5120", "Fall Career & Job Fair 2027")
    assert event["categories"] == ["Job Fairs"] and event["start_text"] == "2027-09-22T10:00:00"


def test_the_calendar_page_names_its_categories():
    assert growthzone.category_names(page("calendar.html")) == [
        "2=Business After Hours",
        "8=Community",
        "5=Job Fairs & Hiring Events",
        "6=Ribbon Cuttings",
        "7=Workshops & Seminars",
        "3=Workforce Development",
    ]


def test_month_calendar_follows_event_pages_from_today_and_the_next_month():
    result = growthzone.extract(page("calendar.html"), SITE + "/events/calendar", CONTEXT)
    assert result.events == [] and result.errors == []
    assert result.follow == [
        SITE + "/events/details/resume-linkedin-lab-virtual-09-14-2027-5133",
        SITE + "/events/details/ribbon-cutting-sweet-crumb-bakery-5160",
        SITE + "/events/details/fall-career-job-fair-2027-5120",
    ]  # Aug 31 is past
    assert result.next_page == SITE + "/events/calendar/2027-10-01"
    short = Context(now=NOW, timezone="America/Chicago", options={"window_days_ahead": 20})
    assert growthzone.extract(page("calendar.html"), SITE + "/events/calendar", short).next_page is None
    october = growthzone.extract(page("calendar_2027-10-01.html"), SITE + "/events/calendar/2027-10-01", short)
    assert len(october.follow) == 2 and october.next_page is None


def test_event_page_times_with_the_printed_zone_fees_and_registration():
    [fair] = growthzone.extract(page("detail_job_fair.html"), SITE + "/events/details/x-5120", CONTEXT).events
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T10:00-05:00", "2027-09-22T14:00-05:00")
    assert instant(fair["start_text"]) == datetime(2027, 9, 22, 15, tzinfo=UTC)
    assert fair["timezone"] == "America/Chicago" and fair["own_id"] == "5120"
    assert fair["cost_text"] == "Free for job seekers. Employer booths: $150 members / $225 non-members"
    assert fair["registration_url"] == SITE + "/events/register/5120"
    assert (fair["venue_name"], fair["street"], fair["postal_code"]) == (
        "Riverton Civic Center",
        "400 E Main Street",
        "61701",
    )
    assert fair["organizer"] == "Dana Whitfield" and "event_status" not in fair  # EventScheduled
    assert fair["description"].endswith("dress for an interview!")


def test_event_page_in_standard_time_cancelled_and_in_another_zone_than_the_source():
    eastern = Context(now=NOW, timezone="America/New_York")
    [spot] = growthzone.extract(page("detail_spotlight.html"), SITE + "/events/details/x", eastern).events
    assert spot["start_text"] == "2027-11-10T12:00-06:00" and instant(spot["end_text"]).hour == 19
    assert spot["timezone"] == "America/Chicago"  # CST, not the source's zone
    assert spot["event_status"] == "EventCancelled"


def test_event_page_without_a_time_is_all_day():
    [tours] = growthzone.extract(page("detail_plant_tours.html"), SITE + "/events/details/x", CONTEXT).events
    assert (tours["start_text"], tours["end_text"]) == ("2027-10-04", "2027-10-08") and "timezone" not in tours
    assert tours["cost_text"] == "Free; registration required for each tour."


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/login'>Member Login</form></body></html>", "growthzone_not_json"),
        (
            '<?xml version="1.0" encoding="utf-8"?><Error><Message>An error has occurred.</Message></Error>',
            "growthzone_api_error",
        ),
        ('{"Message": "An error has occurred."}', "growthzone_api_error"),
        ('{"items": [], "kind": "calendar#events"}', "growthzone_not_events"),
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Events</title></channel></rss>',
            "growthzone_not_events",
        ),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert growthzone.extract(body, API, CONTEXT).errors == [code]


def test_detected_from_its_content():
    for name in ("api_events.xml", "calendar.html", "detail_job_fair.html"):
        assert detect_format(page(name)) == "growthzone"
    assert not growthzone.looks_like('<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>')
    assert not growthzone.looks_like("<html><body><h1>Events</h1><div class='event'>Job fair</div></body></html>")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("growthzone")
    (work / "site" / "api").mkdir(parents=True)
    (work / "site" / "events").mkdir()
    shutil.copy(FIXTURES / "api_events.xml", work / "site" / "api" / "events")
    shutil.copy(FIXTURES / "calendar.html", work / "site" / "events" / "calendar")
    seen: list[str] = []
    with serve_api(work / "site", seen) as base:
        result, db = crawl(
            work,
            f"""
[sources.riverton-chamber]
spider = "growthzone"
urls = ["{base}"]
timezone = "America/Chicago"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_the_api_with_the_calendars_category_names(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path in seen if path != "/robots.txt"] == ["/events/calendar", "/api/events"]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Résumé & LinkedIn Lab (Virtual)", "2027-09-14T17:00:00+00:00"),
        ("Ribbon Cutting - Sweet Crumb Bakery", "2027-09-17T16:30:00+00:00"),
        ("Fall Career & Job Fair 2027", "2027-09-22T15:00:00+00:00"),
        ("Young Professionals Networking Mixer", "2027-09-30T22:30:00+00:00"),
        ("Manufacturing Week: Plant Tours", "2027-10-04T05:00:00+00:00"),
        ("Employer Spotlight: Midwest Health", "2027-10-06T17:00:00+00:00"),
    ]
    assert json.loads(rows[2]["categories"]) == ["Workforce Development", "Job Fairs & Hiring Events"]
    assert rows[4]["all_day"] == 1 and rows[5]["status"] == "cancelled" and rows[0]["attendance"] == "online"
    line = summary(result, "riverton-chamber")
    assert "events=6" in line and "errors=1" in line  # the untitled row, counted
